/**
 * Desktop notifications for alerts, in the Electron main process: the host's
 * own client subscribes to new alerts, claims each one's desktop channel (so
 * one notification shows however many windows are open) and shows an OS
 * notification: title "AAPL Hammer", body "intraday · 86% · $182.40 · rule
 * Momentum". A click brings the terminal forward and opens the symbol. What
 * happened is reported back and recorded in the alert's history. The unread
 * count goes to the tray and the dock/taskbar badge.
 *
 * Electron's Notification comes in as a narrow constructor so this is
 * testable without Electron.
 */
import type { Alert, Urgency } from '../../shared/alerts'
import type { TerminalApi } from '../../shared/contract'

export interface NotificationOptions {
  title: string
  body: string
  /** The app plays its own sounds (per rule, with a global mute). */
  silent: boolean
  /** Linux only. */
  urgency?: 'low' | 'normal' | 'critical'
  /** Windows: critical alerts stay until dismissed. */
  timeoutType?: 'default' | 'never'
}

export interface NotificationLike {
  on(event: 'show' | 'click' | 'close', listener: () => void): unknown
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown
  show(): void
  close(): void
}

export interface NotificationCtor {
  new (options: NotificationOptions): NotificationLike
  isSupported(): boolean
}

export interface AlertNotifierDeps {
  api: TerminalApi
  Notification: NotificationCtor
  platform: NodeJS.Platform
  /** Bring the terminal forward and open the symbol in its linked panels. */
  openSymbol(symbol: string): void
  setUnread(count: number): void
  log(level: 'info' | 'warn', msg: string): void
}

/** Notifications kept referenced until closed (an unreferenced one loses its click handler to GC); oldest closed beyond this. */
const MAX_OPEN = 20
/** Alert ids already handled (an update to the same alert arrives on the same topic). */
const MAX_SEEN = 2000

export function alertNotification(a: Alert, platform: NodeJS.Platform): NotificationOptions {
  const parts = [a.tier, `${Math.round(a.confidence * 100)}%`]
  if (a.price !== null) parts.push(`$${a.price.toFixed(2)}`)
  parts.push(`rule ${a.ruleName}`)
  const opts: NotificationOptions = { title: `${a.test ? '[test] ' : ''}${a.symbol} ${a.pattern}`, body: parts.join(' · '), silent: true }
  if (platform === 'linux') opts.urgency = a.urgency satisfies Urgency
  if (platform === 'win32' && a.urgency === 'critical') opts.timeoutType = 'never'
  return opts
}

const wantsDesktop = (a: Alert): boolean => a.suppressedBy === null && a.channels.some((c) => c.channel === 'desktop' && c.state === 'pending')

export function createAlertNotifier(deps: AlertNotifierDeps): { dispose(): void } {
  const supported = deps.Notification.isSupported()
  if (!supported) deps.log('warn', 'desktop notifications are not supported here: alerts show in the terminal only')
  const seen = new Set<number>()
  const openNotes = new Set<NotificationLike>()

  const report = (id: number, state: 'sent' | 'failed', reason: string | null): void => {
    void deps.api.invoke('alerts.report', { id, channel: 'desktop', state, reason }).then((r) => {
      if (!r.ok && r.error.code !== 'unavailable') deps.log('warn', `alert ${id}: reporting the desktop notification failed: ${r.error.message}`)
    })
  }

  const show = async (a: Alert): Promise<void> => {
    const claim = await deps.api.invoke('alerts.claim', { id: a.id })
    if (!claim.ok || !claim.value.claimed) return
    if (!supported) {
      report(a.id, 'failed', 'desktop notifications are not supported on this system')
      return
    }
    let note: NotificationLike
    try {
      note = new deps.Notification(alertNotification(a, deps.platform))
    } catch (e) {
      report(a.id, 'failed', e instanceof Error ? e.message : String(e))
      return
    }
    let reported = false
    const once = (state: 'sent' | 'failed', reason: string | null): void => {
      if (reported) return
      reported = true
      report(a.id, state, reason)
    }
    note.on('show', () => once('sent', null))
    note.on('failed', (_e, error) => {
      once('failed', error)
      openNotes.delete(note)
    })
    note.on('click', () => deps.openSymbol(a.symbol))
    note.on('close', () => openNotes.delete(note))
    openNotes.add(note)
    if (openNotes.size > MAX_OPEN) {
      const oldest = openNotes.values().next().value as NotificationLike
      openNotes.delete(oldest)
      oldest.close()
    }
    note.show()
    // Some platforms never emit 'show' (Linux without a notification daemon answers nothing): shown is what we know.
    if (deps.platform === 'linux') once('sent', null)
  }

  const offAlerts = deps.api.subscribe('alerts', {}, (alerts) => {
    for (const a of alerts) {
      if (seen.has(a.id)) continue
      seen.add(a.id)
      if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as number)
      if (wantsDesktop(a)) void show(a)
    }
  })
  const offUnread = deps.api.subscribe('alertsUnread', {}, (u) => deps.setUnread(u.unread))

  return {
    dispose() {
      offAlerts()
      offUnread()
      for (const n of openNotes) n.close()
      openNotes.clear()
    },
  }
}
