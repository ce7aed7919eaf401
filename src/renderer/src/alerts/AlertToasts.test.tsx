import { act } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { render, type Rendered } from '../test-support/render'
import { AlertToasts, MAX_VISIBLE_TOASTS, TOAST_MS } from './AlertToasts'
import { flush, makeAlert, NOW, startHarness, type Harness } from './alerts-fixtures'

let h: Harness
let view: Rendered
beforeEach(async () => {
  vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  h = startHarness()
  await flush()
  view = render(<AlertToasts controller={h.controller} />)
})
afterEach(() => {
  view.unmount()
  h.stop()
  vi.useRealTimers()
})

const toasts = () => [...view.container.querySelectorAll<HTMLElement>('[data-testid="alert-toast"]')]
const ids = () => toasts().map((t) => Number(t.dataset.alertId))
const push = async (...alerts: ReturnType<typeof makeAlert>[]) => {
  await act(async () => {
    h.api.push('alerts', alerts)
    await flush()
  })
}
const advance = (ms: number) => act(() => vi.advanceTimersByTime(ms))

describe('alert toasts', () => {
  it('stack newest on top, at most four visible, +N more', async () => {
    for (let id = 1; id <= 6; id++) await push(makeAlert(id, { symbol: `S${id}` }))
    expect(ids()).toEqual([6, 5, 4, 3])
    expect(toasts()).toHaveLength(MAX_VISIBLE_TOASTS)
    expect(view.container.querySelector('[data-testid="alert-toasts-more"]')!.textContent).toContain('+2 more')
    expect(view.container.querySelector('[data-testid="alert-toasts"]')!.getAttribute('aria-live')).toBe('polite')
  })

  it('show symbol and pattern, tier, confidence, price, rule name and urgency', async () => {
    await push(makeAlert(1, { symbol: 'NVDA', pattern: 'Hammer', tier: 'intraday', confidence: 0.91, price: 912.5, ruleName: 'Semis', urgency: 'critical' }))
    const t = toasts()[0]!
    expect(t.textContent).toContain('NVDA')
    expect(t.textContent).toContain('Hammer')
    expect(t.textContent).toContain('Intraday')
    expect(t.textContent).toContain('91%')
    expect(t.textContent).toContain('$912.50')
    expect(t.textContent).toContain('Semis')
    expect(t.dataset.urgency).toBe('critical')
    expect(t.className).toContain('urgency-critical')
  })

  it('go by themselves after about 8 s', async () => {
    await push(makeAlert(1))
    advance(TOAST_MS - 100)
    expect(ids()).toEqual([1])
    advance(200)
    expect(ids()).toEqual([])
  })

  it('stay while hovered, and go after the rest of their time once the pointer leaves', async () => {
    await push(makeAlert(1))
    advance(5000)
    const stack = view.container.querySelector<HTMLElement>('[data-testid="alert-toasts"]')!
    act(() => stack.dispatchEvent(new MouseEvent('mouseover', { bubbles: true, relatedTarget: document.body })))
    advance(30_000)
    expect(ids()).toEqual([1])
    act(() => stack.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: document.body })))
    advance(2900)
    expect(ids()).toEqual([1])
    advance(200)
    expect(ids()).toEqual([])
  })

  it('critical ones stay until dismissed', async () => {
    await push(makeAlert(1, { urgency: 'critical' }), makeAlert(2))
    advance(60_000)
    expect(ids()).toEqual([1])
    act(() => view.container.querySelector<HTMLElement>('[data-testid="alert-toast-dismiss"]')!.click())
    expect(ids()).toEqual([])
  })

  it('Escape on a toast dismisses it', async () => {
    await push(makeAlert(1), makeAlert(2))
    const second = toasts()[1]!.querySelector<HTMLElement>('[data-testid="alert-toast-open"]')!
    act(() => second.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })))
    expect(ids()).toEqual([2])
  })

  it('a click opens the symbol in the linked panels and marks the alert read', async () => {
    await push(makeAlert(7, { symbol: 'TSLA' }))
    await act(async () => {
      view.container.querySelector<HTMLElement>('[data-testid="alert-toast-open"]')!.click()
      await flush()
    })
    expect(h.opened).toEqual(['TSLA'])
    expect(h.api.callsOf('alerts.mark')).toEqual([{ ids: [7], read: true }])
    expect(ids()).toEqual([])
  })

  it('"Dismiss all" clears the stack', async () => {
    for (let id = 1; id <= 5; id++) await push(makeAlert(id))
    act(() => view.container.querySelector<HTMLElement>('[data-testid="alert-toasts-more"] button')!.click())
    expect(toasts()).toEqual([])
  })
})
