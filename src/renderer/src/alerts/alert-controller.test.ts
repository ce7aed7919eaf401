import { afterEach, describe, expect, it, vi } from 'vitest'
import { epochMs } from '../../../shared/domain'
import { HISTORY_RETRY_MS, mergeAlert, mergeAlerts } from './alert-controller'
import { titleWithUnread } from './alert-format'
import { channel, FakeAlertsApi, flush, makeAlert, NOW, RecordingNotifications, settings, startHarness, type Harness } from './alerts-fixtures'

let h: Harness | null = null
afterEach(() => {
  h?.stop()
  h = null
})

const reports = (api: FakeAlertsApi) => api.callsOf('alerts.report').map((r) => `${r.id}:${r.channel}:${r.state}${r.reason ? `:${r.reason}` : ''}`)

describe('alert store: merging', () => {
  it('merges by id, newest first, and keeps at most the cap', () => {
    const merged = mergeAlerts([makeAlert(3), makeAlert(1)], [makeAlert(2), makeAlert(3, { read: true }), makeAlert(4)], 3)
    expect(merged.map((a) => a.id)).toEqual([4, 3, 2])
    expect(merged[1]!.read).toBe(true)
  })

  it('keeps the later state of each channel (a stale push never turns "sent" back to "pending")', () => {
    const sent = makeAlert(1, { channels: [channel('toast', 'sent', { at: epochMs(NOW + 5) }), channel('email', 'pending')] })
    const stale = makeAlert(1, { read: true, channels: [channel('toast', 'pending', { at: epochMs(NOW) }), channel('email', 'failed', { at: epochMs(NOW + 9), reason: 'SMTP 550' })] })
    const m = mergeAlert(sent, stale)
    expect(m.read).toBe(true)
    expect(m.channels.map((c) => `${c.channel}:${c.state}`)).toEqual(['toast:sent', 'email:failed'])
  })

  it('holds the newest alerts from history and pushes, bounded', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [makeAlert(5, { read: true }), makeAlert(4)], unread: 7 })
    h = startHarness({ api, maxAlerts: 3 })
    await flush()
    expect(h.controller.store.getState().status).toBe('ready')
    expect(h.controller.store.getState().unread).toBe(7)
    api.push('alerts', [makeAlert(6), makeAlert(7)])
    api.push('alerts', [makeAlert(4, { acknowledged: true })])
    expect(h.controller.store.getState().alerts.map((a) => a.id)).toEqual([7, 6, 5])
    api.push('alertsUnread', { unread: 2 })
    expect(h.controller.store.getState().unread).toBe(2)
  })

  it('subscribes once to alerts and alertsUnread, and stops cleanly', async () => {
    h = startHarness()
    await flush()
    expect(h.api.subscriptions('alerts')).toBe(1)
    expect(h.api.subscriptions('alertsUnread')).toBe(1)
    expect(h.controller.start()).toBeTypeOf('function') // a second start while running adds nothing
    expect(h.api.subscriptions('alerts')).toBe(1)
    h.stop()
    expect(h.api.subscriptions('alerts')).toBe(0)
    h = null
  })
})

