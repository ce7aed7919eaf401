import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../store/db'
import { BarStore, type MinuteBarRow } from '../store/bar-store'
import { aggregateMinutes, nyDate, nyMidnight, StoreBars } from './store-bars'

const dbs: Database[] = []
afterEach(() => {
  for (const d of dbs.splice(0)) d.close()
})
function store(): BarStore {
  const db = openDatabase(':memory:')
  dbs.push(db)
  return new BarStore(db)
}

// 2020-01-06 14:30 UTC = 09:30 New York; a 5-minute boundary.
const T = Date.parse('2020-01-06T14:30:00Z')
const M = 60_000
const row = (min: number, o: number, h: number, l: number, c: number, v: number): MinuteBarRow => ({ t: T + min * M, open: o, high: h, low: l, close: c, volume: v })

// Minutes 0..4 and 5..9 make two 5m bars; minute 12 alone starts a third (minutes 10, 11, 13, 14 missing).
const SERIES: MinuteBarRow[] = [
  row(0, 10, 11, 9.5, 10.5, 100),
  row(1, 10.5, 12, 10.4, 11.8, 200),
  row(2, 11.8, 11.9, 9, 9.2, 50),
  row(3, 9.2, 9.8, 9.1, 9.7, 10),
  row(4, 9.7, 10.1, 9.6, 10, 40),
  row(5, 10, 10.2, 9.9, 10.1, 1),
  row(6, 10.1, 10.3, 10, 10.3, 2),
  row(7, 10.3, 13, 10.2, 12.5, 3),
  row(8, 12.5, 12.6, 8, 8.5, 4),
  row(9, 8.5, 9, 8.4, 8.8, 5),
  row(12, 8.8, 8.9, 8.7, 8.75, 7),
]

describe('StoreBars', () => {
  it('aggregates 1-minute bars into 5-minute OHLCV: first open, max high, min low, last close, summed volume', () => {
    const s = store()
    s.upsert1m('XLF', SERIES)
    const src = new StoreBars(s)
    const now = T + 20 * M
    const bars = src.bars('XLF', '5m', 10, now)
    expect(bars).toEqual([
      { time: T, open: 10, high: 12, low: 9, close: 10, volume: 400 },
      { time: T + 5 * M, open: 10, high: 13, low: 8, close: 8.8, volume: 15 },
      { time: T + 10 * M, open: 8.8, high: 8.9, low: 8.7, close: 8.75, volume: 7 },
    ])
    expect(aggregateMinutes(SERIES, 5 * M)).toEqual(bars)
    // The newest `limit`, ascending; the current bar is the last.
    expect(src.bars('XLF', '5m', 2, now).map((b) => b.time)).toEqual([T + 5 * M, T + 10 * M])
    expect(src.current('XLF', '5m', now)).toEqual(bars[2])
    // Paging back: bars starting before `before` only, each complete.
    expect(src.bars('XLF', '5m', 10, now, T + 10 * M)).toEqual(bars.slice(0, 2))
    // `before` inside a bucket: that bucket starts before it and is whole.
    expect(src.bars('XLF', '5m', 1, now, T + 7 * M)).toEqual([bars[1]])
    // A limit that cuts the oldest bucket in the rows read still returns whole buckets.
    expect(src.bars('XLF', '5m', 1, now, T + 10 * M)).toEqual([bars[1]])
    // Nothing after `now`: the forming bucket holds only the minutes so far.
    expect(src.bars('XLF', '5m', 10, T + 6 * M).at(-1)).toEqual({ time: T + 5 * M, open: 10, high: 10.3, low: 9.9, close: 10.3, volume: 3 })
    // 1m as stored; 15m and 1h aggregate everything here into one bar.
    expect(src.bars('XLF', '1m', 3, now).map((b) => b.time)).toEqual([T + 8 * M, T + 9 * M, T + 12 * M])
    expect(src.bars('XLF', '1m', 2, now, T + 9 * M).map((b) => b.time)).toEqual([T + 7 * M, T + 8 * M])
    expect(src.bars('XLF', '15m', 5, now)).toEqual([{ time: T, open: 10, high: 13, low: 8, close: 8.75, volume: 422 }])
    expect(src.bars('XLF', '1h', 5, now)).toHaveLength(1)
    expect(src.bars('XLF', '1h', 5, now)[0]!.time).toBe(Date.parse('2020-01-06T14:00:00Z'))
    expect(src.has('XLF', '5m')).toBe(true)
    expect(src.has('XLF', '1D')).toBe(false)
    expect(src.bars('SPY', '5m', 10, now)).toEqual([])
    expect(src.current('SPY', '5m', now)).toBeNull()
  })

  it('serves daily bars at New York midnight of their date, newest `limit` ascending', () => {
    const s = store()
    const day = (date: string, close: number) => ({ date, open: close, high: close + 1, low: close - 1, close, adjClose: close - 0.5, volume: 1000 })
    s.upsertDaily('SPY', [day('2020-03-06', 297), day('2020-03-09', 274), day('2020-03-10', 288)])
    const src = new StoreBars(s)
    const now = Date.parse('2020-03-10T18:00:00Z')
    const bars = src.bars('SPY', '1D', 2, now)
    expect(bars.map((b) => [b.time, b.close])).toEqual([
      [Date.parse('2020-03-09T04:00:00Z'), 274], // EDT from 2020-03-08
      [Date.parse('2020-03-10T04:00:00Z'), 288],
    ])
    expect(src.bars('SPY', '1D', 5, now, Date.parse('2020-03-09T04:00:00Z')).map((b) => b.close)).toEqual([297])
    expect(src.bars('SPY', '1D', 5, Date.parse('2020-03-09T12:00:00Z')).map((b) => b.close)).toEqual([297, 274])
    expect(nyMidnight('2020-03-06')).toBe(Date.parse('2020-03-06T05:00:00Z'))
    expect(nyMidnight('2020-03-08')).toBe(Date.parse('2020-03-08T05:00:00Z')) // the DST change day starts in EST
    expect(nyDate(Date.parse('2020-03-10T03:59:00Z'))).toBe('2020-03-09')
    expect(src.current('SPY', '1D', now)?.close).toBe(288)
  })
})
