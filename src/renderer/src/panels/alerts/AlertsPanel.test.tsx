import { act, useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ruleId, type Alert } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'
import type { PanelLink } from '../../app/panel-types'
import { AlertsContext } from '../../alerts/alerts-context'
import { channel, clickAndSettle, FakeAlertsApi, flush, makeAlert, NOW, q, RecordingNotifications, startHarness, typeInto, type Harness } from '../../alerts/alerts-fixtures'
import { render, type Rendered } from '../../test-support/render'
import { AlertsPanel } from './AlertsPanel'
import { DEFAULT_ALERTS_STATE, parseAlertsPanelState, type AlertsPanelState } from './alerts-model'
import { alertsPanel } from './index'

let h: Harness | null = null
let view: Rendered | null = null
let restoreSize: () => void = () => {}
afterEach(() => {
  view?.unmount()
  h?.stop()
  restoreSize()
  view = null
  h = null
  vi.useRealTimers()
})

/** jsdom has no layout: give the list's scroll element a height so the virtualizer renders rows. */
function fixScrollSize(height = 26 * 20): () => void {
  const hs = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('al-scroll') ? height : 0
  })
  const ws = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('al-scroll') ? 900 : 0
  })
  return () => {
    hs.mockRestore()
    ws.mockRestore()
  }
}

interface Mounted {
  state(): AlertsPanelState
  link: PanelLink & { setSymbol: ReturnType<typeof vi.fn> }
}

async function mount(history: Alert[], opts: { api?: FakeAlertsApi; notifications?: RecordingNotifications; unread?: number; initial?: Partial<AlertsPanelState> } = {}): Promise<Mounted> {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  restoreSize = fixScrollSize()
  const api = (opts.api ?? new FakeAlertsApi()).answer('alerts.history', { alerts: history, unread: opts.unread ?? history.filter((a) => !a.read).length })
  const harness = startHarness({ api, notifications: opts.notifications })
  h = harness
  await flush()
  let current: AlertsPanelState = { ...DEFAULT_ALERTS_STATE, ...opts.initial }
  const link = { color: 'red' as const, symbol: null, setSymbol: vi.fn() }
  function Host() {
    const [state, setState] = useState(current)
    return (
      <AlertsContext value={harness.controller}>
        <AlertsPanel
          state={state}
          setState={(s) => {
            current = s
            setState(s)
          }}
          link={link}
          api={api}
          visible
        />
      </AlertsContext>
    )
  }
  await act(async () => {
    view = render(<Host />)
    await flush()
  })
  return { state: () => current, link }
}

const rows = () => [...view!.container.querySelectorAll<HTMLElement>('[data-testid="alert-row"]')]
const ids = () => rows().map((r) => Number(r.dataset.id))
const row = (id: number) => q(view!.container, `[data-testid="alert-row"][data-id="${id}"]`)
const action = (id: number, name: string) => q(row(id), `[data-action="${name}"]`)

const three = () => [
  makeAlert(3, { symbol: 'NVDA', pattern: 'Hammer', firedAt: epochMs(NOW - 60_000) }),
  makeAlert(2, { read: true, ruleId: ruleId('rule-gaps'), ruleName: 'Gaps', symbol: 'TSLA' }),
  makeAlert(1, {
    symbol: 'AAPL',
    channels: [
      channel('toast', 'sent'),
      channel('email', 'failed', { reason: 'SMTP 550 mailbox unavailable', attempts: 3 }),
      channel('webhook', 'suppressed', { target: 'phone', reason: 'quiet_hours' }),
    ],
  }),
]

