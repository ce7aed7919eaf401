import { describe, expect, it } from 'vitest'
import { epochMs, priorityFor, type NormalizedPattern, type Tier } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'
import { engineConfigSchema } from '../config'
import { parseTimestamp } from '../ingest/normalize'
import { TierProcessor, type TierProcessorOptions } from './tier-processor'

const HOUR = 3600_000
const DAY = 24 * HOUR
const T0 = Date.parse('2025-09-16T14:00:00Z') // 10:00 EDT

let seq = 0
function pattern(over: Partial<NormalizedPattern> & { tier: Tier }): NormalizedPattern {
  const name = over.pattern ?? 'Doji'
  const confidence = over.confidence ?? 0.85
  return {
    symbol: 'AAPL',
    pattern: name,
    patternKey: patternKey(name),
    confidence,
    priority: priorityFor(confidence),
    // distinct detection second per call unless given
    detectedAt: epochMs(T0 + ++seq * 1000),
    expiresAt: null,
    timeframe: null,
    price: 100,
    changePct: null,
    relativeVolume: null,
    relativeStrength: null,
    levels: [],
    channel: 'tickstock.events.patterns',
    flowId: null,
    sessionId: null,
    ...over,
  }
}

/** A processor configured exactly as the engine's defaults configure it. */
function processor(over: Partial<TierProcessorOptions> = {}): TierProcessor {
  const cfg = engineConfigSchema.parse({})
  return new TierProcessor({
    thresholds: cfg.thresholds,
    confluenceWindowMs: cfg.confluenceWindowMs,
    expiryMs: cfg.expiryMs,
    nextPatternId: 1,
    nextConfluenceId: 1,
    ...over,
  })
}

const now = epochMs(T0 + HOUR)

describe('TierProcessor thresholds', () => {
  it.each([
    ['daily', 0.6, 0.59],
    ['intraday', 0.7, 0.69],
    ['combo', 0.7, 0.69],
  ] as const)('default %s threshold: %f passes, %f is held back', (tier, at, below) => {
    const tp = processor()
    const r = tp.process([pattern({ tier, confidence: at, symbol: 'AT' }), pattern({ tier, confidence: below, symbol: 'BELOW' })], now)
    expect(r.accepted.map((e) => e.symbol)).toEqual(['AT'])
    expect(r.belowThreshold).toBe(1)
    expect(tp.metrics[tier].report(now, tp.thresholds[tier]).belowThreshold).toBe(1)
    expect(tp.metrics[tier].report(now, tp.thresholds[tier]).total).toBe(1)
  })

  it('applies each tier its own threshold: 0.65 passes daily but not intraday or combo', () => {
    const tp = processor()
    const r = tp.process(
      [pattern({ tier: 'daily', confidence: 0.65, symbol: 'D' }), pattern({ tier: 'intraday', confidence: 0.65, symbol: 'I' }), pattern({ tier: 'combo', confidence: 0.65, symbol: 'C' })],
      now,
    )
    expect(r.accepted.map((e) => e.symbol)).toEqual(['D'])
    expect(r.belowThreshold).toBe(2)
    expect(tp.metrics.daily.report(now, 0.6).belowThreshold).toBe(0)
    expect(tp.metrics.intraday.report(now, 0.7).belowThreshold).toBe(1)
    expect(tp.metrics.combo.report(now, 0.7).belowThreshold).toBe(1)
  })

  it('a held-back event takes no id and never reaches the metrics totals', () => {
    const tp = processor({ nextPatternId: 10 })
    const r = tp.process([pattern({ tier: 'intraday', confidence: 0.3 }), pattern({ tier: 'intraday', confidence: 0.95 })], now)
    expect(r.accepted.map((e) => e.id)).toEqual([10])
    expect(tp.metrics.intraday.report(now, 0.7).meanConfidence).toBe(0.95)
  })
})

describe('TierProcessor ids', () => {
  it('hands out strictly increasing ids starting at nextPatternId, across batches', () => {
    const tp = processor({ nextPatternId: 5001 })
    const a = tp.process([pattern({ tier: 'daily' }), pattern({ tier: 'intraday' }), pattern({ tier: 'combo' })], now)
    const b = tp.process([pattern({ tier: 'daily', symbol: 'MSFT' }), pattern({ tier: 'daily', symbol: 'NVDA' })], epochMs(now + 1000))
    const ids = [...a.accepted, ...b.accepted].map((e) => e.id)
    expect(ids[0]).toBe(5001)
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!)
    expect(new Set(ids).size).toBe(5)
  })

  it('stamps receivedAt with the processing time', () => {
    const tp = processor()
    const [e] = tp.process([pattern({ tier: 'daily' })], now).accepted
    expect(e!.receivedAt).toBe(now)
  })
})

