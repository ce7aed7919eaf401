/** A clock and timers for the delivery tests: time moves only when the test says so. */
import type { DeliveryTimers } from './delivery-error'

export interface FakeClock extends DeliveryTimers {
  now(): number
  /** Moves time forward, running each timer that comes due, in order. */
  advance(ms: number): void
  /** Timers not yet run. */
  pending(): number[]
}

export function fakeClock(start: number): FakeClock {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++seq, { at: now + Math.max(0, ms), callback })
      return seq
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        let next: [number, { at: number; callback: () => void }] | null = null
        for (const entry of timers) if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry
        if (next === null) break
        timers.delete(next[0])
        now = next[1].at
        next[1].callback()
      }
      now = end
    },
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
  }
}
