import { act, useState, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { epochMs } from '../../../../shared/domain'
import type { PanelLink } from '../../app/panel-types'
import { createAppPanelRegistry } from '../../app/panels'
import { render, type Rendered } from '../../test-support/render'
import { alert, FakeRules, NOW, rulesApi, stats, storedRule } from '../alert-rules/alert-fixtures'
import { AlertRulesPanel, type AlertRulesState } from '../alert-rules/AlertRulesPanel'
import { createRuleEditorBus, type RuleEditorBus } from '../alert-rules/editor-bus'
import { click, settle } from '../alert-rules/test-helpers'
import { AlertStatsPanel, defaultAlertStatsState, parseAlertStatsState, STATS_REFRESH_MS, type AlertStatsState } from './AlertStatsPanel'
import { formatOutcome, formatUseful, sortStats } from './stats-model'

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
const order = () => all('as-row').map((r) => r.dataset.ruleId)
const row = (id: string) => all('as-row').find((r) => r.dataset.ruleId === id)!

const STATS = [
  stats('r1'),
  stats('r2', { fired: 30, delivered: 25, usefulShare: null, useful: 0, notUseful: 0, outcome: { after1h: -0.02, after1d: null, after5d: null, measured: 0 } }),
  stats('r3', { fired: 5, useful: 1, notUseful: 1, usefulShare: 0.5, outcome: { after1h: 0.001, after1d: 0.03, after5d: 0.05, measured: 4 } }),
]

const HISTORY = [
  alert(1, 'r1', { symbol: 'NVDA', acknowledged: true, feedback: 'useful' }),
  alert(2, 'r1', { symbol: 'AMD', suppressedBy: 'cooldown', channels: [] }),
  alert(3, 'r1', {
    symbol: 'TSLA',
    pattern: 'ShootingStar',
    channels: [{ channel: 'webhook', target: 'ntfy-phone', state: 'failed', reason: 'HTTP 500', attempts: 3, at: epochMs(NOW) }],
  }),
  alert(4, 'r2'),
]

function mount(children: (bus: RuleEditorBus) => ReactNode, bus = createRuleEditorBus()) {
  view = render(<>{children(bus)}</>)
  return bus
}

function StatsHarness({ api, bus, initial = defaultAlertStatsState, onState }: { api: ReturnType<typeof rulesApi>; bus: RuleEditorBus; initial?: AlertStatsState; onState?: (s: AlertStatsState) => void }) {
  const [state, setState] = useState(initial)
  return (
    <AlertStatsPanel
      state={state}
      setState={(s) => {
        onState?.(s)
        setState(s)
      }}
      link={link}
      api={api}
      visible
      bus={bus}
    />
  )
}

function RulesHarness({ api, bus }: { api: ReturnType<typeof rulesApi>; bus: RuleEditorBus }) {
  const [state, setState] = useState<AlertRulesState>({ selectedId: null })
  return <AlertRulesPanel state={state} setState={setState} link={link} api={api} visible bus={bus} />
}

describe('Alert performance panel', () => {
  it('shows each rule: counts, useful share with counts, signed coloured outcomes, "—" without bars', async () => {
    const api = rulesApi(new FakeRules(), { stats: STATS })
    mount((bus) => <StatsHarness api={api} bus={bus} />)
    await settle()
    expect(api.callsOf('alerts.stats')).toEqual([{}])
    const r1 = row('r1')
    expect([...r1.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['Rule r1', '10', '8', '0', '2', '3', '75% (3/4)', '+1.25%', '-0.40%', '—', '7'])
    expect(q('as-after1h', r1)!.className).toContain('ast-up')
    expect(q('as-after1d', r1)!.className).toContain('ast-down')
    expect(q('as-after5d', r1)!.className).not.toMatch(/ast-(up|down)/)
    expect(q('as-useful', row('r2'))!.textContent).toBe('—')
  })

  it('sorts by any column (empty cells last either way) and keeps the sort in the layout state', async () => {
    const api = rulesApi(new FakeRules(), { stats: STATS })
    const states: AlertStatsState[] = []
    mount((bus) => <StatsHarness api={api} bus={bus} onState={(s) => states.push(s)} />)
    await settle()
    // Default: most fired first.
    expect(order()).toEqual(['r2', 'r1', 'r3'])
    await click(q('as-sort-fired'))
    expect(order()).toEqual(['r3', 'r1', 'r2'])
    await click(q('as-sort-useful'))
    expect(order()).toEqual(['r1', 'r3', 'r2'])
    await click(q('as-sort-useful'))
    expect(order()).toEqual(['r3', 'r1', 'r2'])
    expect(q('as-sort-useful')!.closest('th')!.getAttribute('aria-sort')).toBe('ascending')
    await click(q('as-sort-after1h'))
    expect(order()).toEqual(['r1', 'r3', 'r2'])
    await click(q('as-sort-rule'))
    expect(order()).toEqual(['r1', 'r2', 'r3'])
    expect(states.at(-1)).toEqual({ sort: { key: 'rule', dir: 'asc' }, ruleId: null })
    expect(parseAlertStatsState(states.at(-1))).toEqual(states.at(-1))
    expect(parseAlertStatsState({ sort: { key: 'nope', dir: 'up' }, ruleId: 5 })).toEqual(defaultAlertStatsState)
  })

  it("opens a rule's recent alerts below on click, with what became of each", async () => {
    const api = rulesApi(new FakeRules(), { stats: STATS, history: HISTORY })
    mount((bus) => <StatsHarness api={api} bus={bus} />)
    await settle()
    expect(q('as-history')).toBeNull()
    await click(row('r1'))
    expect(row('r1').getAttribute('aria-selected')).toBe('true')
    expect(api.callsOf('alerts.history')).toEqual([{ ruleId: 'r1', limit: 50 }])
    const rows = all('as-alert')
    expect(rows.map((r) => r.dataset.id)).toEqual(['1', '2', '3'])
    expect(rows[0]!.textContent).toContain('NVDA')
    expect(rows[0]!.textContent).toContain('delivered')
    expect(rows[0]!.textContent).toContain('✓')
    expect(rows[0]!.textContent).toContain('useful')
    expect(rows[1]!.textContent).toContain('held back: cooldown')
    expect(rows[2]!.textContent).toContain('failed: webhook ntfy-phone')
    expect(q('pattern-glyph', rows[2]!)).not.toBeNull()
    // Clicking the selected rule again closes its history.
    await click(row('r1'))
    expect(q('as-history')).toBeNull()
  })

  it('"Edit rule" hands the rule to the rule editor: at once when one is open, else when one opens', async () => {
    const rules = new FakeRules([storedRule('r1', { name: 'Breakouts' }), storedRule('r3', { name: 'Stars' })])
    const api = rulesApi(rules, { stats: STATS, history: HISTORY })
    // No editor open: the request waits and the panel says how to open one.
    const bus = mount((b) => <StatsHarness api={api} bus={b} initial={{ ...defaultAlertStatsState, ruleId: 'r3' }} />)
    await settle()
    await click(q('as-edit'))
    expect(bus.getState().request?.ruleId).toBe('r3')
    expect(q('as-open-hint')!.textContent).toBe('Open Panels › Alert rules: it will show this rule.')
    view!.unmount()

    view = render(
      <>
        <StatsHarness api={api} bus={bus} initial={{ ...defaultAlertStatsState, ruleId: 'r3' }} />
        <RulesHarness api={api} bus={bus} />
      </>,
    )
    await settle()
    // The editor that opened took the waiting request.
    expect(bus.getState().request).toBeNull()
    expect(q('ar-editor')!.dataset.ruleId).toBe('r3')
    await click(row('r1'))
    await click(q('as-edit'))
    expect(q('ar-editor')!.dataset.ruleId).toBe('r1')
    expect((q('ar-name') as HTMLInputElement).value).toBe('Breakouts')
    expect(q('as-open-hint')).toBeNull()
  })

  it('refetches when alerts arrive (coalesced) and when a rule is saved elsewhere', async () => {
    const api = rulesApi(new FakeRules(), { stats: STATS })
    const bus = mount((b) => <StatsHarness api={api} bus={b} />)
    await settle()
    act(() => {
      api.push('alerts', [alert(20, 'r1')])
      api.push('alerts', [alert(21, 'r1')])
    })
    await settle(STATS_REFRESH_MS)
    expect(api.callsOf('alerts.stats')).toHaveLength(2)
    act(() => bus.getState().changed('another panel'))
    await settle()
    expect(api.callsOf('alerts.stats')).toHaveLength(3)
  })
})

describe('stats model', () => {
  it('formats outcomes and useful shares, and sorts nulls last both ways', () => {
    expect(formatOutcome(0.0125)).toBe('+1.25%')
    expect(formatOutcome(-0.004)).toBe('-0.40%')
    expect(formatOutcome(null)).toBe('—')
    expect(formatUseful({ useful: 2, notUseful: 1, usefulShare: 2 / 3 })).toBe('67% (2/3)')
    const ids = (dir: 'asc' | 'desc') => sortStats(STATS, { key: 'after1d', dir }).map((r) => r.ruleId)
    expect(ids('desc')).toEqual(['r3', 'r1', 'r2'])
    expect(ids('asc')).toEqual(['r1', 'r3', 'r2'])
  })

  it('is in the app registry as "Alert performance"', () => {
    const reg = createAppPanelRegistry()
    const def = reg.get('alert-stats')!
    expect(def.menuName).toBe('Alert performance')
    expect(reg.entries().map((e) => e.name)).toContain('Alert performance')
    expect(reg.defaultLink(def)).toBe('none')
  })
})
