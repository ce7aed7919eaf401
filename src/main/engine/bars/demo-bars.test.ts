import { describe, expect, it } from 'vitest'
import { BAR_TIMEFRAME_MS } from '../../../shared/domain'
import { toEt } from '../../../shared/exchange-time'
import { DemoBars } from './demo-bars'

const NOW = Date.parse('2026-03-10T15:42:17Z')

describe('demo bars', () => {
  it('are the same on every call: a chart reloads identically', () => {
    const a = new DemoBars(() => 120)
    const b = new DemoBars(() => 120)
    expect(a.bars('NVDA', '5m', 50, NOW)).toEqual(b.bars('NVDA', '5m', 50, NOW))
  })

  it('are well formed, oldest first, one per timeframe step, ending with the forming bar', () => {
    const bars = new DemoBars().bars('AAPL', '15m', 100, NOW)
    expect(bars).toHaveLength(100)
    for (const [i, b] of bars.entries()) {
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close))
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close))
      expect(b.volume).toBeGreaterThan(0)
      if (i > 0) expect(b.time - bars[i - 1]!.time).toBe(BAR_TIMEFRAME_MS['15m'])
    }
    expect(bars.at(-1)!.time).toBeLessThanOrEqual(NOW)
    expect(NOW - bars.at(-1)!.time).toBeLessThan(BAR_TIMEFRAME_MS['15m'])
  })

  it('start near the price the feed reported for the symbol, so pattern levels sit near the candles', () => {
    const bars = new DemoBars((s) => (s === 'XLE' ? 88.5 : null)).bars('XLE', '1m', 10, NOW)
    expect(Math.abs(bars.at(-1)!.close - 88.5)).toBeLessThan(0.5)
  })

  it('page back without overlap: bars before the oldest one continue the same series', () => {
    const src = new DemoBars(() => 50)
    const recent = src.bars('SPY', '1h', 24, NOW)
    const older = src.bars('SPY', '1h', 24, NOW, recent[0]!.time)
    expect(older.at(-1)!.time).toBe(recent[0]!.time - BAR_TIMEFRAME_MS['1h'])
    const both = src.bars('SPY', '1h', 48, NOW)
    expect([...older, ...recent]).toEqual(both)
  })

  it('daily bars start at midnight New York time, across a DST change', () => {
    const days = new DemoBars().bars('QQQ', '1D', 5, NOW) // 2026-03-08 is the spring change
    const nyHour = (t: number): string => new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t)
    for (const d of days) expect(nyHour(d.time)).toBe('00:00')
  })

  it('the forming bar agrees with the last bar of the series', () => {
    const src = new DemoBars(() => 200)
    expect(src.current('MSFT', '5m', NOW)).toEqual(src.bars('MSFT', '5m', 3, NOW).at(-1))
  })
})

describe('demo weekly bars', () => {
  /** Day of the week (1 = Monday) and wall-clock time in New York. */
  const nyParts = (t: number): string => {
    const p = toEt(t)
    return `${new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()} ${p.hour}:${p.minute}`
  }

  it('start on Monday 00:00 New York time, across DST changes', () => {
    // 2026-03-08 (spring) and 2025-11-02 (fall) are in these 30 weeks.
    const weeks = new DemoBars(() => 300).bars('SPY', '1W', 30, NOW)
    expect(weeks).toHaveLength(30)
    for (const w of weeks) expect(nyParts(w.time)).toBe('1 0:0')
    expect(new Date(weeks.at(-1)!.time).toISOString()).toBe('2026-03-09T04:00:00.000Z') // EDT
    expect(new Date(weeks.at(-2)!.time).toISOString()).toBe('2026-03-02T05:00:00.000Z') // EST
  })

  it('agree with the daily bars: open of the first day, close of the last, high and low bracket the days', () => {
    const src = new DemoBars(() => 300)
    const weeks = src.bars('SPY', '1W', 8, NOW)
    const days = src.bars('SPY', '1D', 8 * 7, NOW)
    for (const [i, w] of weeks.entries()) {
      const end = weeks[i + 1]?.time ?? Infinity
      const mine = days.filter((d) => d.time >= w.time && d.time < end)
      expect(mine.length).toBe(i === weeks.length - 1 ? 2 : 7) // NOW is a Tuesday
      expect(w.open).toBe(mine[0]!.open)
      expect(w.close).toBe(mine.at(-1)!.close)
      expect(w.high).toBe(Math.max(...mine.map((d) => d.high)))
      expect(w.low).toBe(Math.min(...mine.map((d) => d.low)))
      expect(w.volume).toBe(mine.reduce((sum, d) => sum + d.volume, 0))
    }
  })

  it('page back without gap or overlap', () => {
    const src = new DemoBars(() => 300)
    const recent = src.bars('SPY', '1W', 10, NOW)
    const older = src.bars('SPY', '1W', 10, NOW, recent[0]!.time)
    expect([...older, ...recent]).toEqual(src.bars('SPY', '1W', 20, NOW))
    // `before` inside a week: that week is the last of the page.
    expect(src.bars('SPY', '1W', 2, NOW, recent[4]!.time + 3 * 86_400_000)).toEqual(recent.slice(3, 5))
  })

  it('the forming week runs to now and is current()', () => {
    const src = new DemoBars(() => 300)
    const week = src.current('SPY', '1W', NOW)
    expect(week).toEqual(src.bars('SPY', '1W', 3, NOW).at(-1))
    expect(week.time).toBe(Date.parse('2026-03-09T04:00:00Z'))
    expect(week.close).toBe(src.current('SPY', '1D', NOW).close)
  })
})
