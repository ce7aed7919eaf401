import { act, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AlertRuleInput, ConditionGroup } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'
import { fail } from '../../../../shared/contract'
import type { PanelLink } from '../../app/panel-types'
import { createAppPanelRegistry } from '../../app/panels'
import { render, type Rendered } from '../../test-support/render'
import type { FakeTerminalApi } from '../chart/fake-terminal-api'
import { alert, FakeRules, NOW, preview, rulesApi, storedRule } from './alert-fixtures'
import { AlertRulesPanel, parseAlertRulesState, type AlertRulesState } from './AlertRulesPanel'
import { createRuleEditorBus, type RuleEditorBus } from './editor-bus'
import { PREVIEW_DEBOUNCE_MS } from './RulePreview'
import { click, dragAndDrop, keyDown, setValue, settle } from './test-helpers'

let view: Rendered | null = null
beforeEach(() => {
  vi.useFakeTimers({ now: NOW })
})
afterEach(() => {
  view?.unmount()
  view = null
  vi.useRealTimers()
})

const link: PanelLink = { color: 'none', symbol: null, setSymbol: () => {} }
const q = (id: string, root: ParentNode = view!.container) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`)
const all = (id: string, root: ParentNode = view!.container) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
const cards = (kind?: string) => all('ar-card').filter((c) => kind === undefined || c.dataset.kind === kind)
const card = (kind: string, i = 0) => cards(kind)[i] ?? null
const groups = () => all('ar-group')
/** The control of a group itself, not of a group nested in it. */
const groupControl = (g: HTMLElement, id: string) => g.querySelector<HTMLElement>(`:scope > .ar-group-head [data-testid="${id}"]`)
const ruleRow = (id: string) => all('ar-rule').find((r) => r.dataset.id === id) ?? null

async function addTo(g: HTMLElement, kind: string) {
  await click(groupControl(g, 'ar-add'))
  await click(g.querySelector(`:scope > .ar-group-head [data-testid="ar-add-${kind}"]`))
}

async function mount(api: FakeTerminalApi, initial: AlertRulesState = { selectedId: null }, bus: RuleEditorBus = createRuleEditorBus()) {
  const states: AlertRulesState[] = []
  function Harness() {
    const [state, setState] = useState(initial)
    return (
      <AlertRulesPanel
        state={state}
        setState={(s) => {
          states.push(s)
          setState(s)
        }}
        link={link}
        api={api}
        visible
        bus={bus}
      />
    )
  }
  view = render(<Harness />)
  await settle()
  return { states, bus }
}

const savedRules = (api: FakeTerminalApi) => api.callsOf('alerts.rules.save') as { rule: AlertRuleInput }[]

describe('Alert rule editor: building a rule', () => {
  it('builds a rule by clicks: conditions of several kinds, a nested group, AND/OR, channels and noise', async () => {
    const rules = new FakeRules()
    const api = rulesApi(rules)
    const { states } = await mount(api)
    expect(q('ar-dirty')).toBeNull()
    await setValue(q('ar-name'), 'Intraday reversals')

    const root = groups()[0]!
    await addTo(root, 'pattern')
    const pattern = card('pattern')!
    await click(pattern.querySelector('[data-testid="ar-pattern-option"][data-name="Hammer"]'))
    await click(pattern.querySelector('[data-testid="ar-pattern-option"][data-name="ShootingStar"]'))
    expect(all('ar-picked', pattern).map((p) => p.dataset.name)).toEqual(['Hammer', 'ShootingStar'])

    await addTo(root, 'tier')
    await click(q('chip-tier-intraday', card('tier')!))

    await addTo(root, 'group')
    const nested = groups()[1]!
    // A group nested in an AND group starts as OR.
    expect(nested.dataset.op).toBe('or')
    await addTo(nested, 'regime')
    // A new regime condition starts valid, on Bull.
    expect(q('chip-regime-Bull', card('regime')!)!.getAttribute('aria-pressed')).toBe('true')
    await addTo(nested, 'confidence')
    await setValue(q('c-confidence-confidence-low', card('confidence')!), '85')
    // Switching the group's operator, both ways.
    await click(groupControl(nested, 'ar-op-and'))
    expect(groups()[1]!.dataset.op).toBe('and')
    await click(groupControl(groups()[1]!, 'ar-op-or'))
    expect(groups()[1]!.dataset.op).toBe('or')
    expect(card('confidence')!.parentElement!.closest('[data-testid="ar-group"]')).toBe(groups()[1])

    await click(q('ar-ch-desktop'))
    await setValue(q('ar-ch-sound'), 'chime')
    await click(q('ar-ch-webhook-ntfy-phone'))
    await setValue(q('ar-noise-cooldown'), '15')
    expect(q('ar-dirty')).not.toBeNull()

    await click(q('ar-save'))
    expect(savedRules(api)).toEqual([
      {
        rule: {
          name: 'Intraday reversals',
          enabled: true,
          when: {
            kind: 'group',
            op: 'and',
            items: [
              { kind: 'pattern', names: ['Hammer', 'ShootingStar'] },
              { kind: 'tier', tiers: ['intraday'] },
              {
                kind: 'group',
                op: 'or',
                items: [
                  { kind: 'regime', in: ['Bull'] },
                  { kind: 'confidence', min: 0.85 },
                ],
              },
            ],
          },
          actions: { desktop: false, toast: true, sound: 'chime', email: false, webhooks: ['ntfy-phone'], urgency: null },
          noise: { cooldownMinutes: 15, maxPerHour: null, snoozeUntil: null, quietHours: null, expiresAt: null, firstPerSymbolPerDay: false, digestMinutes: null },
        },
      },
    ])
    // Saved: selected in the list and in the panel's layout state, nothing unsaved.
    expect(ruleRow('r101')!.getAttribute('aria-selected')).toBe('true')
    expect(q('ar-rule-summary', ruleRow('r101')!)!.textContent).toBe('Hammer or ShootingStar, intraday, (in Bull or confidence >= 0.85)')
    expect(states.at(-1)).toEqual({ selectedId: 'r101' })
    expect(q('ar-dirty')).toBeNull()
    expect(q('ar-notice')!.textContent).toBe('Saved “Intraday reversals”.')
  })

  it('drags a palette item into a group and moves a card into another group by drag and drop', async () => {
    const api = rulesApi(new FakeRules())
    await mount(api)
    await setValue(q('ar-name'), 'dnd')
    const root = groups()[0]!
    // Drop a confidence condition on the root's end zone, then a group, then a session into that group.
    expect(await dragAndDrop(q('ar-palette-confidence'), q('ar-drop-end', root))).toBe(true)
    expect(await dragAndDrop(q('ar-palette-group'), groupControl(root, 'ar-op-and')!.closest('.ar-group')!.querySelector(':scope > .ar-group-items > [data-testid="ar-drop-end"]'))).toBe(true)
    const nested = groups()[1]!
    await dragAndDrop(q('ar-palette-session'), q('ar-drop-end', nested))
    expect(card('session')!.closest('[data-testid="ar-group"]')).toBe(groups()[1])

    // Move the confidence card (root) into the nested group, before the session card.
    await dragAndDrop(q('ar-handle', card('confidence')!), card('session')!)
    const inner = groups()[1]!
    expect(all('ar-card', inner).map((c) => c.dataset.kind)).toEqual(['confidence', 'session'])
    // And a palette item dropped on a card goes before it.
    await dragAndDrop(q('ar-palette-regime'), card('session')!)
    expect(all('ar-card', groups()[1]!).map((c) => c.dataset.kind)).toEqual(['confidence', 'regime', 'session'])

    await click(q('ar-save'))
    expect(savedRules(api)[0]!.rule.when).toEqual({
      kind: 'group',
      op: 'and',
      items: [
        {
          kind: 'group',
          op: 'or',
          items: [
            { kind: 'confidence', min: 0.8 },
            { kind: 'regime', in: ['Bull'] },
            { kind: 'session', in: ['regular'] },
          ],
        },
      ],
    })
  })

  it('moves cards with the keyboard and removes them with ×; groups nest at most 4 deep', async () => {
    const api = rulesApi(new FakeRules())
    await mount(api)
    const root = groups()[0]!
    await addTo(root, 'tier')
    await addTo(root, 'price')
    // The new card's handle has the focus.
    expect(document.activeElement).toBe(q('ar-handle', card('price')!))
    // Typing in the card keeps the focus where it is (the handle took it once).
    const min = q('c-price-min', card('price')!) as HTMLInputElement
    min.focus()
    await setValue(min, '7')
    expect(document.activeElement).toBe(min)
    await keyDown(q('ar-handle', card('price')!), 'ArrowUp')
    expect(cards().map((c) => c.dataset.kind)).toEqual(['price', 'tier'])
    await addTo(groups()[0]!, 'group')
    await keyDown(q('ar-handle', card('tier')!), 'ArrowRight')
    expect(all('ar-card', groups()[1]!).map((c) => c.dataset.kind)).toEqual(['tier'])
    await keyDown(q('ar-handle', card('tier')!), 'ArrowLeft')
    expect(all('ar-card', groups()[1]!)).toEqual([])
    await click(q('ar-card-remove', card('price')!))
    expect(cards().map((c) => c.dataset.kind)).toEqual(['tier'])

    // Depth: root (1) > 2 > 3 > 4: the fourth cannot take a group.
    await addTo(groups()[1]!, 'group')
    await addTo(groups()[2]!, 'group')
    await click(groupControl(groups()[3]!, 'ar-add'))
    expect((groupControl(groups()[3]!, 'ar-add-group') as HTMLButtonElement).disabled).toBe(true)
    // Dragging a group in is refused with a reason.
    await dragAndDrop(q('ar-palette-group'), q('ar-drop-end', groups()[3]!))
    expect(q('ar-notice')!.textContent).toBe('Cannot do that: groups nest at most 4 deep.')
    await click(q('ar-group-remove', groups()[1]!))
    expect(groups()).toHaveLength(1)
  })
})

describe('Alert rule editor: validation', () => {
  it('validates locally: messages next to the name, on the card, and on noise fields; nothing is sent', async () => {
    const api = rulesApi(new FakeRules())
    await mount(api)
    // An untouched new rule shows no errors until a save is tried.
    expect(q('ar-err-name')).toBeNull()
    await click(q('ar-save'))
    expect(q('ar-err-name')!.textContent).toBe('a rule needs a name')
    expect(q('ar-notice')!.textContent).toBe('Not saved: fix the marked fields.')

    await setValue(q('ar-name'), 'Cheap stocks')
    expect(q('ar-err-name')).toBeNull()
    const root = groups()[0]!
    await addTo(root, 'price')
    await setValue(q('c-price-min', card('price')!), '10')
    await setValue(q('c-price-max', card('price')!), '5')
    expect(q('ar-card-errors', card('price')!)!.textContent).toBe('the minimum is above the maximum')
    expect(card('price')!.getAttribute('aria-invalid')).toBe('true')
    await addTo(root, 'symbol')
    expect(q('ar-card-errors', card('symbol')!)!.textContent).toBe('list symbols to include or exclude')
    await addTo(root, 'relVolume')
    await setValue(q('c-relVolume-min', card('relVolume')!), '0')
    expect(q('ar-card-errors', card('relVolume')!)!.textContent).toBe('minimum: must be above 0')
    await click(q('ar-noise-quiet'))
    await setValue(q('ar-noise-quiet-to'), '20:00')
    expect(q('ar-err-quiet')!.textContent).toBe('quiet hours need a from and a to that differ')

    await click(q('ar-save'))
    expect(savedRules(api)).toEqual([])
    // Fixing a card clears its message.
    await setValue(q('c-price-max', card('price')!), '50')
    expect(q('ar-card-errors', card('price')!)).toBeNull()
    await setValue(q('c-symbol-include', card('symbol')!), 'aapl, msft')
    expect(q('ar-card-errors', card('symbol')!)).toBeNull()
  })

  it("shows the engine's per-field errors on the card they name, until that card changes", async () => {
    const api = rulesApi(new FakeRules()).handle('alerts.rules.save', () =>
      fail('bad_request', 'invalid rule: rule.when.items.1.min: Too big: expected number to be <=1000', { 'rule.when.items.1.min': 'Too big: expected number to be <=1000' }),
    )
    await mount(api)
    await setValue(q('ar-name'), 'Volume')
    const root = groups()[0]!
    await addTo(root, 'confidence')
    await addTo(root, 'relVolume')
    await click(q('ar-save'))
    expect(savedRules(api)).toHaveLength(1)
    expect(q('ar-notice')!.textContent).toBe('Not saved: invalid rule: rule.when.items.1.min: Too big: expected number to be <=1000')
    expect(q('ar-card-errors', card('relVolume')!)!.textContent).toBe('minimum: must be at most 1000')
    expect(q('ar-card-errors', card('confidence')!)).toBeNull()
    // Editing another card leaves it; editing this one clears it.
    await setValue(q('c-confidence-confidence-low', card('confidence')!), '70')
    expect(q('ar-card-errors', card('relVolume')!)).not.toBeNull()
    await setValue(q('c-relVolume-min', card('relVolume')!), '3')
    expect(q('ar-card-errors', card('relVolume')!)).toBeNull()
  })

  it('maps an engine error in a nested group to its card after the card moved', async () => {
    const api = rulesApi(new FakeRules()).handle('alerts.rules.save', () => fail('bad_request', 'invalid rule', { 'rule.when.items.1.items.0': 'not allowed here' }))
    await mount(api)
    await setValue(q('ar-name'), 'Nested')
    await addTo(groups()[0]!, 'tier')
    await click(q('chip-tier-daily', card('tier')!))
    await addTo(groups()[0]!, 'group')
    await addTo(groups()[1]!, 'session')
    await click(q('ar-save'))
    expect(q('ar-card-errors', card('session')!)!.textContent).toBe('not allowed here')
    // The message follows the card (by identity, not position).
    await keyDown(q('ar-handle', card('session')!), 'ArrowLeft')
    expect(q('ar-card-errors', card('session')!)!.textContent).toBe('not allowed here')
    expect(q('ar-card-errors', card('tier')!)).toBeNull()
  })
})

describe('Alert rule editor: live preview', () => {
  it('asks once edits pause (several edits, one request) and words the answer with examples', async () => {
    const api = rulesApi(new FakeRules())
    await mount(api)
    await settle(PREVIEW_DEBOUNCE_MS)
    // The empty new rule is not a rule yet (it needs a condition): nothing asked.
    expect(api.callsOf('alerts.rules.preview')).toHaveLength(0)
    await addTo(groups()[0]!, 'confidence')
    await settle(100)
    await setValue(q('c-confidence-confidence-low', card('confidence')!), '85')
    await settle(100)
    await setValue(q('c-confidence-confidence-low', card('confidence')!), '90')
    await settle(PREVIEW_DEBOUNCE_MS - 1)
    expect(api.callsOf('alerts.rules.preview')).toHaveLength(0)
    expect(q('ar-preview')!.dataset.status).toBe('loading')
    await settle(1)
    const calls = api.callsOf('alerts.rules.preview') as { rule: AlertRuleInput; days: number }[]
    expect(calls).toHaveLength(1)
    expect(calls[0]!.days).toBe(7)
    expect(calls[0]!.rule.name).toBe('Untitled rule')
    expect((calls[0]!.rule.when as ConditionGroup).items).toEqual([{ kind: 'confidence', min: 0.9 }])
    expect(q('ar-preview-sentence')!.textContent).toBe('Would have fired 42 times in 7 days (≈ 6.0/day), 30 delivered; 9 suppressed by cooldown, 3 by quiet hours.')
    const rows = all('ar-preview-example')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.textContent).toContain('11-25 09:00')
    expect(rows[0]!.textContent).toContain('NVDA')
    expect(rows[0]!.textContent).toContain('Hammer')
    expect(rows[0]!.textContent).toContain('Hammer · confidence ≥ 0.80')
    expect(rows[1]!.textContent).toContain('held back: cooldown')
    // Channels do not change what would have fired: no new request.
    await click(q('ar-ch-toast'))
    await settle(PREVIEW_DEBOUNCE_MS)
    expect(api.callsOf('alerts.rules.preview')).toHaveLength(1)
  })

  it('says when nothing matched, and waits while the rule is invalid', async () => {
    const api = rulesApi(new FakeRules(), { preview: preview({ matched: 0, delivered: 0, suppressed: {}, perDay: 0, examples: [] }) })
    await mount(api)
    await settle(PREVIEW_DEBOUNCE_MS)
    // No condition yet: not a rule, nothing asked.
    expect(q('ar-preview')!.dataset.status).toBe('invalid')
    expect(api.callsOf('alerts.rules.preview')).toHaveLength(0)
    await addTo(groups()[0]!, 'confidence')
    await settle(PREVIEW_DEBOUNCE_MS)
    expect(q('ar-preview-sentence')!.textContent).toBe('Nothing in the last 7 days would have matched (1,200 events checked).')
    expect(q('ar-preview-examples')).toBeNull()
    await addTo(groups()[0]!, 'symbol')
    await settle(PREVIEW_DEBOUNCE_MS * 2)
    expect(q('ar-preview')!.dataset.status).toBe('invalid')
    expect(q('ar-preview')!.textContent).toContain('The preview waits for a valid rule')
    expect(api.callsOf('alerts.rules.preview')).toHaveLength(1)
  })
})

describe('Alert rule editor: saved rules', () => {
  function twoRules() {
    const rules = new FakeRules([
      storedRule('r1', { name: 'Breakouts', when: { kind: 'group', op: 'and', items: [{ kind: 'pattern', kinds: ['breakout'] }] } }),
      storedRule('r2', { name: 'Hammers', when: { kind: 'group', op: 'and', items: [{ kind: 'pattern', names: ['Hammer'] }, { kind: 'tier', tiers: ['intraday'] }] } }),
    ])
    return rules
  }

  it('lists rules with summary and firings today, unreadable ones read-only, and opens the persisted selection', async () => {
    const rules = twoRules()
    rules.unreadable = [{ id: 'old1', reason: 'written by a newer version (rule format 3, this build reads up to 1)' }]
    const api = rulesApi(rules, {
      history: [alert(1, 'r1'), alert(2, 'r1'), alert(3, 'r1', { test: true }), alert(4, 'r2', { firedAt: epochMs(NOW - 86_400_000) })],
    })
    await mount(api, { selectedId: 'r2' })
    expect(all('ar-rule').map((r) => r.dataset.id)).toEqual(['r1', 'r2'])
    expect(q('ar-rule-summary', ruleRow('r1')!)!.textContent).toBe('breakout patterns')
    expect(q('ar-rule-summary', ruleRow('r2')!)!.textContent).toBe('Hammer, intraday')
    expect(q('ar-rule-fired', ruleRow('r1')!)!.textContent).toBe('2 today')
    expect(q('ar-rule-fired', ruleRow('r2')!)!.textContent).toBe('0 today')
    expect(api.callsOf('alerts.history')).toEqual([{ limit: 500, includeTests: false }])
    // A new alert pushed counts at once.
    act(() => api.push('alerts', [alert(10, 'r2')]))
    expect(q('ar-rule-fired', ruleRow('r2')!)!.textContent).toBe('1 today')

    expect(all('ar-unreadable-rule').map((r) => r.textContent)).toEqual(['⚠ old1: written by a newer version (rule format 3, this build reads up to 1)'])
    expect(q('ar-editor')!.dataset.ruleId).toBe('r2')
    expect((q('ar-name') as HTMLInputElement).value).toBe('Hammers')
    expect(ruleRow('r2')!.getAttribute('aria-selected')).toBe('true')
  })

  it('saves edits to the selected rule, sends a test, deletes after a confirm', async () => {
    const rules = twoRules()
    const api = rulesApi(rules)
    const { states } = await mount(api, { selectedId: 'r1' })
    expect((q('ar-save') as HTMLButtonElement).disabled).toBe(true)
    await setValue(q('ar-name'), 'Breakouts (daily)')
    expect(q('ar-dirty')).not.toBeNull()
    await click(q('ar-save'))
    expect(savedRules(api)[0]!.rule).toMatchObject({ id: 'r1', name: 'Breakouts (daily)' })
    expect(rules.rules.get('r1')!.name).toBe('Breakouts (daily)')
    expect(q('ar-dirty')).toBeNull()

    await click(q('ar-test'))
    expect(api.callsOf('alerts.rules.test')).toEqual([{ id: 'r1' }])
    expect(q('ar-test-result')!.textContent).toBe('Test alert #900: desktop pending · webhook ntfy-phone failed (HTTP 500)')

    await click(q('ar-delete'))
    expect(q('ar-delete-confirm')!.textContent).toContain('Delete “Breakouts (daily)”?')
    await click(q('ar-delete-cancel'))
    expect(api.callsOf('alerts.rules.delete')).toEqual([])
    await click(q('ar-delete'))
    await click(q('ar-delete-ok'))
    expect(api.callsOf('alerts.rules.delete')).toEqual([{ id: 'r1' }])
    expect(all('ar-rule').map((r) => r.dataset.id)).toEqual(['r2'])
    expect(q('ar-editor')!.dataset.ruleId).toBe('')
    expect(states.at(-1)).toEqual({ selectedId: null })
    expect(q('ar-notice')!.textContent).toBe('Deleted “Breakouts (daily)”.')
    expect((q('ar-test') as HTMLButtonElement).disabled).toBe(true)
  })

  it('saves as a new rule (a copy), enables and disables from the list, snoozes', async () => {
    const rules = twoRules()
    const api = rulesApi(rules)
    const { states } = await mount(api, { selectedId: 'r2' })
    await click(q('ar-save-new'))
    expect(savedRules(api)[0]!.rule.id).toBeUndefined()
    expect(savedRules(api)[0]!.rule.name).toBe('Hammers (copy)')
    expect(states.at(-1)).toEqual({ selectedId: 'r101' })
    expect(all('ar-rule').map((r) => r.dataset.id)).toEqual(['r1', 'r2', 'r101'])

    await click(q('ar-rule-enabled', ruleRow('r1')!))
    expect(savedRules(api)[1]!.rule).toMatchObject({ id: 'r1', enabled: false, name: 'Breakouts' })
    expect(ruleRow('r1')!.className).toContain('is-off')
    // The toggle does not select the rule.
    expect(q('ar-editor')!.dataset.ruleId).toBe('r101')

    await click(q('ar-snooze-60'))
    expect(api.callsOf('alerts.rules.snooze')).toEqual([{ id: 'r101', until: NOW + 3_600_000 }])
    expect(q('ar-snoozed')!.textContent).toBe('until 11:00 NY')
    expect(q('ar-rule-snoozed', ruleRow('r101')!)!.textContent).toBe('zZ 11:00')
    expect(q('ar-dirty')).toBeNull()
    await click(q('ar-unsnooze'))
    expect(api.callsOf('alerts.rules.snooze')[1]).toEqual({ id: 'r101', until: null })
  })

  it('asks before discarding unsaved edits when another rule is picked', async () => {
    const api = rulesApi(twoRules())
    await mount(api, { selectedId: 'r1' })
    await setValue(q('ar-name'), 'changed')
    await click(ruleRow('r2'))
    expect(q('ar-discard-confirm')).not.toBeNull()
    await click(q('ar-discard-cancel'))
    expect((q('ar-name') as HTMLInputElement).value).toBe('changed')
    await click(ruleRow('r2'))
    await click(q('ar-discard-ok'))
    expect((q('ar-name') as HTMLInputElement).value).toBe('Hammers')
    expect(q('ar-dirty')).toBeNull()
  })

  it('opens the rule another panel asks for (the editor bus)', async () => {
    const bus = createRuleEditorBus()
    await mount(rulesApi(twoRules()), { selectedId: 'r1' }, bus)
    expect(bus.getState().editors).toBe(1)
    await act(async () => {
      bus.getState().open('r2')
      await vi.advanceTimersByTimeAsync(0)
    })
    expect(q('ar-editor')!.dataset.ruleId).toBe('r2')
    expect(bus.getState().request).toBeNull()
  })

  it('reads back its layout state: only a rule id', () => {
    expect(parseAlertRulesState({ selectedId: 'r7' })).toEqual({ selectedId: 'r7' })
    expect(parseAlertRulesState({ selectedId: 7 })).toEqual({ selectedId: null })
    expect(parseAlertRulesState(null)).toEqual({ selectedId: null })
  })
})

describe('Pattern picker', () => {
  it('filters the catalogue by search, kind and direction, with a drawing and a direction icon per pattern', async () => {
    await mount(rulesApi(new FakeRules()))
    await addTo(groups()[0]!, 'pattern')
    const c = card('pattern')!
    const options = () => all('ar-pattern-option', c)
    expect(options().length).toBeGreaterThan(30)
    for (const o of options()) expect(q('pattern-glyph', o)).not.toBeNull()
    await setValue(q('ar-pattern-search', c), 'star')
    expect(options().map((o) => o.dataset.name)).toEqual(['EveningStar', 'MorningStar', 'ShootingStar'])
    expect(options().map((o) => q('dir-icon', o)!.textContent)).toEqual(['▼', '▲', '▼'])
    expect(options().map((o) => o.dataset.direction)).toEqual(['bearish', 'bullish', 'bearish'])
    await click(q('chip-pdir-bullish', c))
    expect(options().map((o) => o.dataset.name)).toEqual(['MorningStar'])
    await setValue(q('ar-pattern-search', c), '')
    await click(q('chip-pkind-breakout', c))
    expect(options().map((o) => o.dataset.name)).toEqual(['HighOfDay'])
    // Candlesticks are drawn as candles, others as sketches.
    await click(q('chip-pkind-breakout', c))
    await click(q('chip-pkind-candlestick', c))
    expect(options().every((o) => q('pattern-glyph', o)!.dataset.glyph === 'candles')).toBe(true)
    expect(q('ar-card-summary', c)!.textContent).toBe('bullish candlestick patterns')
  })
})

describe('Alert rule editor in the app registry', () => {
  it('opens from the Panels menu, unlinked', () => {
    const reg = createAppPanelRegistry()
    const def = reg.get('alert-rules')!
    expect(def.menuName).toBe('Alert rules')
    expect(reg.defaultLink(def)).toBe('none')
    expect(reg.entries().map((e) => e.name)).toContain('Alert rules')
    expect(reg.parseState(def, { selectedId: 'r1', draft: { x: 1 } })).toEqual({ selectedId: 'r1' })
  })
})
