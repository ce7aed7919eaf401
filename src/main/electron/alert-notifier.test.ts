/**
 * The desktop notifier with a fake Electron Notification (the real one needs
 * the Electron binary and an OS notification daemon, neither of which runs
 * here) and a fake engine API.
 */
import { describe, expect, it } from 'vitest'
import type { Alert, ChannelStatus } from '../../shared/alerts'
import type { RequestName, TerminalApi, TopicName } from '../../shared/contract'
import { epochMs } from '../../shared/domain'
import { alertNotification, createAlertNotifier, type NotificationLike, type NotificationOptions } from './alert-notifier'

class FakeElectronNotification implements NotificationLike {
  static supported = true
  static made: FakeElectronNotification[] = []
  static isSupported(): boolean {
    return FakeElectronNotification.supported
  }
  readonly listeners = new Map<string, ((...a: unknown[]) => void)[]>()
  shown = false
  closed = false
  constructor(readonly options: NotificationOptions) {
    FakeElectronNotification.made.push(this)
  }
  on(event: string, listener: (...a: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (...a: unknown[]) => void])
    return this
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args)
  }
  show(): void {
    this.shown = true
  }
  close(): void {
    this.closed = true
    this.emit('close')
  }
}

function alert(id: number, over: Partial<Alert> = {}, desktop: ChannelStatus['state'] = 'pending'): Alert {
  return {
    id,
    ruleId: 'r1' as Alert['ruleId'],
    ruleName: 'Momentum',
    eventId: id,
    symbol: 'AAPL',
    pattern: 'Hammer',
    tier: 'intraday',
    confidence: 0.86,
    priority: 'HIGH',
    price: 182.4,
    detectedAt: epochMs(1),
    firedAt: epochMs(2),
    urgency: 'critical',
    matched: ['pattern Hammer'],
    suppressedBy: null,
    channels: [{ channel: 'desktop', target: null, state: desktop, reason: null, attempts: 0, at: epochMs(2) }],
    read: false,
    acknowledged: false,
    feedback: null,
    test: false,
    ...over,
  }
}

function fakeApi(claimAll = true) {
  const calls: { method: RequestName; params: unknown }[] = []
  const listeners = new Map<TopicName, ((p: unknown) => void)[]>()
  const claimed = new Set<number>()
  const api: TerminalApi = {
    host: 'electron',
    invoke: (async (method: RequestName, params: unknown) => {
      calls.push({ method, params })
      if (method === 'alerts.claim') {
        const id = (params as { id: number }).id
        const first = claimAll && !claimed.has(id)
        claimed.add(id)
        return { ok: true, value: { claimed: first } }
      }
      return { ok: true, value: {} }
    }) as TerminalApi['invoke'],
    subscribe: ((topic: TopicName, _f: unknown, l: (p: unknown) => void) => {
      listeners.set(topic, [...(listeners.get(topic) ?? []), l])
      return () => listeners.set(topic, (listeners.get(topic) ?? []).filter((x) => x !== l))
    }) as TerminalApi['subscribe'],
    onConnection: () => () => {},
  }
  const push = (topic: TopicName, payload: unknown): void => {
    for (const l of listeners.get(topic) ?? []) l(payload)
  }
  return { api, calls, push, listeners }
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('desktop alert notifications (fake Electron Notification)', () => {
  it('title is symbol + pattern, body tier, confidence, price and rule; urgency where the OS takes it', () => {
    const a = alert(1)
    expect(alertNotification(a, 'linux')).toEqual({ title: 'AAPL Hammer', body: 'intraday · 86% · $182.40 · rule Momentum', silent: true, urgency: 'critical' })
    expect(alertNotification(a, 'win32')).toMatchObject({ timeoutType: 'never' })
    expect(alertNotification({ ...a, urgency: 'low', price: null, test: true }, 'darwin')).toEqual({ title: '[test] AAPL Hammer', body: 'intraday · 86% · rule Momentum', silent: true })
  })

  it('claims, shows once, reports sent; a click opens the symbol; suppressed and non-desktop alerts show nothing', async () => {
    FakeElectronNotification.made = []
    const { api, calls, push } = fakeApi()
    const opened: string[] = []
    const notifier = createAlertNotifier({ api, Notification: FakeElectronNotification, platform: 'darwin', openSymbol: (s) => opened.push(s), setUnread: () => {}, log: () => {} })
    push('alerts', [alert(1), alert(2, { suppressedBy: 'quiet_hours' }, 'suppressed'), alert(3, { channels: [] })])
    await flush()
    expect(FakeElectronNotification.made).toHaveLength(1)
    const note = FakeElectronNotification.made[0]!
    expect(note.shown).toBe(true)
    note.emit('show')
    note.emit('show')
    await flush()
    expect(calls.filter((c) => c.method === 'alerts.report')).toEqual([{ method: 'alerts.report', params: { id: 1, channel: 'desktop', state: 'sent', reason: null } }])
    // The same alert again (an update: read, a channel delivered) is not shown again.
    push('alerts', [alert(1, { read: true })])
    await flush()
    expect(FakeElectronNotification.made).toHaveLength(1)
    note.emit('click')
    expect(opened).toEqual(['AAPL'])
    notifier.dispose()
    expect(note.closed).toBe(true)
  })

  it('another window claimed it first: nothing shown here', async () => {
    FakeElectronNotification.made = []
    const { api, push } = fakeApi(false)
    createAlertNotifier({ api, Notification: FakeElectronNotification, platform: 'darwin', openSymbol: () => {}, setUnread: () => {}, log: () => {} })
    push('alerts', [alert(5)])
    await flush()
    expect(FakeElectronNotification.made).toHaveLength(0)
  })

  it('a failed notification, or none supported, is reported failed with the reason', async () => {
    FakeElectronNotification.made = []
    const { api, calls, push } = fakeApi()
    createAlertNotifier({ api, Notification: FakeElectronNotification, platform: 'darwin', openSymbol: () => {}, setUnread: () => {}, log: () => {} })
    push('alerts', [alert(7)])
    await flush()
    FakeElectronNotification.made[0]!.emit('failed', {}, 'the notification center refused it')
    await flush()
    expect(calls.filter((c) => c.method === 'alerts.report').map((c) => c.params)).toEqual([{ id: 7, channel: 'desktop', state: 'failed', reason: 'the notification center refused it' }])

    FakeElectronNotification.supported = false
    const second = fakeApi()
    const logs: string[] = []
    createAlertNotifier({ api: second.api, Notification: FakeElectronNotification, platform: 'linux', openSymbol: () => {}, setUnread: () => {}, log: (_l, m) => logs.push(m) })
    second.push('alerts', [alert(8)])
    await flush()
    expect(second.calls.filter((c) => c.method === 'alerts.report').map((c) => c.params)).toEqual([{ id: 8, channel: 'desktop', state: 'failed', reason: 'desktop notifications are not supported on this system' }])
    expect(logs[0]).toContain('not supported')
    FakeElectronNotification.supported = true
  })

  it('the unread count goes to the tray and badge', () => {
    const { api, push } = fakeApi()
    const counts: number[] = []
    createAlertNotifier({ api, Notification: FakeElectronNotification, platform: 'darwin', openSymbol: () => {}, setUnread: (n) => counts.push(n), log: () => {} })
    push('alertsUnread', { unread: 3 })
    push('alertsUnread', { unread: 0 })
    expect(counts).toEqual([3, 0])
  })
})

