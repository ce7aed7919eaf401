import { describe, expect, it } from 'vitest'
import { epochMs, priorityFor, type PatternEvent } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'
import { TierMetrics } from './metrics'

const T = 1_700_000_000_000
let id = 1
function ev(over: { pattern?: string; confidence?: number; detectedAt?: number; receivedAt?: number } = {}): PatternEvent {
  const name = over.pattern ?? 'Doji'
  const confidence = over.confidence ?? 0.8
  return {
    id: id++,
    symbol: 'AAPL',
    pattern: name,
    patternKey: patternKey(name),
    tier: 'intraday',
    confidence,
    priority: priorityFor(confidence),
    detectedAt: epochMs(over.detectedAt ?? T),
    receivedAt: epochMs(over.receivedAt ?? T),
    expiresAt: epochMs(T + 3600_000),
    timeframe: '1min',
    price: null,
    changePct: null,
    relativeVolume: null,
    relativeStrength: null,
    levels: [],
    channel: 'tickstock:patterns:streaming',
    flowId: null,
    sessionId: null,
    confluence: [],
    market: null,
  }
}

describe('TierMetrics', () => {
  it('counts the rate by arrival time: a late batch of old detections counts now', () => {
    const m = new TierMetrics('daily')
    for (let k = 0; k < 12; k++) m.record(ev({ detectedAt: T - 3 * 24 * 3600_000, receivedAt: T }))
    const r = m.report(T + 1000, 0.6)
    expect(r.eventsPerMin.m1).toBe(12)
    expect(r.lagMs.p50).toBe(3 * 24 * 3600_000)
  })

  it('histogram edges: 0 goes to the first bucket, 1.0 to the last, 0.9 to the last', () => {
    const m = new TierMetrics('combo')
    for (const c of [0, 0.09, 0.1, 0.5, 0.899, 0.9, 1]) m.record(ev({ confidence: c }))
    expect(m.report(T, 0.7).confidenceHistogram).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 1, 2])
  })

  it('top patterns: the ten most frequent, most frequent first, spellings folded', () => {
    const m = new TierMetrics('intraday')
    const names = ['P00', 'P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'P09', 'P10', 'P11']
    names.forEach((n, k) => {
      for (let j = 0; j <= k; j++) m.record(ev({ pattern: n }))
    })
    for (let j = 0; j < 20; j++) m.record(ev({ pattern: j % 2 ? 'Weekly_Breakout' : 'WeeklyBO' }))
    const top = m.report(T, 0.7).topPatterns
    expect(top).toHaveLength(10)
    expect(top[0]).toEqual({ pattern: 'WeeklyBO', patternKey: 'weeklybreakout', count: 20 })
    expect(top.slice(1).map((t) => t.pattern)).toEqual(['P11', 'P10', 'P09', 'P08', 'P07', 'P06', 'P05', 'P04', 'P03'])
    for (let k = 1; k < top.length; k++) expect(top[k]!.count).toBeLessThanOrEqual(top[k - 1]!.count)
  })

  it('lag percentiles follow recent traffic once the sample ring has turned over', () => {
    const m = new TierMetrics('intraday')
    for (let k = 0; k < 5000; k++) m.record(ev({ detectedAt: T - 60_000, receivedAt: T })) // an hour of slow feed
    for (let k = 0; k < 3000; k++) m.record(ev({ detectedAt: T - 200, receivedAt: T })) // then fast
    const r = m.report(T, 0.7)
    expect(r.lagMs).toEqual({ p50: 200, p99: 200 })
    expect(r.total).toBe(8000)
  })

  it('mean confidence over every event recorded', () => {
    const m = new TierMetrics('daily')
    for (const c of [0.6, 0.7, 0.8, 0.9]) m.record(ev({ confidence: c }))
    expect(m.report(T, 0.6).meanConfidence).toBeCloseTo(0.75, 10)
  })

  it('lastEventAt is the latest arrival, even when events are recorded out of order', () => {
    const m = new TierMetrics('daily')
    m.record(ev({ receivedAt: T + 5000 }))
    m.record(ev({ receivedAt: T + 1000 }))
    expect(m.report(T + 6000, 0.6).lastEventAt).toBe(T + 5000)
  })
})
