import { describe, expect, it } from 'vitest'
import { epochMs, type Tier } from '../../../shared/domain'
import { Deduper, detectionKey } from './dedupe'

const T0 = Date.parse('2025-09-16T14:00:00Z')
const det = (symbol: string, detectedAt: number, tier: Tier = 'intraday', patternKey = 'doji', timeframe: string | null = null) => ({ symbol, patternKey, tier, detectedAt: epochMs(detectedAt), timeframe })

describe('detectionKey', () => {
  it('drops the sub-second part only', () => {
    expect(detectionKey(det('AAPL', T0 + 100))).toBe(detectionKey(det('AAPL', T0 + 999)))
    expect(detectionKey(det('AAPL', T0 + 999))).not.toBe(detectionKey(det('AAPL', T0 + 1000)))
  })

  it('tells timeframes apart, with one spelling per timeframe and the tier base one when absent', () => {
    expect(detectionKey(det('AAPL', T0, 'intraday', 'hammer', '1min'))).toBe(detectionKey(det('AAPL', T0, 'intraday', 'hammer', '1m')))
    expect(detectionKey(det('AAPL', T0, 'intraday', 'hammer', '1min'))).toBe(detectionKey(det('AAPL', T0, 'intraday', 'hammer', null)))
    expect(detectionKey(det('AAPL', T0, 'intraday', 'hammer', '1min'))).not.toBe(detectionKey(det('AAPL', T0, 'intraday', 'hammer', 'hourly')))
    expect(detectionKey(det('AAPL', T0, 'daily', 'doji', '1day'))).toBe(detectionKey(det('AAPL', T0, 'daily', 'doji', null)))
  })

  it('tells tiers, symbols and patterns apart', () => {
    const keys = new Set([det('AAPL', T0), det('AAPL', T0, 'daily'), det('MSFT', T0), det('AAPL', T0, 'intraday', 'hammer')].map(detectionKey))
    expect(keys.size).toBe(4)
  })
})

describe('Deduper', () => {
  it('says first sighting once, then duplicate', () => {
    const d = new Deduper()
    expect(d.firstSighting(det('AAPL', T0 + 200), T0)).toBe(true)
    expect(d.firstSighting(det('AAPL', T0 + 800), T0 + 10)).toBe(false)
    expect(d.firstSighting(det('AAPL', T0 + 200, 'daily'), T0 + 20)).toBe(true)
  })

  it('forgets a detection once the window has passed since it was first seen', () => {
    const window = 60_000
    const d = new Deduper(window, 1000)
    expect(d.firstSighting(det('AAPL', T0), T0)).toBe(true)
    expect(d.firstSighting(det('AAPL', T0), T0 + window)).toBe(false)
    expect(d.firstSighting(det('AAPL', T0), T0 + window + 1)).toBe(true)
    // and it is remembered again from then on
    expect(d.firstSighting(det('AAPL', T0), T0 + window + 2)).toBe(false)
    expect(d.size).toBe(1)
  })

  it('stays bounded under a flood of distinct detections, remembering the newest', () => {
    const max = 1000
    const d = new Deduper(30 * 60_000, max)
    let maxSeen = 0
    for (let k = 0; k < 20_000; k++) {
      expect(d.firstSighting(det(`S${k}`, T0), T0 + k)).toBe(true)
      maxSeen = Math.max(maxSeen, d.size)
    }
    expect(maxSeen).toBeLessThanOrEqual(max)
    expect(d.size).toBeGreaterThan(max / 2)
    // The most recent ones are still recognised...
    expect(d.firstSighting(det('S19999', T0), T0 + 20_000)).toBe(false)
    expect(d.firstSighting(det('S19500', T0), T0 + 20_000)).toBe(false)
    // ...the oldest were evicted first.
    expect(d.firstSighting(det('S0', T0), T0 + 20_000)).toBe(true)
  })

  it('sweep forgets only what is older than the window', () => {
    const window = 60_000
    const d = new Deduper(window, 1000)
    d.firstSighting(det('OLD1', T0), T0)
    d.firstSighting(det('OLD2', T0), T0 + 1_000)
    d.firstSighting(det('NEW', T0), T0 + 30_000)
    d.sweep(T0 + window + 1_500)
    expect(d.size).toBe(1)
    expect(d.firstSighting(det('NEW', T0), T0 + window + 1_500)).toBe(false)
    expect(d.firstSighting(det('OLD1', T0), T0 + window + 1_500)).toBe(true)
    d.sweep(T0 + 10 * window)
    expect(d.size).toBe(0)
  })

  it('sweep after a forgotten-and-seen-again entry still clears everything stale', () => {
    const window = 60_000
    const d = new Deduper(window, 1000)
    d.firstSighting(det('A', T0), T0)
    d.firstSighting(det('B', T0), T0 + 10_000)
    d.firstSighting(det('A', T0), T0 + window + 5_000) // re-seen after its window: now the newest
    d.sweep(T0 + window + 20_000)
    expect(d.size).toBe(1)
    expect(d.firstSighting(det('A', T0), T0 + window + 20_000)).toBe(false)
  })
})