describe('Alerts panel', () => {
  it('registers as "Alerts", linked red by default, with a plain tab title (the count is a tab badge)', () => {
    expect([alertsPanel.type, alertsPanel.menuName, alertsPanel.defaultLink, alertsPanel.title(DEFAULT_ALERTS_STATE)]).toEqual(['alerts', 'Alerts', 'red', 'Alerts'])
    expect(parseAlertsPanelState({ unreadOnly: true, ruleId: 'r1', symbol: ' aapl ', junk: 1 })).toEqual({ unreadOnly: true, ruleId: 'r1', symbol: 'AAPL' })
    expect(parseAlertsPanelState('nonsense')).toEqual(DEFAULT_ALERTS_STATE)
  })

  it('lists alerts newest first, unread bold, with New York time, pattern, tier, confidence and rule', async () => {
    await mount(three())
    expect(ids()).toEqual([3, 2, 1])
    expect(row(3).className).toContain('unread')
    expect(row(2).className).toContain('read')
    const cells = [...row(3).children].map((c) => c.textContent)
    expect(cells.slice(0, 6)).toEqual(['10:30:05', 'NVDA', 'Hammer', 'Daily', '82%', 'Breakouts'])
    expect(q(view!.container, '[data-testid="alerts-unread"]').textContent).toBe('2 unread')
  })

  it('shows where each alert went, with the reason in the tooltip', async () => {
    await mount(three())
    const tips = [...row(1).querySelectorAll<HTMLElement>('[data-testid="alert-channel"]')].map((c) => c.title)
    expect(tips).toEqual(['Toast: sent', 'Email: failed: SMTP 550 mailbox unavailable (3 attempts)', 'Webhook (phone): suppressed by quiet hours'])
  })

  it('adds live alerts at the top', async () => {
    await mount(three())
    await act(async () => {
      h!.api.push('alerts', [makeAlert(4, { symbol: 'AMD' })])
      await flush()
    })
    expect(ids()).toEqual([4, 3, 2, 1])
  })

  it('acknowledge, useful / not useful and "mark all read" send the right requests', async () => {
    const api = new FakeAlertsApi().handle('alerts.mark', () => ({ ok: true, value: { updated: 1, unread: 1 } }))
    await mount(three(), { api })
    await clickAndSettle(action(3, 'ack'))
    await clickAndSettle(action(1, 'useful'))
    await clickAndSettle(action(1, 'useful')) // again: takes the feedback back
    await clickAndSettle(action(1, 'not-useful'))
    await clickAndSettle(q(view!.container, '[data-testid="alerts-mark-all-read"]'))
    expect(h!.api.callsOf('alerts.mark')).toEqual([
      { ids: [3], acknowledged: true, read: true },
      { ids: [1], feedback: 'useful' },
      { ids: [1], feedback: null },
      { ids: [1], feedback: 'not_useful' },
      { ids: 'all', read: true },
    ])
    expect(action(1, 'not-useful').getAttribute('aria-pressed')).toBe('true')
    expect(action(3, 'ack').getAttribute('aria-pressed')).toBe('true')
  })

  it('a row or its chart button opens the symbol in the link group and marks it read', async () => {
    const m = await mount(three())
    await clickAndSettle(action(3, 'chart'))
    expect(m.link.setSymbol).toHaveBeenCalledWith('NVDA')
    expect(h!.api.callsOf('alerts.mark')).toEqual([{ ids: [3], read: true }])
    expect(row(3).className).not.toContain('unread')
    await clickAndSettle(row(2)) // already read: nothing to mark
    expect(m.link.setSymbol).toHaveBeenLastCalledWith('TSLA')
    expect(h!.api.callsOf('alerts.mark')).toHaveLength(1)
  })

  it('snoozes the rule for an hour, until tomorrow 09:30 ET, or until a chosen time', async () => {
    const api = new FakeAlertsApi()
    api.handle('alerts.rules.snooze', () => ({ ok: true, value: { rule: {} as never } }))
    await mount(three(), { api })
    const choose = async (which: string) => {
      await clickAndSettle(action(3, 'snooze'))
      await clickAndSettle(q(document.body, `[data-testid="alerts-snooze-menu"] [data-snooze="${which}"]`))
    }
    await choose('1h')
    await choose('tomorrow')
    await clickAndSettle(action(3, 'snooze'))
    await clickAndSettle(q(document.body, '[data-snooze="custom"]'))
    typeInto(q(document.body, '[data-testid="alerts-snooze-until"]'), '2024-03-15T15:45')
    await clickAndSettle(q(document.body, '[data-testid="alerts-snooze-custom"]'))
    expect(api.callsOf('alerts.rules.snooze')).toEqual([
      { id: 'rule-breakouts', until: NOW + 3_600_000 },
      { id: 'rule-breakouts', until: Date.UTC(2024, 2, 16, 13, 30) }, // 09:30 EDT
      { id: 'rule-breakouts', until: Date.UTC(2024, 2, 15, 19, 45) }, // 15:45 EDT
    ])
    expect(q(view!.container, '[data-testid="alerts-message"]').textContent).toContain('"Breakouts" is snoozed until 2024-03-15, 15:45:00 ET')
  })

  it('filters: unread only, by rule (asking history for older ones) and by symbol; the filters persist', async () => {
    const api = new FakeAlertsApi()
    const m = await mount(three(), { api })
    await clickAndSettle(q(view!.container, '[data-testid="alerts-unread-only"]'))
    expect(ids()).toEqual([3, 1])
    expect(m.state().unreadOnly).toBe(true)
    await clickAndSettle(q(view!.container, '[data-testid="alerts-unread-only"]'))

    api.answer('alerts.history', { alerts: [makeAlert(2, { read: true, ruleId: ruleId('rule-gaps'), ruleName: 'Gaps', symbol: 'TSLA' })], unread: 2 })
    typeInto(q(view!.container, '[data-testid="alerts-rule-filter"]'), 'rule-gaps')
    await act(() => flush())
    expect(m.state().ruleId).toBe('rule-gaps')
    expect(api.callsOf('alerts.history').at(-1)).toEqual({ unreadOnly: false, ruleId: 'rule-gaps', limit: 200 })
    expect(ids()).toEqual([2])
    typeInto(q(view!.container, '[data-testid="alerts-rule-filter"]'), '')

    typeInto(q(view!.container, '[data-testid="alerts-symbol-filter"]'), 'nv')
    await act(() => flush())
    expect(ids()).toEqual([3])
    expect(m.state().symbol).toBe('NV')
  })

  it('pages older alerts from history with "Load older"', async () => {
    const api = new FakeAlertsApi()
    await mount(three(), { api })
    api.answer('alerts.history', { alerts: [], unread: 2 })
    await clickAndSettle(q(view!.container, '[data-testid="alerts-load-older"]'))
    expect(api.callsOf('alerts.history').at(-1)).toEqual({ unreadOnly: false, before: 1, limit: 200 })
    // Fewer than a page: nothing more to load.
    expect(view!.container.querySelector('[data-testid="alerts-load-older"]')).toBeNull()
  })

  it('opens the alert settings', async () => {
    await mount([])
    expect(q(view!.container, '[data-testid="alerts-empty"]').textContent).toContain('No alerts yet')
    await clickAndSettle(q(view!.container, '[data-testid="alerts-open-settings"]'))
    expect(h!.controller.store.getState().settingsOpen).toBe(true)
  })

  it('in a browser asks for notification permission from a button, and says when it is blocked', async () => {
    const notifications = new RecordingNotifications('renderer', 'default')
    notifications.requestPermission = vi.fn(() => {
      notifications.state = 'granted'
      return Promise.resolve('granted' as const)
    })
    await mount([], { notifications })
    expect(notifications.requestPermission).not.toHaveBeenCalled()
    await clickAndSettle(q(view!.container, '[data-testid="alerts-enable-notifications"]'))
    expect(notifications.requestPermission).toHaveBeenCalledOnce()
    expect(view!.container.querySelector('[data-testid="alerts-permission-banner"]')).toBeNull()
  })

  it('notes blocked notifications, and shows no banner on the desktop', async () => {
    await mount([], { notifications: new RecordingNotifications('renderer', 'denied') })
    expect(q(view!.container, '[data-testid="alerts-permission-note"]').textContent).toContain('blocked')
    view!.unmount()
    h!.stop()
    restoreSize()
    await mount([], { api: new FakeAlertsApi('electron'), notifications: new RecordingNotifications('host', 'unsupported') })
    expect(view!.container.querySelector('[data-testid="alerts-permission-banner"], [data-testid="alerts-permission-note"]')).toBeNull()
  })
})
