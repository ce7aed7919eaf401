/**
 * The client side of alerts, one per window: the newest alerts merged by id
 * (bounded), the unread count, the settings, and delivery of the channels a
 * client owns (toast, sound, the browser's desktop notification) for alerts
 * that are new while this window watches.
 *
 * "New" is strict, so nothing is replayed: alerts from history (first load,
 * after a reconnect) are never delivered, and neither is a pushed alert whose
 * id is at or below the newest one already known, nor one fired longer ago
 * than `freshnessMs`. Pushes that arrive while history loads are held, then
 * judged against it.
 *
 * A vanilla zustand store so delivery runs outside React and tests drive it
 * with a fake TerminalApi, a fake notification seam and a fake sound player.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Alert, AlertFeedback, AlertSettings, ChannelStatus } from '../../../shared/alerts'
import type { ContractError, DeadLetter, RequestParams, Result, TerminalApi } from '../../../shared/contract'
import { alertHeadline, alertSummary, titleWithUnread } from './alert-format'
import type { NotificationPermissionState, NotificationSeam } from './notification-seam'
import type { PlayOutcome, SoundPlayer } from './sound-player'

/** Alerts held in memory (newest by id); the Alerts panel pages older ones from history. */
export const MAX_ALERTS = 500
/** Toasts held (visible or behind "+N more"); the oldest fall off. */
export const MAX_TOASTS = 50
/** Alerts fetched on start and after a reconnect. */
export const HISTORY_LIMIT = 200
/** History is asked for again this long after the engine could not answer. */
export const HISTORY_RETRY_MS = 5000
/** A pushed alert fired longer ago than this is history, not news (allows for clock skew between engine and browser). */
export const FRESHNESS_MS = 10 * 60_000

export interface AlertsState {
  /** Newest first (by id), unique ids, at most MAX_ALERTS. */
  alerts: readonly Alert[]
  unread: number
  /** 'loading' until the first history answer. */
  status: 'loading' | 'ready' | 'error'
  /** Why history could not be loaded. */
  loadError: string | null
  /** The last action that failed (mark, snooze, mute), for the panel to show. */
  actionError: string | null
  settings: AlertSettings | null
  /** Alerts shown as toasts, newest first. */
  toasts: readonly Alert[]
  permission: NotificationPermissionState
  settingsOpen: boolean
}

export type AlertsStore = StoreApi<AlertsState>

export interface AlertControllerOptions {
  api: TerminalApi
  notifications: NotificationSeam
  sounds: SoundPlayer
  /** Open a symbol in the linked panels (the palette's "go to symbol"). */
  openSymbol(symbol: string): void
  now?: () => number
  /** Shows the unread count in the window title; default: document.title as "(3) TickStock Terminal". */
  setTitle?: (unread: number) => void
  freshnessMs?: number
  maxAlerts?: number
}

export type SettingsInput = Omit<AlertSettings, 'smtpPasswordSet'>

export interface AlertController {
  readonly store: AlertsStore
  readonly host: TerminalApi['host']
  readonly notifications: NotificationSeam
  /** Subscribe and load; returns the stop. Safe to call again after stopping (React StrictMode). */
  start(): () => void
  /** Merge alerts from elsewhere (a retried dead letter, a history page) without delivering them. */
  mergeAlerts(alerts: readonly Alert[]): void
  markRead(ids: readonly number[], read?: boolean): Promise<boolean>
  markAllRead(): Promise<boolean>
  acknowledge(id: number): Promise<boolean>
  setFeedback(id: number, feedback: AlertFeedback | null): Promise<boolean>
  snoozeRule(ruleId: string, until: number | null): Promise<Result<unknown>>
  /** Open the alert's symbol in the linked panels, mark it read and take its toast down. */
  openAlert(alert: Alert): void
  dismissToast(id: number): void
  dismissAllToasts(): void
  requestNotificationPermission(): Promise<NotificationPermissionState>
  loadSettings(): Promise<Result<AlertSettings>>
  saveSettings(settings: SettingsInput, smtpPassword?: string | null): Promise<Result<AlertSettings>>
  setMute(mute: boolean): Promise<boolean>
  previewSound(sound: string): Promise<PlayOutcome>
  deadLetters(): Promise<Result<{ items: DeadLetter[] }>>
  /** Try a failed email or webhook delivery again; the alert's new channel state is merged. */
  retryDeadLetter(id: number): Promise<Result<{ item: DeadLetter | null; alert: Alert | null }>>
  openSettings(): void
  closeSettings(): void
  clearActionError(): void
}

