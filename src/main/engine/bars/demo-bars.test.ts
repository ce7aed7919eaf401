import { describe, expect, it } from 'vitest'
import { BAR_TIMEFRAME_MS } from '../../../shared/domain'
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
