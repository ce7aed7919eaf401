/**
 * The chart's bars, independent of lightweight-charts: merging pages and the
 * forming bar, bounds, and the conversion to the times the chart shows.
 *
 * lightweight-charts has no time zones: it shows every timestamp as UTC. To
 * show exchange time, an intraday bar is given the New York wall-clock time
 * read as if it were UTC (bar start + New York offset); a daily bar is given
 * its business day, a weekly bar the business day of its Monday. When clocks go back, the repeated hour maps onto the same
 * wall-clock times: those bars are merged into one point per time, since the
 * chart needs strictly ascending times.
 */
import { BAR_TIMEFRAME_MS, type Bar, type BarTimeframe } from '../../../../shared/domain'
import { etOffsetMs, toEt } from '../../../../shared/exchange-time'

/** Bars asked for per request (first load and each page back). */
export const PAGE_SIZE = 500
/** Bars held per chart; paging back stops here and the oldest fall off as new bars form. */
export const MAX_BARS = 5000
/** Extra bars tolerated past MAX_BARS before trimming (a trim is a full redraw). */
const TRIM_SLACK = 500

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Business day of a daily bar (lightweight-charts' BusinessDay). */
export interface BusinessDay {
  year: number
  month: number
  day: number
}
/** What the chart is given as a time: seconds of New York wall clock (as UTC), or a business day. */
export type ChartTime = number | BusinessDay

export interface DisplayBar {
  time: ChartTime
  /** Stable key of `time` (markers and tooltips are looked up by it). */
  key: string
  open: number
  high: number
  low: number
  close: number
  volume: number
}

// Intl is slow and the offset only changes on the hour (02:00 local is 06:00 or 07:00 UTC).
const offsetCache = new Map<number, number>()
/** New York's UTC offset at `ms` (negative), memoized per UTC hour. */
export function nyOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS)
  let off = offsetCache.get(hour)
  if (off === undefined) {
    off = etOffsetMs(hour * HOUR_MS)
    if (offsetCache.size >= 20_000) offsetCache.clear()
    offsetCache.set(hour, off)
  }
  return off
}

/** Daily and weekly bars are drawn on business days, without a time of day. */
export const isDailyOrWeekly = (tf: BarTimeframe): tf is '1D' | '1W' => tf === '1D' || tf === '1W'

/** The chart time of a bar starting at `ms`. */
export function toChartTime(ms: number, tf: BarTimeframe): ChartTime {
  if (isDailyOrWeekly(tf)) {
    // Daily and weekly bars start at 00:00 New York; noon of the same day is safely inside them.
    const p = toEt(ms + 12 * HOUR_MS)
    return { year: p.year, month: p.month, day: p.day }
  }
  return Math.floor((ms + nyOffsetMs(ms)) / 1000)
}

