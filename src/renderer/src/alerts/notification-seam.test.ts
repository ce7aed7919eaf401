import { describe, expect, it, vi } from 'vitest'
import { createBrowserNotificationSeam, hostNotificationSeam, notificationSeamFor, type DesktopNotice, type NotificationConstructorLike } from './notification-seam'

/** A fake Notification constructor: records what was shown, answers the permission prompt as told. */
function fakeNotification(initial: NotificationPermission, answer: NotificationPermission = 'granted', opts: { callbackOnly?: boolean; throwOnShow?: string } = {}) {
  const shown: { title: string; options: NotificationOptions & { requireInteraction?: boolean }; instance: { onclick: ((ev: Event) => unknown) | null; close: ReturnType<typeof vi.fn> } }[] = []
  let prompts = 0
  class FakeNotification {
    static permission: NotificationPermission = initial
    static requestPermission(callback?: (p: NotificationPermission) => void): Promise<NotificationPermission> | void {
      prompts++
      FakeNotification.permission = answer
      if (opts.callbackOnly) {
        callback?.(answer)
        return
      }
      return Promise.resolve(answer)
    }
    onclick: ((ev: Event) => unknown) | null = null
    close = vi.fn()
    constructor(title: string, options: NotificationOptions = {}) {
      if (opts.throwOnShow) throw new TypeError(opts.throwOnShow)
      shown.push({ title, options, instance: this })
    }
  }
  return { ctor: FakeNotification as unknown as NotificationConstructorLike, shown, prompts: () => prompts }
}

const notice = (over: Partial<DesktopNotice> = {}): DesktopNotice => ({ tag: 'tickstock-alert-7', title: 'AAPL Bull Flag', body: 'Daily · 82%', requireInteraction: false, onClick: vi.fn(), ...over })

describe('browser notification seam (fake Notification)', () => {
  it('reports the permission and asks only when told to, never by itself', async () => {
    const fake = fakeNotification('default', 'granted')
    const seam = createBrowserNotificationSeam({ Notification: fake.ctor, focusWindow: vi.fn() })
    expect(seam.owner).toBe('renderer')
    expect(seam.permission()).toBe('default')
    expect(fake.prompts()).toBe(0)
    expect(await seam.requestPermission()).toBe('granted')
    expect(fake.prompts()).toBe(1)
    expect(seam.permission()).toBe('granted')
  })

  it('handles the old callback form of requestPermission and a refusal', async () => {
    const fake = fakeNotification('default', 'denied', { callbackOnly: true })
    const seam = createBrowserNotificationSeam({ Notification: fake.ctor, focusWindow: vi.fn() })
    expect(await seam.requestPermission()).toBe('denied')
    expect(seam.show(notice())).toEqual({ ok: false, reason: 'desktop notifications are not allowed (permission: denied)' })
    expect(fake.shown).toEqual([])
  })

  it('shows a silent notification tagged per alert; critical ones stay until acted on', () => {
    const fake = fakeNotification('granted')
    const seam = createBrowserNotificationSeam({ Notification: fake.ctor, focusWindow: vi.fn() })
    expect(seam.show(notice({ requireInteraction: true }))).toEqual({ ok: true })
    expect(fake.shown).toHaveLength(1)
    expect(fake.shown[0]!.title).toBe('AAPL Bull Flag')
    expect(fake.shown[0]!.options).toMatchObject({ body: 'Daily · 82%', tag: 'tickstock-alert-7', requireInteraction: true, silent: true })
  })

  it('a click focuses the window, closes the notification and opens the alert', () => {
    const fake = fakeNotification('granted')
    const focusWindow = vi.fn()
    const onClick = vi.fn()
    const seam = createBrowserNotificationSeam({ Notification: fake.ctor, focusWindow })
    seam.show(notice({ onClick }))
    fake.shown[0]!.instance.onclick!(new Event('click'))
    expect(focusWindow).toHaveBeenCalledOnce()
    expect(fake.shown[0]!.instance.close).toHaveBeenCalledOnce()
    expect(onClick).toHaveBeenCalledOnce()
  })

  it('a constructor that throws is a failure with the reason, not an exception', () => {
    const fake = fakeNotification('granted', 'granted', { throwOnShow: 'Illegal constructor' })
    const seam = createBrowserNotificationSeam({ Notification: fake.ctor, focusWindow: vi.fn() })
    expect(seam.show(notice())).toEqual({ ok: false, reason: 'the browser refused the notification: Illegal constructor' })
  })

  it('without a Notification API (insecure origin) everything says unsupported', async () => {
    const seam = createBrowserNotificationSeam({ Notification: undefined, focusWindow: vi.fn() })
    expect(seam.permission()).toBe('unsupported')
    expect(await seam.requestPermission()).toBe('unsupported')
    expect(seam.show(notice()).ok).toBe(false)
  })

  it('the desktop host gets the no-op seam: the main process raises notifications', () => {
    expect(notificationSeamFor('electron')).toBe(hostNotificationSeam)
    expect(hostNotificationSeam.owner).toBe('host')
    expect(notificationSeamFor('browser').owner).toBe('renderer')
  })
})
