/**
 * Synthetic bars for the demo feed. A price path is a deterministic function
 * of (symbol, time), so every timeframe and every page of history agree with
 * each other without storing anything, and a chart reloads identically. The
 * path is scaled so that it passes through the first price the demo feed
 * reported for the symbol, which keeps pattern levels near the candles.
 * Demo days run every calendar day; a week (Monday 00:00 New York to the
 * next Monday) is the aggregate of its days, so '1W' and '1D' agree.
 */
import { BAR_TIMEFRAME_MS, epochMs, type Bar, type BarTimeframe } from '../../../shared/domain'
import { etOffsetMs } from '../../../shared/exchange-time'
import type { BarSource } from './bar-source'
import { nyWeekStart } from './ny-calendar'

const MINUTE = 60_000
const SAMPLES_PER_BAR = 6
const MAX_ANCHORS = 5000

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/** Deterministic noise in [-1, 1] for (seed, integer k). */
function noise(seed: number, k: number): number {
  let x = (seed ^ Math.imul(k | 0, 0x9e3779b1) ^ Math.imul(Math.floor(k / 4294967296), 0x85ebca6b)) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0
  return ((x ^ (x >>> 16)) >>> 0) / 2147483647.5 - 1
}

export class DemoBars implements BarSource {
  readonly kind = 'demo' as const
  private readonly anchors = new Map<string, { price: number; at: number; scale: number }>()

  /** `priceOf`: the latest price the demo feed reported for a symbol, if any. */
  constructor(private readonly priceOf: (symbol: string) => number | null = () => null) {}

  /** Log-price offset of the path at time t (ms), without the anchor scale. */
  private shape(seed: number, t: number): number {
    const m = t / MINUTE
    const p1 = (seed % 1000) / 159
    const p2 = (seed % 777) / 123
    const p3 = (seed % 555) / 87
    // Slow regime, daily swing, intraday wiggle, and minute noise (interpolated so it is continuous).
    const k = Math.floor(m)
    const f = m - k
    const n = noise(seed, k) * (1 - f) + noise(seed, k + 1) * f
    return 0.18 * Math.sin(m / 43_200 + p1) + 0.05 * Math.sin(m / 2_300 + p2) + 0.012 * Math.sin(m / 97 + p3) + 0.0025 * n
  }

  private anchor(symbol: string, now: number): { seed: number; scale: number } {
    const seed = hash(symbol)
    let a = this.anchors.get(symbol)
    if (!a) {
      const price = this.priceOf(symbol) ?? 20 + (seed % 480)
      if (this.anchors.size >= MAX_ANCHORS) this.anchors.clear()
      a = { price, at: now, scale: price / Math.exp(this.shape(seed, now)) }
      this.anchors.set(symbol, a)
    }
    return { seed, scale: a.scale }
  }

  private price(seed: number, scale: number, t: number): number {
    return Math.round(scale * Math.exp(this.shape(seed, t)) * 100) / 100
  }

  /** Start of the bar holding t; daily bars start at midnight New York time, weekly ones at Monday's. */
  private barStart(tf: BarTimeframe, t: number): number {
    if (tf === '1W') return nyWeekStart(t)
    if (tf !== '1D') return Math.floor(t / BAR_TIMEFRAME_MS[tf]) * BAR_TIMEFRAME_MS[tf]
    const localMidnight = Math.floor((t + etOffsetMs(t)) / 86_400_000) * 86_400_000
    // The offset in force at midnight, not at t: they differ on a DST-change day.
    return localMidnight - etOffsetMs(localMidnight - etOffsetMs(t))
  }

  private bar(seed: number, scale: number, tf: BarTimeframe, start: number, end: number): Bar {
    const open = this.price(seed, scale, start)
    const close = this.price(seed, scale, end)
    let high = Math.max(open, close)
    let low = Math.min(open, close)
    for (let i = 1; i < SAMPLES_PER_BAR; i++) {
      const p = this.price(seed, scale, start + ((end - start) * i) / SAMPLES_PER_BAR)
      if (p > high) high = p
      if (p < low) low = p
    }
    const wick = Math.abs(noise(seed ^ 0x51ed, Math.floor(start / MINUTE))) * 0.0015 * open
    const minutes = (end - start) / MINUTE
    const volume = Math.round((2000 + 1500 * Math.abs(noise(seed ^ 0xbeef, Math.floor(start / MINUTE)))) * Math.max(1, minutes))
    return { time: epochMs(start), open, high: Math.round((high + wick) * 100) / 100, low: Math.round((low - wick) * 100) / 100, close, volume }
  }

  /** The bar starting at `start`, formed up to `now` (the forming bar ends at now). */
  private barAt(seed: number, scale: number, tf: BarTimeframe, start: number, now: number): Bar {
    if (tf === '1W') return this.week(seed, scale, start, now)
    const end = start === this.barStart(tf, now) ? now : this.nextStart(tf, start)
    return this.bar(seed, scale, tf, start, end)
  }

  /** The week's days so far, aggregated: open of the first, high max, low min, close of the last, volume summed. */
  private week(seed: number, scale: number, start: number, now: number): Bar {
    const end = this.nextStart('1W', start)
    let week: Bar | null = null
    for (let day = start; day < end && day <= now; day = this.nextStart('1D', day)) {
      const d = this.barAt(seed, scale, '1D', day, now)
      if (week === null) week = { ...d }
      else {
        if (d.high > week.high) week.high = d.high
        if (d.low < week.low) week.low = d.low
        week.close = d.close
        week.volume += d.volume
      }
    }
    return week!
  }

  bars(symbol: string, tf: BarTimeframe, limit: number, now: number, before?: number): Bar[] {
    const { seed, scale } = this.anchor(symbol, now)
    const last = this.barStart(tf, Math.min(now, (before ?? now + 1) - 1))
    const out: Bar[] = []
    let start = last
    for (let i = 0; i < limit; i++) {
      out.push(this.barAt(seed, scale, tf, start, now))
      start = this.barStart(tf, start - 1)
    }
    return out.reverse()
  }

  private nextStart(tf: BarTimeframe, start: number): number {
    if (tf === '1D') return this.barStart(tf, start + 26 * 3_600_000)
    if (tf === '1W') return this.barStart(tf, start + 7 * 86_400_000 + 12 * 3_600_000)
    return start + BAR_TIMEFRAME_MS[tf]
  }

  current(symbol: string, tf: BarTimeframe, now: number): Bar {
    const { seed, scale } = this.anchor(symbol, now)
    return this.barAt(seed, scale, tf, this.barStart(tf, now), now)
  }
}
