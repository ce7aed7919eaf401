/** DOM helpers for the alert panel tests (fake timers assumed). Not used by the app. */
import { act } from 'react'
import { vi } from 'vitest'

export const settle = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

export const click = (el: Element | null | undefined) =>
  act(async () => {
    if (!el) throw new Error('nothing to click')
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }))
    await vi.advanceTimersByTimeAsync(0)
  })

/** Type into an input or select the way React hears it. */
export const setValue = (el: Element | null | undefined, value: string) =>
  act(async () => {
    if (!el) throw new Error('no field')
    const e = el as HTMLInputElement
    const proto = e instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(e, value)
    e.dispatchEvent(new Event(e instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
    await vi.advanceTimersByTimeAsync(0)
  })

export const keyDown = (el: Element | null | undefined, key: string) =>
  act(async () => {
    if (!el) throw new Error('no element')
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
    await vi.advanceTimersByTimeAsync(0)
  })

/** What a browser's DataTransfer does for a drag within one page (jsdom has none). */
export class DataTransferStub {
  private readonly data = new Map<string, string>()
  dropEffect = 'none'
  effectAllowed = 'all'
  get types(): string[] {
    return [...this.data.keys()]
  }
  setData(type: string, value: string): void {
    this.data.set(type, value)
  }
  getData(type: string): string {
    return this.data.get(type) ?? ''
  }
  setDragImage(): void {}
}

export function fireDrag(el: Element | null | undefined, type: 'dragstart' | 'dragover' | 'drop' | 'dragend', dt: DataTransferStub): Promise<boolean> {
  return act(async () => {
    if (!el) throw new Error(`nothing to ${type}`)
    const ev = new Event(type, { bubbles: true, cancelable: true })
    Object.defineProperty(ev, 'dataTransfer', { value: dt })
    const notCancelled = el.dispatchEvent(ev)
    await vi.advanceTimersByTimeAsync(0)
    return !notCancelled
  })
}

/** Drag from one element and drop on another, as a browser sends it. Returns whether the target accepted (dragover default prevented). */
export async function dragAndDrop(from: Element | null | undefined, to: Element | null | undefined): Promise<boolean> {
  const dt = new DataTransferStub()
  await fireDrag(from, 'dragstart', dt)
  const accepted = await fireDrag(to, 'dragover', dt)
  if (accepted) await fireDrag(to, 'drop', dt)
  await fireDrag(from, 'dragend', dt)
  return accepted
}