const byIdDesc = (a: Alert, b: Alert) => b.id - a.id
const channelKey = (c: ChannelStatus) => `${c.channel}:${c.target ?? ''}`

/**
 * The newer view of one alert: flags from the incoming copy, and per channel
 * whichever status is later (a stale push never turns 'sent' back to 'pending').
 */
export function mergeAlert(old: Alert, incoming: Alert): Alert {
  if (old === incoming) return old
  const channels = new Map<string, ChannelStatus>()
  for (const c of old.channels) channels.set(channelKey(c), c)
  for (const c of incoming.channels) {
    const prev = channels.get(channelKey(c))
    if (!prev || c.at >= prev.at || prev.state === 'pending') channels.set(channelKey(c), c)
  }
  return { ...incoming, channels: [...channels.values()] }
}

/** Merge `incoming` into `current` (newest first), keeping at most `cap`. */
export function mergeAlerts(current: readonly Alert[], incoming: readonly Alert[], cap: number): Alert[] {
  if (incoming.length === 0) return current as Alert[]
  const byId = new Map<number, Alert>()
  for (const a of current) byId.set(a.id, a)
  for (const a of incoming) {
    const prev = byId.get(a.id)
    byId.set(a.id, prev ? mergeAlert(prev, a) : a)
  }
  const merged = [...byId.values()].sort(byIdDesc)
  return merged.length > cap ? merged.slice(0, cap) : merged
}