describe('TierProcessor duplicates', () => {
  it('accepts the same detection once when the copies carry the time as an epoch float and as ISO', () => {
    const tp = processor()
    const fromStreaming = pattern({ tier: 'intraday', symbol: 'NVDA', pattern: 'WeeklyBO', detectedAt: parseTimestamp(1758034199.8)! })
    const fromDetected = pattern({ tier: 'intraday', symbol: 'NVDA', pattern: 'Weekly_Breakout', detectedAt: parseTimestamp('2025-09-16T14:49:59Z')! })
    const republished = pattern({ tier: 'intraday', symbol: 'NVDA', pattern: 'WeeklyBO', detectedAt: parseTimestamp(1758034199_400)! })
    const r1 = tp.process([fromStreaming, fromDetected], now)
    const r2 = tp.process([republished], epochMs(now + 5000))
    expect(r1.accepted).toHaveLength(1)
    expect(r1.duplicates).toBe(1)
    expect(r2.accepted).toHaveLength(0)
    expect(r2.duplicates).toBe(1)
    expect(tp.metrics.intraday.report(now + 5000, 0.7).total).toBe(1)
  })

  it('detections a whole second apart are different detections', () => {
    const tp = processor()
    const r = tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0) }), pattern({ tier: 'intraday', detectedAt: epochMs(T0 + 1000) })], now)
    expect(r.accepted).toHaveLength(2)
    expect(r.duplicates).toBe(0)
  })

  it('the same symbol, pattern and time in another tier is not a duplicate', () => {
    const tp = processor()
    const at = epochMs(T0)
    const r = tp.process([pattern({ tier: 'daily', detectedAt: at }), pattern({ tier: 'intraday', detectedAt: at }), pattern({ tier: 'combo', detectedAt: at })], now)
    expect(r.accepted.map((e) => e.tier)).toEqual(['daily', 'intraday', 'combo'])
    expect(r.duplicates).toBe(0)
  })

  it('another symbol or another pattern at the same time is not a duplicate', () => {
    const tp = processor()
    const at = epochMs(T0)
    const r = tp.process(
      [pattern({ tier: 'daily', detectedAt: at }), pattern({ tier: 'daily', detectedAt: at, symbol: 'MSFT' }), pattern({ tier: 'daily', detectedAt: at, pattern: 'Hammer' })],
      now,
    )
    expect(r.accepted).toHaveLength(3)
  })
})

describe('TierProcessor expiry', () => {
  it('keeps the producer\'s expires_at', () => {
    const tp = processor()
    const expiresAt = epochMs(T0 + 3 * DAY + 123)
    const [e] = tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0), expiresAt })], now).accepted
    expect(e!.expiresAt).toBe(expiresAt)
  })

  it('defaults daily to detection + 7 days and intraday to detection + 4 hours', () => {
    const tp = processor()
    const at = epochMs(T0 + 500)
    const r = tp.process([pattern({ tier: 'daily', detectedAt: at }), pattern({ tier: 'intraday', detectedAt: at })], now)
    expect(r.accepted[0]!.expiresAt).toBe(at + 7 * DAY)
    expect(r.accepted[1]!.expiresAt).toBe(at + 4 * HOUR)
  })

  it.each([
    ['winter (EST)', '2025-01-15T15:30:00Z', '2025-01-15T21:00:00.000Z'],
    ['summer (EDT)', '2025-07-15T15:30:00Z', '2025-07-15T20:00:00.000Z'],
    ['after 16:00 ET: next day\'s close', '2025-07-15T20:30:00Z', '2025-07-16T20:00:00.000Z'],
    ['20:30 ET in winter (next UTC day): next New York day\'s close', '2025-01-16T01:30:00Z', '2025-01-16T21:00:00.000Z'],
  ])('combo expires at the 16:00 New York close: %s', (_what, at, close) => {
    const tp = processor()
    const [e] = tp.process([pattern({ tier: 'combo', detectedAt: epochMs(Date.parse(at)) })], now).accepted
    expect(new Date(e!.expiresAt).toISOString()).toBe(close)
  })
})

