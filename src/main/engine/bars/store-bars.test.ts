import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../store/db'
import { BarStore, type MinuteBarRow } from '../store/bar-store'
import { addDays, nyWeekStart, weekMonday } from './ny-calendar'
import { aggregateMinutes, aggregateWeeks, nyDate, nyMidnight, StoreBars } from './store-bars'

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

  describe('weekly bars from the daily bars', () => {
    const day = (date: string, o: number, h: number, l: number, c: number, v = 100) => ({ date, open: o, high: h, low: l, close: c, adjClose: c, volume: v })
    const ny = (date: string) => nyMidnight(date)

    it('aggregate Monday to Sunday: first open, max high, min low, last close, summed volume; a holiday Monday still starts the week', () => {
      const s = store()
      s.upsertDaily('SPY', [
        day('2020-01-15', 10, 11, 9, 10.5),
        day('2020-01-17', 10.5, 12, 10, 11.5), // Friday
        day('2020-01-21', 11.5, 11.8, 8, 9), // Tuesday: Monday 2020-01-20 was a holiday (MLK)
        day('2020-01-22', 9, 13, 8.5, 12.5),
        day('2020-01-24', 12.5, 12.6, 12, 12.2),
        day('2020-01-27', 12.2, 12.4, 11, 11.1),
      ])
      const src = new StoreBars(s)
      const bars = src.bars('SPY', '1W', 10, Date.parse('2020-01-28T15:00:00Z'))
      expect(bars).toEqual([
        { time: ny('2020-01-13'), open: 10, high: 12, low: 9, close: 11.5, volume: 200 },
        { time: ny('2020-01-20'), open: 11.5, high: 13, low: 8, close: 12.2, volume: 300 },
        { time: ny('2020-01-27'), open: 12.2, high: 12.4, low: 11, close: 11.1, volume: 100 },
      ])
      expect(src.has('SPY', '1W')).toBe(true)
      expect(src.has('QQQ', '1W')).toBe(false)
      expect(src.bars('QQQ', '1W', 10, Date.parse('2020-01-28T15:00:00Z'))).toEqual([])
    })

    it('start at Monday 00:00 New York time across the DST changes (EST before, EDT after)', () => {
      const s = store()
      s.upsertDaily('SPY', [
        day('2020-03-06', 1, 1, 1, 1), // Friday before the spring change (Sunday 2020-03-08)
        day('2020-03-09', 2, 2, 2, 2),
        day('2020-10-30', 3, 3, 3, 3), // Friday before the fall change (Sunday 2020-11-01)
        day('2020-11-02', 4, 4, 4, 4),
      ])
      const times = new StoreBars(s).bars('SPY', '1W', 10, Date.parse('2020-11-03T00:00:00Z')).map((b) => new Date(b.time).toISOString())
      expect(times).toEqual(['2020-03-02T05:00:00.000Z', '2020-03-09T04:00:00.000Z', '2020-10-26T04:00:00.000Z', '2020-11-02T05:00:00.000Z'])
      expect(weekMonday('2020-03-08')).toBe('2020-03-02') // a Sunday closes its week
      expect(weekMonday('2020-03-09')).toBe('2020-03-09')
      expect(nyWeekStart(Date.parse('2020-03-09T03:59:00Z'))).toBe(Date.parse('2020-03-02T05:00:00Z')) // Sunday 23:59 EDT
      expect(nyWeekStart(Date.parse('2020-03-09T04:00:00Z'))).toBe(Date.parse('2020-03-09T04:00:00Z'))
    })

    it('page back without gap or overlap: two pages join into the one long page', () => {
      const s = store()
      const days = []
      // Weekdays from Monday 2019-01-07 for 70 weeks (crossing two DST changes), skipping a few holidays.
      for (let i = 0; i < 70 * 7; i++) {
        const date = addDays('2019-01-07', i)
        const dow = new Date(`${date}T00:00:00Z`).getUTCDay()
        if (dow === 0 || dow === 6 || date === '2019-07-04' || date === '2019-12-25') continue
        days.push(day(date, 100 + i, 101 + i, 99 + i, 100.5 + i, i + 1))
      }
      s.upsertDaily('SPY', days)
      const src = new StoreBars(s)
      const now = Date.parse('2020-05-06T18:00:00Z') // a Wednesday: the forming week holds Mon..Wed
      const recent = src.bars('SPY', '1W', 20, now)
      const older = src.bars('SPY', '1W', 20, now, recent[0]!.time)
      const both = src.bars('SPY', '1W', 40, now)
      expect(recent).toHaveLength(20)
      expect(older).toHaveLength(20)
      expect([...older, ...recent]).toEqual(both)
      for (let i = 1; i < both.length; i++) {
        expect(both[i]!.time).toBe(nyMidnight(addDays(nyDate(both[i - 1]!.time), 7)))
        expect(nyDate(both[i]!.time)).toBe(weekMonday(nyDate(both[i]!.time)))
      }
      // `before` inside a week: that week starts before it and comes whole.
      const midWeek = recent[5]!.time + 2.5 * 86_400_000
      expect(src.bars('SPY', '1W', 3, now, midWeek)).toEqual(recent.slice(3, 6))
      // A limit that cuts the oldest week in the rows read still returns whole weeks.
      expect(src.bars('SPY', '1W', 1, now, recent[1]!.time)).toEqual([recent[0]])
      // Paging back to the start (70 weeks in all): a short page.
      expect(src.bars('SPY', '1W', 500, now, both[0]!.time)).toHaveLength(30)
    })

    it('the forming week holds the days up to now; current() is it', () => {
      const s = store()
      s.upsertDaily('SPY', [day('2020-05-04', 10, 11, 9, 10.5), day('2020-05-05', 10.5, 12, 10, 11), day('2020-05-06', 11, 11.2, 7, 8), day('2020-05-07', 8, 20, 8, 19)])
      const src = new StoreBars(s)
      const wednesday = Date.parse('2020-05-06T15:00:00Z')
      const forming = { time: ny('2020-05-04'), open: 10, high: 12, low: 7, close: 8, volume: 300 }
      expect(src.current('SPY', '1W', wednesday)).toEqual(forming)
      expect(src.bars('SPY', '1W', 5, wednesday).at(-1)).toEqual(forming)
      expect(src.current('SPY', '1W', Date.parse('2020-05-08T15:00:00Z'))).toMatchObject({ time: ny('2020-05-04'), high: 20, close: 19, volume: 400 })
      expect(aggregateWeeks([])).toEqual([])
    })
  })
})