const pendingChannel = (a: Alert, channel: ChannelStatus['channel']) => a.channels.find((c) => c.channel === channel && c.state === 'pending')
const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 297)}...` : s)
const errorText = (e: ContractError) => e.message

export function createAlertController(opts: AlertControllerOptions): AlertController {
  const { api, notifications, sounds } = opts
  const now = opts.now ?? Date.now
  const freshnessMs = opts.freshnessMs ?? FRESHNESS_MS
  const cap = opts.maxAlerts ?? MAX_ALERTS

  const store = createStore<AlertsState>()(() => ({
    alerts: [],
    unread: 0,
    status: 'loading',
    loadError: null,
    actionError: null,
    settings: null,
    toasts: [],
    permission: notifications.permission(),
    settingsOpen: false,
  }))
  const get = store.getState
  const set = store.setState

  /** The newest id this client knows: anything at or below it is not news. */
  let highWater = 0
  /** Pushes held while history loads (null: not loading). */
  let held: Alert[][] | null = null
  let generation = 0
  let running = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  const apply = (incoming: readonly Alert[]) => {
    if (incoming.length === 0) return
    const alerts = mergeAlerts(get().alerts, incoming, cap)
    let toasts = get().toasts
    if (toasts.length > 0) {
      const fresh = new Map(incoming.map((a) => [a.id, a]))
      let changed = false
      const next: Alert[] = []
      for (const t of toasts) {
        const u = fresh.get(t.id)
        if (u) changed = true
        // Read elsewhere (another window, "mark all read"): the toast has done its job.
        if (u?.read) continue
        next.push(u ? mergeAlert(t, u) : t)
      }
      if (changed) toasts = next
    }
    set({ alerts, toasts })
  }

  const report = (id: number, channel: 'desktop' | 'toast' | 'sound', outcome: { ok: true } | { ok: false; reason: string }) => {
    const params: RequestParams<'alerts.report'> = { id, channel, state: outcome.ok ? 'sent' : 'failed', reason: outcome.ok ? null : clip(outcome.reason) }
    void api.invoke('alerts.report', params).then((r) => {
      if (r.ok) apply([r.value.alert])
      else console.warn(`alerts.report ${channel} for alert ${id} failed: ${r.error.message}`)
    })
  }

  const playSound = async (alert: Alert, target: string | null) => {
    if (get().settings?.mute) {
      report(alert.id, 'sound', { ok: false, reason: 'muted (global mute is on)' })
      return
    }
    const outcome = target ? await sounds.play(target) : ({ ok: false, reason: 'the rule names no sound' } as const)
    report(alert.id, 'sound', outcome)
  }

  const notify = async (alert: Alert) => {
    // A window that may not show notifications leaves the claim to one that may (or to the
    // engine, which records the channel failed when no window showed it).
    if (notifications.permission() !== 'granted') return
    const claim = await api.invoke('alerts.claim', { id: alert.id })
    if (!claim.ok) {
      console.warn(`alerts.claim ${alert.id} failed: ${claim.error.message}`)
      return
    }
    // Another window or browser shows this one.
    if (!claim.value.claimed) return
    const outcome = notifications.show({
      tag: `tickstock-alert-${alert.id}`,
      title: alertHeadline(alert),
      body: alertSummary(alert),
      requireInteraction: alert.urgency === 'critical',
      onClick: () => controller.openAlert(alert),
    })
    report(alert.id, 'desktop', outcome)
  }

  const deliver = (alert: Alert) => {
    if (alert.suppressedBy !== null) return
    if (pendingChannel(alert, 'toast')) {
      set({ toasts: [alert, ...get().toasts.filter((t) => t.id !== alert.id)].slice(0, MAX_TOASTS) })
      report(alert.id, 'toast', { ok: true })
    }
    const sound = pendingChannel(alert, 'sound')
    if (sound) void playSound(alert, sound.target)
    // On the desktop the main process raises the notification.
    if (notifications.owner === 'renderer' && pendingChannel(alert, 'desktop')) void notify(alert)
  }

  /** A push: merge it, and deliver what is news. */
  const receive = (incoming: readonly Alert[]) => {
    const ascending = [...incoming].sort((a, b) => a.id - b.id)
    const news: Alert[] = []
    const t = now()
    for (const a of ascending) {
      if (a.id <= highWater) continue
      highWater = a.id
      if (t - a.firedAt <= freshnessMs) news.push(a)
    }
    apply(incoming)
    // Judged on the copy as first pushed: every window shows its own toast even if another already reported one.
    for (const a of news) deliver(a)
  }

  const releaseHeld = () => {
    const pushes = held ?? []
    held = null
    for (const p of pushes) receive(p)
  }

  const loadHistory = async () => {
    const gen = ++generation
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    held ??= []
    const r = await api.invoke('alerts.history', { limit: HISTORY_LIMIT, includeTests: true })
    if (gen !== generation || !running) return
    if (!r.ok) {
      if (r.error.code === 'unavailable') {
        // Cut off (the 'open' that follows loads again) or too slow: try again soon, and don't sit on news meanwhile.
        releaseHeld()
        retryTimer = setTimeout(() => {
          retryTimer = null
          if (running && gen === generation) void loadHistory()
        }, HISTORY_RETRY_MS)
        return
      }
      set({ status: 'error', loadError: `alerts.history: ${errorText(r.error)}` })
      releaseHeld()
      return
    }
    for (const a of r.value.alerts) highWater = Math.max(highWater, a.id)
    apply(r.value.alerts)
    set({ unread: r.value.unread, status: 'ready', loadError: null })
    releaseHeld()
  }

  const loadSettings = async (): Promise<Result<AlertSettings>> => {
    const r = await api.invoke('alerts.settings.get', {})
    if (r.ok) set({ settings: r.value })
    return r
  }

  const fail = (what: string, e: ContractError) => {
    set({ actionError: `${what}: ${errorText(e)}` })
  }

  /** Apply a change to held alerts now, send it, and put the old copies back if the engine refuses. */
  const mark = async (ids: readonly number[] | 'all', patch: Partial<Pick<Alert, 'read' | 'acknowledged' | 'feedback'>>, what: string): Promise<boolean> => {
    const before = new Map<number, Alert>()
    const touched = (a: Alert) => (ids === 'all' ? !a.read : ids.includes(a.id))
    const alerts = get().alerts.map((a) => {
      if (!touched(a)) return a
      before.set(a.id, a)
      return { ...a, ...patch }
    })
    const unreadBefore = get().unread
    let unread = unreadBefore
    if (patch.read !== undefined) {
      if (ids === 'all') unread = patch.read ? 0 : unread
      else for (const a of before.values()) unread += a.read === patch.read ? 0 : patch.read ? -1 : 1
    }
    set({ alerts, unread: Math.max(0, unread), toasts: patch.read ? get().toasts.filter((t) => !(ids === 'all' || ids.includes(t.id))) : get().toasts })
    const params: RequestParams<'alerts.mark'> = { ids: ids === 'all' ? 'all' : [...ids], ...patch }
    const r = await api.invoke('alerts.mark', params)
    if (r.ok) {
      set({ unread: r.value.unread, actionError: null })
      return true
    }
    set({ alerts: get().alerts.map((a) => before.get(a.id) ?? a), unread: unreadBefore })
    fail(what, r.error)
    return false
  }

  const settingsInput = (s: AlertSettings): SettingsInput => {
    const { smtpPasswordSet: _set, ...rest } = s
    return rest
  }

  let baseTitle: string | null = null
  const setTitle =
    opts.setTitle ??
    ((unread: number) => {
      baseTitle ??= document.title.replace(/^\(\d+\+?\) /, '') || 'TickStock Terminal'
      document.title = titleWithUnread(baseTitle, unread)
    })

  const controller: AlertController = {
    store,
    host: api.host,
    notifications,

    start() {
      if (running) return () => {}
      running = true
      const offs = [
        api.subscribe('alerts', {}, (alerts) => {
          if (held) held.push(alerts)
          else receive(alerts)
        }),
        api.subscribe('alertsUnread', {}, ({ unread }) => set({ unread })),
        api.onConnection((state) => {
          if (state === 'open') {
            void loadHistory()
            void loadSettings()
          } else {
            // Whatever fires while we are away is history by the time we are back.
            held ??= []
          }
        }),
        store.subscribe((s, prev) => {
          if (s.unread !== prev.unread) setTitle(s.unread)
        }),
      ]
      const onFocus = () => set({ permission: notifications.permission() })
      window.addEventListener('focus', onFocus)
      setTitle(get().unread)
      void loadHistory()
      void loadSettings()
      return () => {
        running = false
        generation++
        if (retryTimer) clearTimeout(retryTimer)
        retryTimer = null
        held = null
        for (const off of offs) off()
        window.removeEventListener('focus', onFocus)
      }
    },

    mergeAlerts: (alerts) => apply(alerts),

    markRead: (ids, read = true) => (ids.length === 0 ? Promise.resolve(true) : mark(ids, { read }, read ? 'Marking read' : 'Marking unread')),
    markAllRead: () => mark('all', { read: true }, 'Marking all read'),
    acknowledge: (id) => mark([id], { acknowledged: true, read: true }, 'Acknowledging'),
    setFeedback: (id, feedback) => mark([id], { feedback }, 'Saving feedback'),

    async snoozeRule(ruleId, until) {
      const r = await api.invoke('alerts.rules.snooze', { id: ruleId, until })
      if (r.ok) set({ actionError: null })
      else fail('Snoozing the rule', r.error)
      return r
    },

    openAlert(alert) {
      opts.openSymbol(alert.symbol)
      controller.dismissToast(alert.id)
      const current = get().alerts.find((a) => a.id === alert.id) ?? alert
      if (!current.read) void controller.markRead([alert.id])
    },

    dismissToast(id) {
      if (get().toasts.some((t) => t.id === id)) set({ toasts: get().toasts.filter((t) => t.id !== id) })
    },
    dismissAllToasts: () => set({ toasts: [] }),

    async requestNotificationPermission() {
      const p = await notifications.requestPermission()
      set({ permission: p })
      return p
    },

    loadSettings,

    async saveSettings(settings, smtpPassword) {
      const params: RequestParams<'alerts.settings.set'> = smtpPassword === undefined ? { settings } : { settings, smtpPassword }
      const r = await api.invoke('alerts.settings.set', params)
      if (r.ok) set({ settings: r.value })
      return r
    },

    async setMute(mute) {
      let current = get().settings
      if (!current) {
        const r = await loadSettings()
        if (!r.ok) {
          fail(mute ? 'Muting' : 'Unmuting', r.error)
          return false
        }
        current = r.value
      }
      const r = await controller.saveSettings({ ...settingsInput(current), mute })
      if (!r.ok) fail(mute ? 'Muting' : 'Unmuting', r.error)
      else set({ actionError: null })
      return r.ok
    },

    previewSound: (sound) => sounds.play(sound),
    deadLetters: () => api.invoke('alerts.deadLetters', { limit: 100 }),
    async retryDeadLetter(id) {
      const r = await api.invoke('alerts.deadLetters.retry', { id })
      if (r.ok && r.value.alert) apply([r.value.alert])
      return r
    },
    openSettings: () => set({ settingsOpen: true }),
    closeSettings: () => set({ settingsOpen: false }),
    clearActionError: () => set({ actionError: null }),
  }
  return controller
}