describe('alert store: delivery of new alerts only', () => {
  it('a new alert toasts, plays its sound, raises a notification and reports each channel', async () => {
    h = startHarness()
    await flush()
    h.api.push('alerts', [makeAlert(10, { channels: [channel('toast'), channel('sound', 'pending', { target: 'alarm' }), channel('desktop'), channel('email')] })])
    await flush()
    expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([10])
    expect(h.sounds.played).toEqual(['alarm'])
    expect(h.api.callsOf('alerts.claim')).toEqual([{ id: 10 }])
    expect(h.notifications.shown.map((n) => n.title)).toEqual(['AAPL Bull Flag'])
    expect(h.notifications.shown[0]!.body).toBe('Daily · 82% · $187.25 · rule Breakouts')
    expect(reports(h.api).sort()).toEqual(['10:desktop:sent', '10:sound:sent', '10:toast:sent'])
  })

  it('delivers nothing from history, on first load or after a reconnect', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [makeAlert(2), makeAlert(1)], unread: 2 })
    h = startHarness({ api })
    await flush()
    api.setConnection('closed')
    api.answer('alerts.history', { alerts: [makeAlert(4), makeAlert(3), makeAlert(2)], unread: 3 })
    api.setConnection('open')
    await flush()
    expect(h.controller.store.getState().alerts.map((a) => a.id)).toEqual([4, 3, 2, 1])
    expect(h.controller.store.getState().toasts).toEqual([])
    expect(h.sounds.played).toEqual([])
    expect(h.notifications.shown).toEqual([])
    expect(api.callsOf('alerts.report')).toEqual([])
    expect(api.callsOf('alerts.claim')).toEqual([])
  })

  it('never replays a pushed alert it already knows, nor an old one pushed again', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [makeAlert(5)], unread: 1 })
    h = startHarness({ api })
    await flush()
    api.push('alerts', [makeAlert(5)]) // known from history
    api.push('alerts', [makeAlert(6, { firedAt: epochMs(NOW - 60 * 60_000) })]) // an hour old
    api.push('alerts', [makeAlert(7)])
    api.push('alerts', [makeAlert(7, { channels: [channel('toast', 'sent', { at: epochMs(NOW + 1) }), channel('sound'), channel('desktop')] })]) // an update of one just delivered
    await flush()
    expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([7])
    expect(h.sounds.played).toEqual(['chime'])
    expect(reports(api).filter((r) => r.endsWith(':toast:sent'))).toEqual(['7:toast:sent'])
  })

  it('holds pushes that arrive while history loads, and judges them against it', async () => {
    const api = new FakeAlertsApi()
    let answer!: () => void
    api.handle('alerts.history', () => new Promise((resolve) => (answer = () => resolve({ ok: true, value: { alerts: [makeAlert(8)], unread: 1 } }))))
    h = startHarness({ api })
    api.push('alerts', [makeAlert(8)]) // also in the history being loaded
    api.push('alerts', [makeAlert(9)]) // newer: news
    expect(h.controller.store.getState().toasts).toEqual([])
    answer()
    await flush()
    expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([9])
  })

  it('when the engine cannot answer history it asks again, and does not sit on news meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const api = new FakeAlertsApi().refuse('alerts.history', 'unavailable', 'alerts.history timed out after 15000 ms')
      h = startHarness({ api })
      await flush()
      api.push('alerts', [makeAlert(20)])
      await flush()
      expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([20])
      api.answer('alerts.history', { alerts: [makeAlert(20)], unread: 1 })
      vi.advanceTimersByTime(HISTORY_RETRY_MS)
      await flush()
      expect(api.callsOf('alerts.history')).toHaveLength(2)
      expect(h.controller.store.getState().status).toBe('ready')
    } finally {
      vi.useRealTimers()
    }
  })

  it('suppressed alerts are listed but never toast, sound or notify', async () => {
    h = startHarness()
    await flush()
    h.api.push('alerts', [
      makeAlert(11, { suppressedBy: 'cooldown', channels: [channel('toast', 'suppressed', { reason: 'cooldown' }), channel('sound', 'suppressed'), channel('desktop', 'suppressed')] }),
      makeAlert(12, { channels: [channel('toast', 'suppressed', { reason: 'quiet_hours' }), channel('sound', 'suppressed', { reason: 'muted' })] }),
    ])
    await flush()
    expect(h.controller.store.getState().alerts.map((a) => a.id)).toEqual([12, 11])
    expect(h.controller.store.getState().toasts).toEqual([])
    expect(h.sounds.played).toEqual([])
    expect(h.notifications.shown).toEqual([])
    expect(h.api.callsOf('alerts.report')).toEqual([])
  })

  it('only channels the alert has are delivered', async () => {
    h = startHarness()
    await flush()
    h.api.push('alerts', [makeAlert(13, { channels: [channel('email'), channel('webhook', 'pending', { target: 'phone' })] })])
    await flush()
    expect(h.controller.store.getState().toasts).toEqual([])
    expect(h.sounds.played).toEqual([])
    expect(h.api.callsOf('alerts.claim')).toEqual([])
  })

  it('mute stops sounds (reported as failed: muted) but not toasts', async () => {
    const api = new FakeAlertsApi().answer('alerts.settings.get', settings({ mute: true }))
    h = startHarness({ api })
    await flush()
    api.push('alerts', [makeAlert(14)])
    await flush()
    expect(h.sounds.played).toEqual([])
    expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([14])
    expect(reports(api)).toContain('14:sound:failed:muted (global mute is on)')
  })

  it('a sound the browser refuses is reported as failed with the reason', async () => {
    h = startHarness()
    h.sounds.outcome = { ok: false, reason: "blocked by the browser's autoplay policy" }
    await flush()
    h.api.push('alerts', [makeAlert(15)])
    await flush()
    expect(reports(h.api)).toContain("15:sound:failed:blocked by the browser's autoplay policy")
  })

  it('shows a desktop notification only when this client wins the claim', async () => {
    const api = new FakeAlertsApi().answer('alerts.claim', { claimed: false })
    h = startHarness({ api })
    await flush()
    api.push('alerts', [makeAlert(16)])
    await flush()
    expect(api.callsOf('alerts.claim')).toEqual([{ id: 16 }])
    expect(h.notifications.shown).toEqual([])
    expect(reports(api).some((r) => r.includes(':desktop:'))).toBe(false)
  })

  it('a window not allowed to show notifications leaves the claim to one that is (it neither claims nor reports)', async () => {
    h = startHarness({ notifications: new RecordingNotifications('renderer', 'denied') })
    await flush()
    h.api.push('alerts', [makeAlert(17)])
    await flush()
    expect(h.api.callsOf('alerts.claim')).toEqual([])
    expect(reports(h.api).filter((r) => r.includes(':desktop:'))).toEqual([])
    expect(h.notifications.shown).toEqual([])
  })

  it('in the desktop host the page never claims or raises notifications (the main process does)', async () => {
    h = startHarness({ api: new FakeAlertsApi('electron'), notifications: new RecordingNotifications('host', 'unsupported') })
    await flush()
    h.api.push('alerts', [makeAlert(18)])
    await flush()
    expect(h.api.callsOf('alerts.claim')).toEqual([])
    expect(h.notifications.shown).toEqual([])
    expect(h.controller.store.getState().toasts.map((a) => a.id)).toEqual([18])
  })

  it('a notification click opens the symbol and marks the alert read', async () => {
    h = startHarness()
    await flush()
    h.api.push('alerts', [makeAlert(19, { symbol: 'NVDA' })])
    await flush()
    h.notifications.shown[0]!.onClick()
    await flush()
    expect(h.opened).toEqual(['NVDA'])
    expect(h.api.callsOf('alerts.mark')).toEqual([{ ids: [19], read: true }])
    expect(h.controller.store.getState().toasts).toEqual([])
  })
})