describe('TierProcessor confluence', () => {
  it('a symbol hit in daily then intraday within the window emits one confluence and marks the second event', () => {
    const tp = processor({ nextConfluenceId: 77 })
    const d = tp.process([pattern({ tier: 'daily', pattern: 'BullFlag', confidence: 0.8, detectedAt: epochMs(T0) })], now)
    expect(d.confluence).toEqual([])
    expect(d.accepted[0]!.confluence).toEqual([])
    const i = tp.process([pattern({ tier: 'intraday', pattern: 'Hammer', confidence: 0.9, detectedAt: epochMs(T0 + 2 * HOUR) })], epochMs(T0 + 2 * HOUR))
    expect(i.confluence).toHaveLength(1)
    const c = i.confluence[0]!
    expect(c).toMatchObject({ id: 77, symbol: 'AAPL', tiers: ['daily', 'intraday'], eventIds: [d.accepted[0]!.id, i.accepted[0]!.id], patterns: ['BullFlag', 'Hammer'] })
    expect(c.confidence).toBeCloseTo(0.85, 10)
    expect(i.accepted[0]!.confluence).toEqual(['daily'])
    expect(tp.confluenceTotal).toBe(1)
  })

  it('a third tier widens it into a new three-tier confluence', () => {
    const tp = processor({ nextConfluenceId: 1 })
    const d = tp.process([pattern({ tier: 'daily', confidence: 0.7, detectedAt: epochMs(T0) })], now).accepted[0]!
    const i = tp.process([pattern({ tier: 'intraday', confidence: 0.8, detectedAt: epochMs(T0 + HOUR) })], now)
    const c = tp.process([pattern({ tier: 'combo', confidence: 0.9, detectedAt: epochMs(T0 + 2 * HOUR) })], now)
    expect(i.confluence).toHaveLength(1)
    expect(c.confluence).toHaveLength(1)
    expect(c.confluence[0]).toMatchObject({ id: 2, tiers: ['daily', 'intraday', 'combo'], eventIds: [d.id, i.accepted[0]!.id, c.accepted[0]!.id] })
    expect(c.confluence[0]!.confidence).toBeCloseTo(0.8, 10)
    expect(c.accepted[0]!.confluence).toEqual(['daily', 'intraday'])
  })

  it('repeated hits in tiers already in the confluence do not re-emit, but are still marked', () => {
    const tp = processor()
    tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0) })], now)
    const first = tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0 + HOUR) })], now)
    const again = tp.process(
      [pattern({ tier: 'intraday', pattern: 'Hammer', detectedAt: epochMs(T0 + 2 * HOUR) }), pattern({ tier: 'daily', pattern: 'BullFlag', detectedAt: epochMs(T0 + 3 * HOUR) })],
      now,
    )
    expect(first.confluence).toHaveLength(1)
    expect(again.confluence).toHaveLength(0)
    expect(again.accepted.map((e) => e.confluence)).toEqual([['daily'], ['intraday']])
    expect(tp.confluenceTotal).toBe(1)
  })

  it('hits further apart than the window form no confluence', () => {
    const tp = processor({ confluenceWindowMs: 30 * 60_000 })
    tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0) })], now)
    const r = tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0 + 31 * 60_000) })], now)
    expect(r.confluence).toEqual([])
    expect(r.accepted[0]!.confluence).toEqual([])
  })

  it('a hit exactly at the window edge still counts', () => {
    const tp = processor({ confluenceWindowMs: 30 * 60_000 })
    tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0) })], now)
    const r = tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0 + 30 * 60_000) })], now)
    expect(r.confluence).toHaveLength(1)
  })

  it('different symbols never combine', () => {
    const tp = processor()
    const r = tp.process([pattern({ tier: 'daily', symbol: 'AAPL' }), pattern({ tier: 'intraday', symbol: 'MSFT' }), pattern({ tier: 'combo', symbol: 'NVDA' })], now)
    expect(r.confluence).toEqual([])
  })

  it('tiers hit within one batch still emit', () => {
    const tp = processor()
    const r = tp.process([pattern({ tier: 'daily' }), pattern({ tier: 'intraday' })], now)
    expect(r.confluence.map((c) => c.tiers)).toEqual([['daily', 'intraday']])
  })

  it('a held-back or duplicate event never forms a confluence', () => {
    const tp = processor()
    const at = epochMs(T0)
    tp.process([pattern({ tier: 'daily', detectedAt: at })], now)
    const r = tp.process([pattern({ tier: 'intraday', confidence: 0.5 }), pattern({ tier: 'daily', detectedAt: at })], now)
    expect(r.confluence).toEqual([])
    expect(r.duplicates).toBe(1)
    expect(r.belowThreshold).toBe(1)
  })

  it('the same pair emits again once the earlier confluence has aged out of the window', () => {
    const tp = processor({ confluenceWindowMs: HOUR })
    tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0) })], now)
    expect(tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0 + 10 * 60_000) })], now).confluence).toHaveLength(1)
    tp.process([pattern({ tier: 'daily', detectedAt: epochMs(T0 + 5 * HOUR) })], now)
    expect(tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T0 + 5 * HOUR + 60_000) })], now).confluence).toHaveLength(1)
  })
})

