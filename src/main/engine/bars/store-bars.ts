/**
 * Chart bars from the bar store: '1m' and '1D' as stored, 5m/15m/1h
 * aggregated from the 1-minute bars (buckets aligned to the epoch, which is
 * to the hour in New York too), '1W' aggregated from the daily bars. Daily
 * bars start at New York midnight of their session date and weekly bars at
 * New York midnight of their week's Monday, as the demo bars do.
 */
import { BAR_TIMEFRAME_MS, epochMs, type Bar, type BarTimeframe } from '../../../shared/domain'
import type { BarStore, DailyBarRow, MinuteBarRow } from '../store/bar-store'
import type { BarSource } from './bar-source'
import { addDays, nyDate, nyMidnight, weekMonday } from './ny-calendar'

export { nyDate, nyMidnight } from './ny-calendar'

/** Days a week can hold (stored dates are trading days, but nothing forbids a weekend row). */
const DAYS_PER_WEEK = 7

/**
 * Aggregate ascending 1-minute bars into buckets of `bucketMs` (bucket start =
 * floor(t / bucketMs) * bucketMs): open of the first, high max, low min, close
 * of the last, volume summed. Ascending output.
 */
export function aggregateMinutes(rows: readonly MinuteBarRow[], bucketMs: number): Bar[] {
  const out: Bar[] = []
  let cur: Bar | null = null
  for (const r of rows) {
    const start = Math.floor(r.t / bucketMs) * bucketMs
    if (cur && cur.time === start) {
      if (r.high > cur.high) cur.high = r.high
      if (r.low < cur.low) cur.low = r.low
      cur.close = r.close
      cur.volume += r.volume
    } else {
      cur = { time: epochMs(start), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }
      out.push(cur)
    }
  }
  return out
}

/**
 * Aggregate ascending daily rows into weeks (Monday to Sunday, New York):
 * open of the first day, high max, low min, close of the last, volume summed;
 * the bar starts at 00:00 New York time on the Monday. Ascending output.
 */
export function aggregateWeeks(rows: readonly DailyBarRow[]): Bar[] {
  const out: Bar[] = []
  let cur: Bar | null = null
  let curMonday = ''
  for (const r of rows) {
    const monday = weekMonday(r.date)
    if (cur && monday === curMonday) {
      if (r.high > cur.high) cur.high = r.high
      if (r.low < cur.low) cur.low = r.low
      cur.close = r.close
      cur.volume += r.volume
    } else {
      curMonday = monday
      cur = { time: epochMs(nyMidnight(monday)), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }
      out.push(cur)
    }
  }
  return out
}

export class StoreBars implements BarSource {
  readonly kind = 'store' as const

  constructor(private readonly store: BarStore) {}

  /** Whether the store holds bars for this symbol at this timeframe (daily for '1D' and '1W', 1-minute otherwise). */
  has(symbol: string, tf: BarTimeframe): boolean {
    return tf === '1D' || tf === '1W' ? this.store.hasDaily(symbol) : this.store.has1m(symbol)
  }

  bars(symbol: string, tf: BarTimeframe, limit: number, now: number, before?: number): Bar[] {
    if (limit <= 0) return []
    if (tf === '1D') {
      // Bars starting at or before now and strictly before `before`.
      const last = nyDate(Math.min(now, (before ?? now + 1) - 1))
      return this.store
        .recentDaily(symbol, last, limit)
        .reverse()
        .map((d) => ({ time: epochMs(nyMidnight(d.date)), open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume }))
    }
    if (tf === '1W') return this.weeks(symbol, limit, now, before)
    const step = BAR_TIMEFRAME_MS[tf]
    // Buckets starting before `before` hold rows before the bucket boundary at or after it
    // (1-minute rows are whole minutes); rows after `now` are not shown.
    const to = Math.min(now + 1, before === undefined ? Infinity : Math.ceil(before / step) * step)
    // A bucket holds at most `per` minutes: reading limit*per + per rows covers at least
    // limit + 1 buckets whenever there are more, so the oldest (maybe cut) one is dropped.
    const per = step / BAR_TIMEFRAME_MS['1m']
    const rows = this.store.recent1m(symbol, to, per === 1 ? limit : limit * per + per).reverse()
    const bars = aggregateMinutes(rows, step)
    return bars.length > limit ? bars.slice(bars.length - limit) : bars
  }

  /**
   * Weeks starting before `before` are whole: their days run to the Sunday of
   * the week holding `before - 1`; days after `now` are not shown.
   */
  private weeks(symbol: string, limit: number, now: number, before: number | undefined): Bar[] {
    const today = nyDate(now)
    const sunday = before === undefined ? today : addDays(weekMonday(nyDate(before - 1)), 6)
    // Reading (limit + 1) * 7 rows covers at least limit + 1 weeks whenever there are more,
    // so the oldest (maybe cut) one is dropped, as for the minute buckets.
    const rows = this.store.recentDaily(symbol, sunday < today ? sunday : today, (limit + 1) * DAYS_PER_WEEK).reverse()
    const weeks = aggregateWeeks(rows)
    return weeks.length > limit ? weeks.slice(weeks.length - limit) : weeks
  }

  current(symbol: string, tf: BarTimeframe, now: number): Bar | null {
    return this.bars(symbol, tf, 1, now)[0] ?? null
  }
}