describe('alert store: actions and the title', () => {
  it('marks read optimistically, takes the count from the engine, and undoes a refused change', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [makeAlert(2), makeAlert(1)], unread: 2 })
    h = startHarness({ api })
    await flush()
    api.handle('alerts.mark', () => ({ ok: true, value: { updated: 1, unread: 1 } }))
    expect(await h.controller.markRead([2])).toBe(true)
    expect(h.controller.store.getState().alerts.find((a) => a.id === 2)!.read).toBe(true)
    expect(h.controller.store.getState().unread).toBe(1)

    api.refuse('alerts.mark', 'internal', 'disk full')
    expect(await h.controller.acknowledge(1)).toBe(false)
    const one = h.controller.store.getState().alerts.find((a) => a.id === 1)!
    expect([one.read, one.acknowledged]).toEqual([false, false])
    expect(h.controller.store.getState().unread).toBe(1)
    expect(h.controller.store.getState().actionError).toBe('Acknowledging: disk full')
  })

  it('mark all read sends ids "all" and clears the toasts', async () => {
    h = startHarness()
    await flush()
    h.api.push('alerts', [makeAlert(3), makeAlert(4)])
    await flush()
    expect(h.controller.store.getState().toasts).toHaveLength(2)
    await h.controller.markAllRead()
    expect(h.api.callsOf('alerts.mark')).toEqual([{ ids: 'all', read: true }])
    expect(h.controller.store.getState().toasts).toEqual([])
    expect(h.controller.store.getState().unread).toBe(0)
  })

  it('muting saves the settings with mute flipped, never sending the password flag', async () => {
    h = startHarness()
    await flush()
    h.api.handle('alerts.settings.set', (p) => ({ ok: true, value: { ...p.settings, smtpPasswordSet: false } as never }))
    await h.controller.setMute(true)
    const sent = h.api.callsOf('alerts.settings.set')[0]!
    expect(sent).toEqual({ settings: { mute: true, smtp: null, webhooks: [], watchlists: [] } })
    expect(h.controller.store.getState().settings?.mute).toBe(true)
  })

  it('shows the unread count in the window title', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [], unread: 3 })
    h = startHarness({ api })
    await flush()
    api.push('alertsUnread', { unread: 0 })
    expect(h.titles).toEqual([0, 3, 0])
    expect(titleWithUnread('TickStock Terminal', 3)).toBe('(3) TickStock Terminal')
    expect(titleWithUnread('TickStock Terminal', 0)).toBe('TickStock Terminal')
  })

  it('writes document.title by default', async () => {
    document.title = 'TickStock Terminal'
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [], unread: 4 })
    const { createAlertController } = await import('./alert-controller')
    const c = createAlertController({ api, sounds: { play: () => Promise.resolve({ ok: true }) }, notifications: new RecordingNotifications(), openSymbol: () => {}, now: () => NOW })
    const stop = c.start()
    await flush()
    expect(document.title).toBe('(4) TickStock Terminal')
    api.push('alertsUnread', { unread: 0 })
    expect(document.title).toBe('TickStock Terminal')
    stop()
  })
})
