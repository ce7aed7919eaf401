/**
 * The same detection arrives twice (streaming + detected channels) and is
 * sometimes re-published. Identity is (symbol, pattern, tier, detection time
 * to the second): the copies carry the time in different formats and
 * precisions (epoch float vs ISO), so sub-second parts are dropped.
 *
 * Bounded: entries older than the window are forgotten, and the map never
 * holds more than `maxEntries` (oldest evicted first: Map keeps insertion order).
 */
import type { NormalizedPattern } from '../../../shared/domain'

export function detectionKey(e: Pick<NormalizedPattern, 'symbol' | 'patternKey' | 'tier' | 'detectedAt'>): string {
  // Short keys hash faster; the tier's initial is unique (d/i/c).
  return `${e.tier[0]}${e.symbol}|${e.patternKey}|${Math.floor(e.detectedAt / 1000)}`
}

export const DEDUPE_WINDOW_MS = 30 * 60_000
export const DEDUPE_MAX_ENTRIES = 100_000

export class Deduper {
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly windowMs = DEDUPE_WINDOW_MS,
    private readonly maxEntries = DEDUPE_MAX_ENTRIES,
  ) {}

  /** True the first time a detection is seen within the window. */
  firstSighting(e: Pick<NormalizedPattern, 'symbol' | 'patternKey' | 'tier' | 'detectedAt'>, now: number): boolean {
    const key = detectionKey(e)
    const at = this.seen.get(key)
    if (at !== undefined && now - at <= this.windowMs) return false
    if (at !== undefined) this.seen.delete(key)
    this.seen.set(key, now)
    if (this.seen.size > this.maxEntries) this.evict(now)
    return true
  }

  get size(): number {
    return this.seen.size
  }

  private evict(now: number): void {
    // Oldest first; stop once within bounds and inside the window.
    for (const [key, at] of this.seen) {
      if (this.seen.size <= this.maxEntries * 0.9 && now - at <= this.windowMs) break
      this.seen.delete(key)
    }
  }

  /** Forget entries older than the window (call periodically). */
  sweep(now: number): void {
    for (const [key, at] of this.seen) {
      if (now - at <= this.windowMs) break
      this.seen.delete(key)
    }
  }
}
