/**
 * Desktop notifications, by host. On the desktop the main process raises OS
 * notifications itself (Electron's Notification), so the page never does:
 * `hostNotificationSeam`. In a browser the page raises Web Notifications:
 * `createBrowserNotificationSeam`, given the Notification constructor (a fake
 * one in tests) and how to bring the window forward. Selected at the edge by
 * `notificationSeamFor(api.host)`.
 */
import type { TerminalApi } from '../../../shared/contract'

/** 'unsupported': no Web Notifications here (an insecure origin, an old browser); always that for the desktop host. */
export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported'

export interface DesktopNotice {
  /** Replaces an earlier notification with the same tag (one per alert). */
  tag: string
  title: string
  body: string
  /** Stays on screen until the user acts (critical alerts). */
  requireInteraction: boolean
  /** The user clicked it: the window is already focused and the notification closed. */
  onClick(): void
}

export type NoticeOutcome = { ok: true } | { ok: false; reason: string }

export interface NotificationSeam {
  /** Who raises OS notifications: this page ('renderer', in a browser) or the desktop host ('host'). */
  readonly owner: 'renderer' | 'host'
  permission(): NotificationPermissionState
  /** Ask the user (call from a click: browsers refuse a prompt without a user gesture). */
  requestPermission(): Promise<NotificationPermissionState>
  show(notice: DesktopNotice): NoticeOutcome
}

/** The part of the Web Notifications API the seam uses. */
export interface NotificationLike {
  onclick: ((this: NotificationLike, ev: Event) => unknown) | null
  close(): void
}
export interface NotificationConstructorLike {
  readonly permission: NotificationPermission
  requestPermission(callback?: (p: NotificationPermission) => void): Promise<NotificationPermission> | void
  new (title: string, options?: NotificationOptions & { requireInteraction?: boolean }): NotificationLike
}

export interface BrowserNotificationDeps {
  /** `globalThis.Notification`; undefined where the browser has none (insecure origins). */
  Notification: NotificationConstructorLike | undefined
  /** Bring this window forward (window.focus()). */
  focusWindow(): void
}

export function createBrowserNotificationSeam(deps: BrowserNotificationDeps): NotificationSeam {
  const N = deps.Notification
  const permission = (): NotificationPermissionState => (N ? N.permission : 'unsupported')
  return {
    owner: 'renderer',
    permission,
    async requestPermission() {
      if (!N) return 'unsupported'
      try {
        // Older Safari takes a callback and returns nothing.
        const answer = await new Promise<NotificationPermission>((resolve) => {
          const r = N.requestPermission(resolve)
          if (r && typeof r.then === 'function') void r.then(resolve, () => resolve(N.permission))
        })
        return answer
      } catch {
        return permission()
      }
    },
    show(notice) {
      if (!N) return { ok: false, reason: 'this browser cannot show desktop notifications here (it needs https or localhost)' }
      if (N.permission !== 'granted') return { ok: false, reason: `desktop notifications are not allowed (permission: ${N.permission})` }
      try {
        // silent: the alert's own sound (if any) plays in the page.
        const n = new N(notice.title, { body: notice.body, tag: notice.tag, requireInteraction: notice.requireInteraction, silent: true })
        n.onclick = () => {
          deps.focusWindow()
          n.close()
          notice.onClick()
        }
        return { ok: true }
      } catch (err) {
        return { ok: false, reason: `the browser refused the notification: ${err instanceof Error ? err.message : String(err)}` }
      }
    },
  }
}

/** The desktop host shows notifications from the main process: the page does nothing. */
export const hostNotificationSeam: NotificationSeam = {
  owner: 'host',
  permission: () => 'unsupported',
  requestPermission: () => Promise.resolve('unsupported'),
  show: () => ({ ok: false, reason: 'the desktop host shows notifications itself' }),
}

export function notificationSeamFor(host: TerminalApi['host']): NotificationSeam {
  if (host === 'electron') return hostNotificationSeam
  return createBrowserNotificationSeam({
    Notification: typeof Notification === 'undefined' ? undefined : (Notification as unknown as NotificationConstructorLike),
    focusWindow: () => window.focus(),
  })
}
