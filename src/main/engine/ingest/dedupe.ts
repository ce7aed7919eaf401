/**
 * The same detection arrives twice (streaming + detected channels) and is
 * sometimes re-published. Identity is (tier, symbol, pattern, timeframe,
 * detection time to the second): the copies carry the time in different
 * formats and precisions (epoch float vs ISO), so sub-second parts are
 * dropped; the timeframe keeps a Hammer on 1-minute bars apart from one on
 * hourly bars at the same second (both are the intraday tier).
 *
 * Bounded: entries older than the window are forgotten, and the map never
 * holds more than `maxEntries` (oldest evicted first: Map keeps insertion order).
 */
import type { NormalizedPattern } from '../../../shared/domain'

export type DetectionIdentity = Pick<NormalizedPattern, 'symbol' | 'patternKey' | 'tier' | 'detectedAt' | 'timeframe'>

const TIMEFRAMES: Record<string, string> = {
  '1min': '1m', '1m': '1m', minute: '1m',
  '5min': '5m', '5m': '5m',
  '15min': '15m', '15m': '15m',
  '30min': '30m', '30m': '30m',
  '1h': '1h', '60min': '1h', '60m': '1h', hourly: '1h', '1hour': '1h',
  '1day': '1d', '1d': '1d', daily: '1d', day: '1d',
  '1wk': '1w', '1w': '1w', weekly: '1w',
  monthly: '1mo', '1mo': '1mo',
}
/** The timeframe a tier's detections are on when the producer does not say. */
const TIER_BASE_TIMEFRAME = { daily: '1d', intraday: '1m', combo: '1d' } as const

/** One spelling per timeframe (`1min` = `1m`), the tier's base one when absent. */
export function timeframeKey(tier: NormalizedPattern['tier'], timeframe: string | null): string {
  if (!timeframe) return TIER_BASE_TIMEFRAME[tier]
  const t = timeframe.toLowerCase()
  return TIMEFRAMES[t] ?? t
}

export function detectionKey(e: DetectionIdentity): string {
  // Short keys hash faster; the tier's initial is unique (d/i/c).
  return `${e.tier[0]}${e.symbol}|${e.patternKey}|${timeframeKey(e.tier, e.timeframe)}|${Math.floor(e.detectedAt / 1000)}`
}

/** Streaming copies arrive within seconds and re-publishes within minutes. */
export const DEDUPE_WINDOW_MS = 30 * 60_000
export const DEDUPE_MAX_ENTRIES = 100_000
/** The daily batch may be re-run or re-published hours later (the evening after, at worst). */
export const DAILY_DEDUPE_WINDOW_MS = 26 * 3600_000
export const DAILY_DEDUPE_MAX_ENTRIES = 50_000

export class Deduper {
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly windowMs = DEDUPE_WINDOW_MS,
    private readonly maxEntries = DEDUPE_MAX_ENTRIES,
  ) {}

  /** True the first time a detection is seen within the window. */
  firstSighting(e: DetectionIdentity, now: number): boolean {
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