export function timeKey(t: ChartTime): string {
  if (typeof t === 'number') return String(t)
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`
}

/** Comparable value of a chart time (seconds). */
export const chartTimeValue = (t: ChartTime): number => (typeof t === 'number' ? t : Date.UTC(t.year, t.month - 1, t.day) / 1000)

const utcLabel = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
const utcDate = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })
const utcWeek = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' })

/** Crosshair label: the wall-clock time the chart holds, marked ET; a weekly bar's week. */
export function formatChartTime(t: ChartTime, tf?: BarTimeframe): string {
  if (typeof t === 'number') return `${utcLabel.format(t * 1000)} ET`
  const day = Date.UTC(t.year, t.month - 1, t.day)
  return tf === '1W' ? `Week of ${utcWeek.format(day)}` : utcDate.format(day)
}

/** Start of the New York day holding `ms`. */
function nyDayStart(ms: number): number {
  const off = nyOffsetMs(ms)
  return Math.floor((ms + off) / DAY_MS) * DAY_MS - off
}

/** End (exclusive) of the bar starting at `start`: the next New York midnight (or next Monday's) for daily (weekly) bars. */
export function barEnd(start: number, tf: BarTimeframe): number {
  if (tf === '1D') return nyDayStart(start + 26 * HOUR_MS)
  if (tf === '1W') return nyDayStart(start + 7 * DAY_MS + 12 * HOUR_MS)
  return start + BAR_TIMEFRAME_MS[tf]
}

/** Sorted by time, one bar per time; on equal times the later array wins. */
export function mergeBars(older: readonly Bar[], newer: readonly Bar[]): Bar[] {
  if (older.length === 0) return [...newer]
  if (newer.length === 0) return [...older]
  // Common cases: a page strictly before, or bars strictly after.
  if (older[older.length - 1]!.time < newer[0]!.time && isAscending(older) && isAscending(newer)) return [...older, ...newer]
  const byTime = new Map<number, Bar>()
  for (const b of older) byTime.set(b.time, b)
  for (const b of newer) byTime.set(b.time, b)
  return [...byTime.values()].sort((a, b) => a.time - b.time)
}

function isAscending(bars: readonly Bar[]): boolean {
  for (let i = 1; i < bars.length; i++) if (bars[i]!.time <= bars[i - 1]!.time) return false
  return true
}

function mergeInto(target: DisplayBar, b: Bar): void {
  target.high = Math.max(target.high, b.high)
  target.low = Math.min(target.low, b.low)
  target.close = b.close
  target.volume += b.volume
}

/** The points the chart draws, strictly ascending; bars of a repeated hour share a point. */
export function toDisplayBars(bars: readonly Bar[], tf: BarTimeframe): DisplayBar[] {
  const out: DisplayBar[] = []
  const byKey = new Map<string, DisplayBar>()
  let last = -Infinity
  for (const b of bars) {
    const time = toChartTime(b.time, tf)
    const key = timeKey(time)
    const v = chartTimeValue(time)
    if (v <= last) {
      const into = byKey.get(key) ?? out[out.length - 1]!
      mergeInto(into, b)
      continue
    }
    const p: DisplayBar = { time, key, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }
    out.push(p)
    byKey.set(key, p)
    last = v
  }
  return out
}

export type LiveResult =
  /** A new bar after the last: draw it. */
  | 'append'
  /** The last bar changed: redraw it. */
  | 'update'
  /** Older than the last bar, or not a number: ignored. */
  | 'stale'

/**
 * The bars of one chart (symbol, timeframe): ascending, unique times, bounded.
 * Mutable on purpose: the forming bar updates several times a second.
 */
export class BarBook {
  private list: Bar[] = []
  /** No older bars to page (a page came back short). */
  exhausted = false

  constructor(
    readonly timeframe: BarTimeframe,
    readonly max: number = MAX_BARS,
  ) {}

  get bars(): readonly Bar[] {
    return this.list
  }
  get size(): number {
    return this.list.length
  }
  get oldest(): number | null {
    return this.list[0]?.time ?? null
  }
  get last(): Bar | null {
    return this.list[this.list.length - 1] ?? null
  }

  /** A fresh load: these bars, plus any forming bar already held that is newer. */
  replace(bars: readonly Bar[]): void {
    const lastLoaded = bars.length > 0 ? bars[bars.length - 1]!.time : -Infinity
    this.list = mergeBars(bars, this.list.filter((b) => b.time > lastLoaded))
    this.exhausted = false
    this.trimOldest(this.max)
  }

  /** Whether a page back is worth asking for. */
  canPageOlder(): boolean {
    return !this.exhausted && this.list.length > 0 && this.list.length < this.max
  }

  /** Add a page of older bars; returns how many were new. Marks the book exhausted on a short or empty page. */
  prependOlder(page: readonly Bar[], asked: number): number {
    const oldest = this.oldest
    const older = oldest === null ? page : page.filter((b) => b.time < oldest)
    if (page.length < asked || older.length === 0) this.exhausted = true
    if (older.length === 0) return 0
    const room = Math.max(0, this.max - this.list.length)
    const kept = older.length > room ? older.slice(older.length - room) : older
    if (kept.length < older.length) this.exhausted = true
    this.list = mergeBars(kept, this.list)
    return kept.length
  }

  /** Apply the forming bar (or a just-closed one). */
  applyLive(bar: Bar): LiveResult {
    if (!Number.isFinite(bar.time) || !Number.isFinite(bar.close)) return 'stale'
    const last = this.last
    if (last === null || bar.time > last.time) {
      this.list.push(bar)
      return 'append'
    }
    if (bar.time === last.time) {
      this.list[this.list.length - 1] = bar
      return 'update'
    }
    return 'stale'
  }

  /** After appends: drop the oldest once well past the bound. True when it trimmed (redraw all). */
  trimIfNeeded(): boolean {
    if (this.list.length <= this.max + TRIM_SLACK) return false
    this.trimOldest(this.max)
    return true
  }

  private trimOldest(n: number): void {
    if (this.list.length > n) {
      this.list = this.list.slice(this.list.length - n)
      this.exhausted = false
    }
  }

  /** Index of the bar whose span [start, end) holds `ms`, or -1. */
  containingIndex(ms: number): number {
    const list = this.list
    let lo = 0
    let hi = list.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (list[mid]!.time <= ms) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (found < 0) return -1
    return ms < barEnd(list[found]!.time, this.timeframe) ? found : -1
  }

  /** Key of the chart time of the bar at `index`. */
  keyAt(index: number): string {
    return timeKey(toChartTime(this.list[index]!.time, this.timeframe))
  }

  /** The point drawn for the bar at `index`: that bar, merged with any bar sharing its wall-clock time. */
  displayPointAt(index: number): DisplayBar {
    const bar = this.list[index]!
    const time = toChartTime(bar.time, this.timeframe)
    const key = timeKey(time)
    const off = nyOffsetMs(bar.time)
    if (isDailyOrWeekly(this.timeframe) || (nyOffsetMs(bar.time - 2 * HOUR_MS) === off && nyOffsetMs(bar.time + 2 * HOUR_MS) === off)) {
      return { time, key, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }
    }
    // Only a repeated (fall-back) hour shares keys: look about an hour either way.
    let from = index
    while (from > 0 && bar.time - this.list[from - 1]!.time <= 2 * HOUR_MS) from--
    let to = index
    while (to < this.list.length - 1 && this.list[to + 1]!.time - bar.time <= 2 * HOUR_MS) to++
    let point: DisplayBar | null = null
    for (let i = from; i <= to; i++) {
      const b = this.list[i]!
      if (i !== index && timeKey(toChartTime(b.time, this.timeframe)) !== key) continue
      if (point === null) point = { time, key, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }
      else mergeInto(point, b)
    }
    return point!
  }
}