describe('TierProcessor metrics', () => {
  const T = 1_700_000_000_000 // a 10-second boundary

  it('events per minute over the last 1 m, 15 m and 1 h', () => {
    const tp = processor()
    const feed = (count: number, receivedAt: number, symbol: string): void => {
      const batch = Array.from({ length: count }, () => pattern({ tier: 'intraday', symbol, confidence: 0.8, detectedAt: epochMs(receivedAt - 500 - ++seq * 1000) }))
      expect(tp.process(batch, epochMs(receivedAt)).accepted).toHaveLength(count)
    }
    feed(40, T - 2 * HOUR, 'OLD') // outside every window
    feed(120, T - 50 * 60_000, 'H1')
    feed(60, T - 10 * 60_000, 'M15')
    feed(30, T - 5_000, 'M1')
    const r = tp.metrics.intraday.report(T, 0.7)
    expect(r.eventsPerMin.m1).toBe(30)
    expect(r.eventsPerMin.m15).toBeCloseTo((30 + 60) / 15, 10)
    expect(r.eventsPerMin.h1).toBeCloseTo((30 + 60 + 120) / 60, 10)
    expect(r.total).toBe(250)
    expect(r.lastEventAt).toBe(T - 5_000)
    // Other tiers are unaffected.
    expect(tp.metrics.daily.report(T, 0.6).total).toBe(0)
  })

  it('the rate decays as time passes without events', () => {
    const tp = processor()
    tp.process([pattern({ tier: 'daily' }), pattern({ tier: 'daily' })], epochMs(T))
    expect(tp.metrics.daily.report(T + 30_000, 0.6).eventsPerMin.m1).toBe(2)
    expect(tp.metrics.daily.report(T + 2 * 60_000, 0.6).eventsPerMin.m1).toBe(0)
    expect(tp.metrics.daily.report(T + 2 * HOUR, 0.6).eventsPerMin.h1).toBe(0)
  })

  it('mean confidence, histogram buckets and top patterns', () => {
    const tp = processor()
    const spec: [string, number][] = [
      ['Doji', 0.65],
      ['DojiPattern', 0.7],
      ['doji', 0.85],
      ['Hammer', 0.95],
      ['Hammer', 1.0],
      ['WeeklyBO', 0.62],
    ]
    tp.process(spec.map(([name, confidence]) => pattern({ tier: 'daily', pattern: name, confidence })), epochMs(T))
    const r = tp.metrics.daily.report(T, 0.6)
    expect(r.meanConfidence).toBeCloseTo((0.65 + 0.7 + 0.85 + 0.95 + 1.0 + 0.62) / 6, 10)
    expect(r.confidenceHistogram).toEqual([0, 0, 0, 0, 0, 0, 2, 1, 1, 2])
    expect(r.topPatterns).toEqual([
      { pattern: 'Doji', patternKey: 'doji', count: 3 },
      { pattern: 'Hammer', patternKey: 'hammer', count: 2 },
      { pattern: 'WeeklyBO', patternKey: 'weeklybreakout', count: 1 },
    ])
    expect(r.threshold).toBe(0.6)
  })

  it('an empty tier reports nulls, not zeros that look like data', () => {
    const r = processor().metrics.combo.report(T, 0.7)
    expect(r.meanConfidence).toBeNull()
    expect(r.lagMs).toEqual({ p50: null, p99: null })
    expect(r.lastEventAt).toBeNull()
  })

  it('lag p50 and p99 from detection to arrival', () => {
    const tp = processor()
    // lags 1 s .. 100 s, fed in shuffled order
    const lags = Array.from({ length: 100 }, (_, k) => (k + 1) * 1000).sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101))
    for (const [k, lag] of lags.entries()) {
      const receivedAt = T + k * 1000
      tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(receivedAt - lag) })], epochMs(receivedAt))
    }
    const r = tp.metrics.intraday.report(T + 100_000, 0.7)
    expect(r.lagMs.p50).toBe(50_000)
    expect(r.lagMs.p99).toBe(99_000)
  })

  it('a detection stamped in the future (clock skew) counts as zero lag, not negative', () => {
    const tp = processor()
    tp.process([pattern({ tier: 'intraday', detectedAt: epochMs(T + 5000) })], epochMs(T))
    expect(tp.metrics.intraday.report(T, 0.7).lagMs.p50).toBe(0)
  })
})
