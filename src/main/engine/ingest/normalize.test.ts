import { describe, expect, it } from 'vitest'
import { epochMs, priorityFor, type NormalizedPattern } from '../../../shared/domain'
import { CHANNELS, PIPELINE_CHANNELS } from './channels'
import { normalize, normalizeInputSchema, parseTimestamp, type NormalizeResult, type Rejection } from './normalize'
import { mulberry32 } from '../sim/prng'

const NOW = epochMs(Date.UTC(2025, 10, 1)) // 2025-11-01, after every fixture time
const P = CHANNELS.patterns
const S = CHANNELS.streamingPatterns
const D = CHANNELS.detectedPatterns

/** The result must be one pattern event with nothing rejected. */
function one(channel: string, message: string | object, now = NOW): NormalizedPattern {
  const r = normalize(channel, message, now)
  if (r.kind !== 'pattern') throw new Error(`expected a pattern, got ${JSON.stringify(r)}`)
  expect(r.rejected).toEqual([])
  expect(r.events).toHaveLength(1)
  return r.events[0]!
}

/** The result must be an outright rejection. */
function rej(channel: string, message: string | object, now = NOW): Rejection {
  const r = normalize(channel, message, now)
  if (r.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(r)}`)
  expect(typeof r.detail).toBe('string')
  return { reason: r.reason, detail: r.detail }
}

const flat = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  pattern: 'Hammer',
  symbol: 'AAPL',
  confidence: 0.75,
  timestamp: 1758034200,
  ...over,
})

// WIRE.md examples, verbatim where WIRE.md gives values
const CANONICAL = {
  event_type: 'pattern_detected',
  source: 'TickStockPL',
  timestamp: 1758034200.1,
  data: {
    symbol: 'NVDA',
    pattern: 'WeeklyBO',
    confidence: 0.87,
    current_price: 177.42,
    price_change: 2.1,
    timestamp: 1758034199.8,
    expires_at: 1758293399.8,
    indicators: { relative_strength: 1.3, relative_volume: 1.9, rsi: 64.2 },
    source: 'daily',
    flow_id: '3f6c...',
  },
}

const STREAMING = {
  type: 'streaming_pattern',
  detection: {
    pattern: 'Hammer',
    symbol: 'XLP',
    confidence: 0.85,
    timestamp: '2025-10-17T20:25:29+00:00',
    timeframe: '1min',
    bar_data: { open: 78.1, high: 78.4, low: 77.6, close: 78.32, volume: 120400 },
    metadata: { session_id: 'sess-1' },
  },
}

const DAILY_ENVELOPE = {
  event: 'pattern_detected',
  timestamp: '2025-01-26T21:35:30Z',
  source: 'pattern_detection_engine',
  version: '1.0',
  payload: {
    symbol: 'AAPL',
    pattern: 'BullishEngulfing',
    timeframe: '1day',
    confidence: 0.85,
    pattern_data: { entry_price: 229.5, stop_loss: 224, target_price: 241 },
    levels: [{ type: 'support', value: 223.8 }],
    run_id: 'run-1',
  },
}

describe('normalize: pattern shapes (WIRE.md variants)', () => {
  it('canonical nested event, every field mapped', () => {
    expect(one(P, CANONICAL)).toEqual({
      symbol: 'NVDA',
      pattern: 'WeeklyBreakout',
      patternKey: 'weeklybreakout',
      tier: 'daily',
      confidence: 0.87,
      priority: 'HIGH',
      detectedAt: 1758034199800,
      expiresAt: 1758293399800,
      timeframe: null,
      price: 177.42,
      changePct: 2.1,
      relativeVolume: 1.9,
      relativeStrength: 1.3,
      levels: [],
      channel: P,
      flowId: '3f6c...',
      sessionId: null,
    })
  })

  it('canonical event given as the JSON string Redis delivers', () => {
    expect(one(P, JSON.stringify(CANONICAL))).toEqual(one(P, CANONICAL))
  })

  it('canonical: data.tier is honoured and the outer timestamp is used when data has none', () => {
    const { timestamp: _, ...data } = CANONICAL.data
    const e = one(P, { ...CANONICAL, data: { ...data, tier: 'combo' } })
    expect(e.tier).toBe('combo')
    expect(e.detectedAt).toBe(1758034200100)
  })

  it('variant 1, double-nested: body in data.data, tier and flow_id one level up, outer ISO timestamp', () => {
    const e = one(P, {
      event_type: 'pattern_detected',
      source: 'TickStockPL',
      timestamp: '2025-09-16T15:10:00Z',
      data: { tier: 'intraday', flow_id: 'flow-77', data: { symbol: 'TSLA', pattern: 'VolumeSpike', confidence: 0.91, current_price: 412.3 } },
    })
    expect(e).toMatchObject({
      symbol: 'TSLA',
      pattern: 'VolumeSpike',
      tier: 'intraday',
      flowId: 'flow-77',
      detectedAt: Date.UTC(2025, 8, 16, 15, 10),
      confidence: 0.91,
      priority: 'CRITICAL',
      price: 412.3,
    })
  })

  it('variant 1, double-nested: the inner timestamp wins over the outer one', () => {
    const e = one(P, {
      timestamp: '2025-09-16T15:10:00Z',
      data: { tier: 'daily', data: { symbol: 'TSLA', pattern: 'VolumeSpike', confidence: 0.8, timestamp: '2025-09-16T15:09:58Z' } },
    })
    expect(e.detectedAt).toBe(Date.UTC(2025, 8, 16, 15, 9, 58))
  })

  it('variant 2, flat with details{}', () => {
    const e = one(P, {
      pattern: 'BullFlag',
      symbol: 'META',
      confidence: 0.82,
      timestamp: 1758034300,
      details: { current_price: 771.5, price_change: -0.4, timeframe: '1day', indicators: { relative_volume: 2.2, relative_strength: 0.9 } },
    })
    expect(e).toMatchObject({ symbol: 'META', pattern: 'BullFlag', tier: 'daily', price: 771.5, changePct: -0.4, timeframe: '1day', relativeVolume: 2.2, relativeStrength: 0.9, detectedAt: 1758034300000 })
  })

  it('variant 2, flat: symbol, name and confidence may sit inside details', () => {
    const e = one(P, { details: { pattern: 'Doji', symbol: 'spy', confidence: 0.6, timestamp: 1758034300 } })
    expect(e).toMatchObject({ symbol: 'SPY', pattern: 'Doji', confidence: 0.6, detectedAt: 1758034300000 })
  })

  it('variant 3, legacy pattern_name and pattern_type', () => {
    const { pattern: _, ...rest } = flat()
    expect(one(P, { ...rest, pattern_name: 'MorningStar' }).pattern).toBe('MorningStar')
    expect(one(P, { ...rest, pattern_type: 'EveningStar' }).pattern).toBe('EveningStar')
  })

  it('variant 3, name = pattern ?? pattern_type ?? pattern_name', () => {
    expect(one(P, flat({ pattern: 'A1', pattern_type: 'B1', pattern_name: 'C1' })).pattern).toBe('A1')
    const { pattern: _, ...rest } = flat()
    expect(one(P, { ...rest, pattern_type: 'B1', pattern_name: 'C1' }).pattern).toBe('B1')
  })

  it('variant 4, streaming: implicitly intraday, price from bar_data.close, session from metadata', () => {
    expect(one(S, STREAMING)).toEqual({
      symbol: 'XLP',
      pattern: 'Hammer',
      patternKey: 'hammer',
      tier: 'intraday',
      confidence: 0.85,
      priority: 'HIGH',
      detectedAt: Date.UTC(2025, 9, 17, 20, 25, 29),
      expiresAt: null,
      timeframe: '1min',
      price: 78.32,
      changePct: null,
      relativeVolume: null,
      relativeStrength: null,
      levels: [],
      channel: S,
      flowId: null,
      sessionId: 'sess-1',
    })
  })

  it('variant 4, streaming: the type alone makes it intraday on the main and detected channels', () => {
    const noTf = { ...STREAMING, detection: { ...STREAMING.detection, timeframe: undefined } }
    expect(one(P, noTf).tier).toBe('intraday')
    expect(one(D, noTf).tier).toBe('intraday')
    expect(one(D, STREAMING).channel).toBe(D)
  })

  it('variant 4, streaming: the envelope timestamp is used when the detection has none', () => {
    const e = one(S, { ...STREAMING, timestamp: 1760732700, detection: { ...STREAMING.detection, timestamp: undefined } })
    expect(e.detectedAt).toBe(1760732700000)
  })

  it('variant 5, streaming_patterns_batch with flat and {detection} elements', () => {
    const r = normalize(S, {
      type: 'streaming_patterns_batch',
      count: 2,
      timestamp: '2025-10-17T18:00:01Z',
      patterns: [
        { detection: { pattern: 'HighOfDay', symbol: 'AAPL', confidence: 0.78, timestamp: '2025-10-17T18:00:00Z', bar_data: { close: 247.1 } } },
        { pattern: 'MomentumSpike', symbol: 'qqq', confidence: 0.83 },
      ],
    }, NOW)
    expect(r.kind).toBe('pattern')
    if (r.kind !== 'pattern') return
    expect(r.rejected).toEqual([])
    expect(r.events.map((e) => [e.symbol, e.pattern, e.tier, e.detectedAt, e.price])).toEqual([
      ['AAPL', 'HighOfDay', 'intraday', Date.UTC(2025, 9, 17, 18, 0, 0), 247.1],
      ['QQQ', 'MomentumSpike', 'intraday', Date.UTC(2025, 9, 17, 18, 0, 1), null], // batch timestamp inherited
    ])
  })

  it('variant 5, streaming_patterns_batch on the main channel is still intraday', () => {
    const r = normalize(P, { type: 'streaming_patterns_batch', patterns: [flat(), flat({ symbol: 'MSFT' })], count: 2 }, NOW)
    expect(r.kind === 'pattern' && r.events.map((e) => e.tier)).toEqual(['intraday', 'intraday'])
  })

  it('variant 5, patterns_batch with one bad element: the good ones pass, the bad one is reported', () => {
    const r = normalize(P, {
      type: 'patterns_batch',
      count: 3,
      patterns: [
        flat({ pattern: 'BullFlag', symbol: 'META', source: 'daily' }),
        { pattern: 'Triangle', confidence: 0.7, timestamp: 1758034401 },
        { detection: { pattern: 'GapFill', symbol: 'IWM', confidence: 0.9, timestamp: 1758034402, timeframe: '5min' } },
      ],
    }, NOW)
    if (r.kind !== 'pattern') throw new Error(JSON.stringify(r))
    expect(r.events.map((e) => [e.symbol, e.tier])).toEqual([
      ['META', 'daily'],
      ['IWM', 'intraday'],
    ])
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0]!.reason).toBe('missing_symbol')
    expect(r.rejected[0]!.detail).toContain('Triangle')
  })

  it('variant 5, non-object batch elements are reported, not silently dropped', () => {
    const r = normalize(P, { type: 'patterns_batch', patterns: [flat(), null, 'x', [1], 7], count: 5 }, NOW)
    if (r.kind !== 'pattern') throw new Error(JSON.stringify(r))
    expect(r.events).toHaveLength(1)
    expect(r.rejected.map((x) => x.reason)).toEqual(['not_object', 'not_object', 'not_object', 'not_object'])
    expect(r.rejected[0]!.detail).toBe('batch element 1 is null')
  })

  it('variant 5, a batch of only bad elements reports each; a batch of one bad element is a rejection; an empty batch is empty_batch', () => {
    const two = normalize(P, { type: 'patterns_batch', patterns: [{ pattern: 'X' }, { symbol: 'Y' }] }, NOW)
    expect(two.kind === 'pattern' && [two.events.length, two.rejected.map((x) => x.reason)]).toEqual([0, ['missing_symbol', 'missing_pattern']])
    expect(rej(P, { type: 'patterns_batch', patterns: [{ pattern: 'X' }], count: 1 }).reason).toBe('missing_symbol')
    expect(rej(S, { type: 'streaming_patterns_batch', patterns: [], count: 0 }).reason).toBe('empty_batch')
  })

  it('variant 6, daily-batch envelope on the detected channel: levels from pattern_data and levels[]', () => {
    const e = one(D, DAILY_ENVELOPE)
    expect(e).toMatchObject({
      symbol: 'AAPL',
      pattern: 'BullishEngulfing',
      tier: 'daily',
      timeframe: '1day',
      confidence: 0.85,
      priority: 'HIGH',
      detectedAt: Date.UTC(2025, 0, 26, 21, 35, 30),
      channel: D,
    })
    expect(e.levels).toEqual([
      { type: 'entry', value: 229.5 },
      { type: 'stop', value: 224 },
      { type: 'target', value: 241 },
      { type: 'support', value: 223.8 },
    ])
  })

  it('variant 6, the envelope source (an engine name) does not decide the tier; the payload timestamp wins', () => {
    const e = one(D, { ...DAILY_ENVELOPE, payload: { ...DAILY_ENVELOPE.payload, timeframe: undefined, timestamp: '2025-01-26T21:35:00Z' } })
    expect(e.tier).toBe('daily')
    expect(e.detectedAt).toBe(Date.UTC(2025, 0, 26, 21, 35, 0))
  })

  it('variant 6, an envelope inside a batch: its own timestamp beats the batch timestamp', () => {
    const e = one(D, { type: 'patterns_batch', timestamp: '2025-01-27T00:00:00Z', patterns: [DAILY_ENVELOPE] })
    expect(e.detectedAt).toBe(Date.UTC(2025, 0, 26, 21, 35, 30))
  })

  it('variant 6, levels with unusable values are skipped', () => {
    const e = one(D, { ...DAILY_ENVELOPE, payload: { ...DAILY_ENVELOPE.payload, pattern_data: { entry_price: 'n/a' }, levels: [{ type: 'RESISTANCE', price: 250 }, { type: 'x' }, 3, null] } })
    expect(e.levels).toEqual([{ type: 'resistance', value: 250 }])
  })

  it.each([
    [P, { test: 'permission_check' }],
    [S, { test: 'health_check', timestamp: 1758034200 }],
    [D, '{"test":"permission_check"}'],
    [CHANNELS.streamingHealth, { test: 'health_check', timestamp: 1758034200 }],
    ['no.such.channel', { test: 'permission_check' }],
  ])('variant 7, junk on %s is a test_message rejection', (channel, message) => {
    expect(rej(channel, message).reason).toBe('test_message')
  })

  it('variant 7, a real event that happens to carry a test field is not junk', () => {
    expect(one(P, { ...CANONICAL, test: true }).symbol).toBe('NVDA')
  })

  it('variant 8, the same detection on streaming and detected gives the same dedupe key', () => {
    const a = one(S, STREAMING)
    const b = one(D, STREAMING)
    expect([a.symbol, a.patternKey, a.tier, a.detectedAt]).toEqual([b.symbol, b.patternKey, b.tier, b.detectedAt])
  })
})

describe('normalize: field rules', () => {
  it('name collisions give one patternKey and one canonical display name; unknown names keep their spelling', () => {
    const keys = ['DojiPattern', 'Doji', 'doji'].map((n) => one(P, flat({ pattern: n })))
    expect(new Set(keys.map((e) => e.patternKey))).toEqual(new Set(['doji']))
    expect(keys.map((e) => e.pattern)).toEqual(['Doji', 'Doji', 'Doji'])
    const bo = ['WeeklyBO', 'Weekly_Breakout', 'WeeklyBreakout'].map((n) => one(P, flat({ pattern: n })))
    expect(new Set(bo.map((e) => e.patternKey))).toEqual(new Set(['weeklybreakout']))
    expect(bo.map((e) => e.pattern)).toEqual(['WeeklyBreakout', 'WeeklyBreakout', 'WeeklyBreakout'])
    expect(one(P, flat({ pattern: 'Cup_With_Handle' })).pattern).toBe('Cup_With_Handle')
  })

  it('the display name is trimmed', () => {
    expect(one(P, flat({ pattern: '  Hammer ' })).pattern).toBe('Hammer')
  })

  it.each([
    [0.85, 0.85],
    [85, 0.85],
    ['85', 0.85],
    ['0.85', 0.85],
    [100, 1],
    [1, 1],
    [0, 0],
    [50.5, 0.505],
  ])('confidence %j -> %d', (wire, expected) => {
    expect(one(P, flat({ confidence: wire })).confidence).toBeCloseTo(expected, 12)
  })

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['negative', -0.1],
    ['negative percent', -5],
    ['over 100', 100.5],
    ['way over 100', 1e9],
    ['a word', 'high'],
    ['the string NaN', 'NaN'],
    ['an empty string', ''],
    ['a blank string', '   '],
    ['a boolean', true],
    ['null', null],
    ['an object', { value: 0.8 }],
    ['missing', undefined],
  ])('confidence that is %s is rejected with bad_confidence', (_label, wire) => {
    const r = rej(P, flat({ confidence: wire }))
    expect(r.reason).toBe('bad_confidence')
    expect(r.detail).toContain('AAPL')
  })

  const T = Date.UTC(2025, 9, 17, 20, 25, 29)
  it.each([
    ['epoch seconds', 1760732729],
    ['epoch seconds with a fraction', 1760732729.0001],
    ['epoch milliseconds', 1760732729000],
    ['ISO with Z', '2025-10-17T20:25:29Z'],
    ['ISO with +00:00', '2025-10-17T20:25:29+00:00'],
    ['ISO with +0000', '2025-10-17T20:25:29+0000'],
    ['ISO with another offset', '2025-10-17T16:25:29-04:00'],
    ['naive ISO (UTC)', '2025-10-17T20:25:29'],
    ['naive with a space', '2025-10-17 20:25:29'],
    ['naive with microseconds (Python isoformat)', '2025-10-17T20:25:29.000000'],
    ['epoch seconds as a string', '1760732729'],
  ])('timestamp as %s gives the same detectedAt', (_label, ts) => {
    expect(one(P, flat({ timestamp: ts })).detectedAt).toBe(T)
  })

  it('detected_at / detection_time are accepted when timestamp is absent; no time at all means now', () => {
    const { timestamp: _, ...rest } = flat()
    expect(one(P, { ...rest, detected_at: 1760732729 }).detectedAt).toBe(T)
    expect(one(P, { ...rest, detection_time: '2025-10-17T20:25:29Z' }).detectedAt).toBe(T)
    expect(one(P, rest).detectedAt).toBe(NOW)
  })

  it.each([
    ['not a time', 'yesterday'],
    ['zero', 0],
    ['negative', -5],
    ['a boolean', true],
    ['an object', { t: 1 }],
    ['before 2000', '1999-12-31T23:59:59Z'],
    ['days in the future', NOW / 1000 + 3 * 86400],
    ['microseconds (read as ms, far future)', 1760732729000000],
  ])('timestamp that is %s is rejected with bad_timestamp', (_label, ts) => {
    expect(rej(P, flat({ timestamp: ts })).reason).toBe('bad_timestamp')
  })

  it('a timestamp slightly ahead of our clock (producer clock skew) is accepted', () => {
    expect(one(P, flat({ timestamp: NOW / 1000 + 60 })).detectedAt).toBe(NOW + 60_000)
  })

  it('expires_at is parsed like any timestamp, and an unusable one becomes null', () => {
    expect(one(P, flat({ expires_at: '2025-10-18T00:00:00Z' })).expiresAt).toBe(Date.UTC(2025, 9, 18))
    expect(one(P, flat({ expires_at: 'soon' })).expiresAt).toBeNull()
  })

  it('symbols: upper-cased, trimmed, dots kept', () => {
    expect(one(P, flat({ symbol: 'BRK.B' })).symbol).toBe('BRK.B')
    expect(one(P, flat({ symbol: 'brk.b' })).symbol).toBe('BRK.B')
    expect(one(P, flat({ symbol: 'aapl' })).symbol).toBe('AAPL')
    expect(one(P, flat({ symbol: ' nvda ' })).symbol).toBe('NVDA')
    expect(one(P, flat({ symbol: 'BF-B' })).symbol).toBe('BF-B')
  })

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '  '],
    ['a number', 42],
    ['null', null],
    ['an object', { ticker: 'AAPL' }],
  ])('symbol that is %s is rejected with missing_symbol', (_label, symbol) => {
    const r = rej(P, flat({ symbol }))
    expect(r.reason).toBe('missing_symbol')
    expect(r.detail).toContain('Hammer')
  })

  it.each(['NOT A TICKER', '$AAPL', 'AAPL;DROP', 'A'.repeat(40), '.B'])('symbol %j is rejected with bad_symbol', (symbol) => {
    expect(rej(P, flat({ symbol })).reason).toBe('bad_symbol')
  })

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['separators only', '__'],
    ['a number', 12],
  ])('pattern name that is %s is rejected with missing_pattern', (_label, pattern) => {
    const r = rej(P, flat({ pattern }))
    expect(r.reason).toBe('missing_pattern')
  })

  it('no symbol and no name after unwrapping is missing_pattern, with a reason', () => {
    const r = rej(P, { event_type: 'pattern_detected', data: { confidence: 0.9, data: { confidence: 0.9 } } })
    expect(r).toEqual({ reason: 'missing_pattern', detail: 'no symbol and no pattern name after unwrapping' })
    expect(rej(P, { hello: 'world' }).reason).toBe('missing_pattern')
  })

  it.each([
    [0.9, 'CRITICAL'],
    [0.95, 'CRITICAL'],
    [1, 'CRITICAL'],
    [0.8999, 'HIGH'],
    [0.8, 'HIGH'],
    [0.7999, 'MEDIUM'],
    [0.7, 'MEDIUM'],
    [0.6999, 'LOW'],
    [0, 'LOW'],
    [90, 'CRITICAL'],
    [80, 'HIGH'],
    [70, 'MEDIUM'],
    [69, 'LOW'],
  ])('confidence %d has priority %s', (confidence, priority) => {
    expect(one(P, flat({ confidence })).priority).toBe(priority)
    const c = confidence > 1 ? confidence / 100 : confidence
    expect(priorityFor(c)).toBe(priority)
  })
})

describe('normalize: tier resolution order', () => {
  it.each([
    ['explicit tier', P, flat({ tier: 'combo', source: 'daily', timeframe: '1min' }), 'combo'],
    ['explicit tier beats the streaming channel', S, flat({ tier: 'daily' }), 'daily'],
    ['explicit tier is case-insensitive', P, flat({ tier: 'Intraday' }), 'intraday'],
    ['an explicit tier that names nothing falls through to source', P, flat({ tier: 'bogus', source: 'intraday' }), 'intraday'],
    ['data.source daily', P, { data: flat({ source: 'daily' }) }, 'daily'],
    ['data.source intraday', P, { data: flat({ source: 'intraday' }) }, 'intraday'],
    ['data.source combo', P, { data: flat({ source: 'combo' }) }, 'combo'],
    ['data.source daily_intraday is combo', P, { data: flat({ source: 'daily_intraday' }) }, 'combo'],
    ['data.source hourly is intraday', P, { data: flat({ source: 'hourly' }) }, 'intraday'],
    ['data.source weekly is daily', P, { data: flat({ source: 'weekly' }) }, 'daily'],
    ['data.source monthly is daily', P, { data: flat({ source: 'monthly' }) }, 'daily'],
    ['data.source beats the streaming channel', S, { data: flat({ source: 'daily' }) }, 'daily'],
    ['data.source beats the timeframe', P, flat({ source: 'intraday', timeframe: '1day' }), 'intraday'],
    ['a source that is not a tier falls through to the channel', S, flat({ source: 'TickStockPL' }), 'intraday'],
    ['double-nested data.source one level up', P, { data: { source: 'daily_intraday', data: flat() } }, 'combo'],
    ['double-nested data.tier beats inner source', P, { data: { tier: 'intraday', data: flat({ source: 'daily' }) } }, 'intraday'],
    ['streaming channel', S, flat(), 'intraday'],
    ['streaming channel beats the timeframe', S, flat({ timeframe: '1day' }), 'intraday'],
    ['timeframe 1min', P, flat({ timeframe: '1min' }), 'intraday'],
    ['timeframe 5min', P, flat({ timeframe: '5min' }), 'intraday'],
    ['timeframe 15min', P, flat({ timeframe: '15min' }), 'intraday'],
    ['timeframe 1min on the detected channel', D, flat({ timeframe: '1min' }), 'intraday'],
    ['timeframe 1day', P, flat({ timeframe: '1day' }), 'daily'],
    ['timeframe daily', P, flat({ timeframe: 'daily' }), 'daily'],
    ['timeframe from details', P, flat({ details: { timeframe: '5min' } }), 'intraday'],
    ['an unknown timeframe falls to daily', P, flat({ timeframe: '3quarters' }), 'daily'],
    ['nothing at all is daily', P, flat(), 'daily'],
    ['the detected channel alone is not streaming', D, flat(), 'daily'],
  ])('%s', (_label, channel, message, tier) => {
    expect(one(channel, message).tier).toBe(tier)
  })
})

describe('normalize: other shapes', () => {
  it('streaming indicator, current form', () => {
    expect(
      normalize(CHANNELS.streamingIndicators, { type: 'streaming_indicator', calculation: { symbol: 'aapl', indicator: 'RSI', value: 71.4, timestamp: '2025-10-17T18:00:00Z', timeframe: '1min', metadata: { period: 14 } } }, NOW),
    ).toEqual({ kind: 'indicator', symbol: 'AAPL', indicator: 'RSI', value: 71.4, values: {}, timeframe: '1min', at: Date.UTC(2025, 9, 17, 18) })
  })

  it('streaming indicator, older indicator_type / values{} form (unusable values dropped)', () => {
    expect(
      normalize(CHANNELS.streamingIndicators, { type: 'streaming_indicator', calculation: { symbol: 'MSFT', indicator_type: 'MACD', values: { macd: 1.21, signal: '0.98', bad: 'x' }, timestamp: 1760724000 } }, NOW),
    ).toEqual({ kind: 'indicator', symbol: 'MSFT', indicator: 'MACD', value: null, values: { macd: 1.21, signal: 0.98 }, timeframe: null, at: 1760724000000 })
    expect(normalize(CHANNELS.streamingIndicators, { symbol: 'MSFT', indicator_type: 'BB', values: { upper: 1 } }, NOW)).toMatchObject({ kind: 'indicator', indicator: 'BB', at: NOW })
  })

  it('streaming indicator without symbol or name is rejected', () => {
    expect(rej(CHANNELS.streamingIndicators, { type: 'streaming_indicator', calculation: { indicator: 'RSI', value: 1 } }).reason).toBe('missing_symbol')
    expect(rej(CHANNELS.streamingIndicators, { type: 'streaming_indicator', calculation: { symbol: 'A', value: 1 } }).reason).toBe('bad_shape')
  })

  it('indicator alert, flat form', () => {
    expect(normalize(CHANNELS.indicatorAlerts, { alert_type: 'RSI_OVERBOUGHT', symbol: 'nvda', timestamp: 1760724060, session_id: 's', data: { rsi: 72.5 } }, NOW)).toEqual({
      kind: 'alert',
      alert: { at: 1760724060000, category: 'indicator', severity: 'info', type: 'RSI_OVERBOUGHT', message: 'RSI_OVERBOUGHT 72.5', symbol: 'NVDA', component: null },
    })
  })

  it('indicator alert, nested form', () => {
    const r = normalize(CHANNELS.indicatorAlerts, {
      type: 'indicator_alert',
      alert: { symbol: 'TSLA', alert_type: 'MACD_BEARISH_CROSS', timestamp: '2025-10-17T18:02:00Z', data: { indicator: 'MACD', value: -0.42, threshold: 0, direction: 'down' }, severity: 'warning' },
    }, NOW)
    expect(r).toEqual({
      kind: 'alert',
      alert: { at: Date.UTC(2025, 9, 17, 18, 2), category: 'indicator', severity: 'warning', type: 'MACD_BEARISH_CROSS', message: 'MACD_BEARISH_CROSS -0.42', symbol: 'TSLA', component: null },
    })
  })

  it.each(['RSI_OVERBOUGHT', 'RSI_OVERSOLD', 'MACD_BULLISH_CROSS', 'MACD_BEARISH_CROSS', 'BB_UPPER_BREAK', 'BB_LOWER_BREAK'])('indicator alert type %s passes through', (t) => {
    const r = normalize(CHANNELS.indicatorAlerts, { alert_type: t, symbol: 'A', timestamp: 1760724060 }, NOW)
    expect(r.kind === 'alert' && r.alert.type).toBe(t)
  })

  it('indicator alert without a type is rejected', () => {
    expect(rej(CHANNELS.indicatorAlerts, { symbol: 'A', data: {} }).reason).toBe('bad_shape')
  })

  it('critical alert, flat form', () => {
    expect(normalize(CHANNELS.criticalAlerts, { type: 'data_feed_stalled', message: 'No ticks for 45 s', severity: 'critical', timestamp: 1760724120, data: { age: 45 } }, NOW)).toEqual({
      kind: 'alert',
      alert: { at: 1760724120000, category: 'critical', severity: 'critical', type: 'data_feed_stalled', message: 'No ticks for 45 s', symbol: null, component: null },
    })
  })

  it('critical alert, nested form', () => {
    const r = normalize(CHANNELS.criticalAlerts, {
      type: 'critical_alert',
      alert: { severity: 'critical', message: 'DB write failures', timestamp: '2025-10-17T18:03:00Z', component: 'pattern_store', action_required: 'check disk', recovery: false },
    }, NOW)
    expect(r).toEqual({
      kind: 'alert',
      alert: { at: Date.UTC(2025, 9, 17, 18, 3), category: 'critical', severity: 'critical', type: 'critical_alert', message: 'DB write failures', symbol: null, component: 'pattern_store' },
    })
  })

  it('critical alert recovery notice keeps severity info', () => {
    const r = normalize(CHANNELS.criticalAlerts, { type: 'critical_alert', alert: { severity: 'info', message: 'DB writes recovered', timestamp: 1760724300, component: 'pattern_store', recovery: true } }, NOW)
    expect(r.kind === 'alert' && [r.alert.severity, r.alert.message]).toEqual(['info', 'DB writes recovered'])
  })

  it('critical alert without message is rejected; without severity it is critical', () => {
    expect(rej(CHANNELS.criticalAlerts, { type: 'critical_alert', alert: { severity: 'critical' } }).reason).toBe('bad_shape')
    const r = normalize(CHANNELS.criticalAlerts, { type: 'x', message: 'm' }, NOW)
    expect(r.kind === 'alert' && [r.alert.severity, r.alert.at]).toEqual(['critical', NOW])
  })

  it('session started', () => {
    expect(
      normalize(CHANNELS.sessionStarted, { type: 'streaming_session_started', session: { session_id: 's1', universe: 'top_500', started_at: '2025-10-17T13:30:00Z', symbol_count: 70, status: 'running' }, timestamp: 1760707801 }, NOW),
    ).toEqual({ kind: 'session', state: 'started', sessionId: 's1', startedAt: Date.UTC(2025, 9, 17, 13, 30), stoppedAt: null, symbolCount: 70, universe: 'top_500', totals: null })
  })

  it('session started without started_at uses the envelope timestamp', () => {
    const r = normalize(CHANNELS.sessionStarted, { type: 'streaming_session_started', session: { session_id: 's1' }, timestamp: 1760707801 }, NOW)
    expect(r.kind === 'session' && r.startedAt).toBe(1760707801000)
  })

  it('session stopped', () => {
    expect(
      normalize(CHANNELS.sessionStopped, {
        type: 'streaming_session_stopped',
        session: { session_id: 's1', universe: 'top_500', started_at: '2025-10-17T13:30:00Z', stopped_at: '2025-10-17T20:00:00Z', duration_seconds: 23400, total_patterns: 1843, total_indicators: 51220, final_status: 'completed' },
        timestamp: 1760731200,
      }, NOW),
    ).toEqual({
      kind: 'session',
      state: 'stopped',
      sessionId: 's1',
      startedAt: Date.UTC(2025, 9, 17, 13, 30),
      stoppedAt: Date.UTC(2025, 9, 17, 20),
      symbolCount: null,
      universe: 'top_500',
      totals: { patterns: 1843, indicators: 51220, durationSeconds: 23400, finalStatus: 'completed' },
    })
  })

  it('streaming health, values passed through (zeros included: smoothing is downstream)', () => {
    expect(
      normalize(CHANNELS.streamingHealth, { type: 'streaming_health', health: { session_id: 's1', status: 'warning', active_symbols: 0, ticks_per_second: 41.5, patterns_detected: 212, indicators_calculated: 6400, timestamp: 1760724000 }, timestamp: 1760724001 }, NOW),
    ).toEqual({ kind: 'health', scope: 'streaming', sessionId: 's1', status: 'warning', activeSymbols: 0, ticksPerSecond: 41.5, patternsDetected: 212, indicatorsCalculated: 6400, at: 1760724000000 })
  })

  it('streaming health with an unknown status or missing metrics', () => {
    expect(normalize(CHANNELS.streamingHealth, { type: 'streaming_health', health: { status: 'on fire' }, timestamp: 1760724001 }, NOW)).toEqual({
      kind: 'health',
      scope: 'streaming',
      sessionId: null,
      status: 'unknown',
      activeSymbols: null,
      ticksPerSecond: null,
      patternsDetected: null,
      indicatorsCalculated: null,
      at: 1760724001000,
    })
  })

  it('system health', () => {
    const msg = { status: 'degraded', timestamp: 1760724000, database: 'ok', redis: 'slow' }
    expect(normalize(CHANNELS.systemHealth, msg, NOW)).toEqual({ kind: 'health', scope: 'system', status: 'degraded', at: 1760724000000, components: msg })
    expect(normalize(CHANNELS.systemHealth, { overall_status: 'healthy' }, NOW)).toMatchObject({ status: 'healthy', at: NOW })
  })

  it.each([
    ['METRIC_UPDATE', { metric: 'ppm', value: 22 }, null],
    ['HEALTH_CHECK', { status: 'healthy' }, null],
    ['SYSTEM_STATUS', { cpu: 0.3 }, null],
    ['ALERT_TRIGGERED', { severity: 'critical', message: 'latency', component: 'ingest' }, { severity: 'critical', message: 'latency', component: 'ingest' }],
    ['ALERT_RESOLVED', { message: 'latency ok' }, { severity: 'info', message: 'latency ok', component: null }],
  ])('monitoring %s', (eventType, data, alert) => {
    const r = normalize(CHANNELS.monitoring, { event_type: eventType, timestamp: 1760724000, data }, NOW)
    expect(r).toMatchObject({ kind: 'monitoring', eventType, at: 1760724000000, data })
    if (r.kind !== 'monitoring') return
    if (alert === null) expect(r.alert).toBeNull()
    else expect(r.alert).toEqual({ at: 1760724000000, category: 'monitoring', type: eventType, symbol: null, ...alert })
  })

  it('monitoring: type field and lower case accepted, an alert without severity is a warning, unknown types rejected', () => {
    const r = normalize(CHANNELS.monitoring, { type: 'alert_triggered', data: {} }, NOW)
    expect(r.kind === 'monitoring' && [r.eventType, r.alert?.severity, r.alert?.message]).toEqual(['ALERT_TRIGGERED', 'warning', 'alert_triggered'])
    expect(rej(CHANNELS.monitoring, { event_type: 'REBOOT' }).reason).toBe('bad_shape')
    expect(rej(CHANNELS.monitoring, {}).reason).toBe('bad_shape')
  })

  it('error record', () => {
    expect(
      normalize(CHANNELS.errors, { error_id: 'e1', source: 'TickStockPL', severity: 'critical', category: 'database', message: 'reset', component: 'store', traceback: 'Traceback...', context: { retry: 2 }, timestamp: 1760724100 }, NOW),
    ).toEqual({ kind: 'error', errorId: 'e1', severity: 'critical', category: 'database', message: 'reset', component: 'store', source: 'TickStockPL', at: 1760724100000 })
    expect(normalize(CHANNELS.errors, { message: 'm' }, NOW)).toMatchObject({ kind: 'error', severity: 'error', errorId: null, at: NOW })
    expect(rej(CHANNELS.errors, { error_id: 'e2' }).reason).toBe('bad_shape')
  })

  it('backtest progress and results', () => {
    expect(normalize(CHANNELS.backtestProgress, { timestamp: 1760724200, data: { job_id: 'bt-42', progress: 0.4, status: 'running' } }, NOW)).toEqual({
      kind: 'backtest',
      phase: 'progress',
      jobId: 'bt-42',
      progress: 0.4,
      status: 'running',
      at: 1760724200000,
    })
    expect(normalize(CHANNELS.backtestResults, { backtest_id: 'bt-43', status: 'completed', results: {} }, NOW)).toEqual({
      kind: 'backtest',
      phase: 'results',
      jobId: 'bt-43',
      progress: null,
      status: 'completed',
      at: NOW,
    })
  })

  it.each(PIPELINE_CHANNELS)('daily pipeline envelope on %s', (channel) => {
    const [, stage, phase] = channel.split(':')
    const r = normalize(channel, { event: `${stage}_${phase}`, timestamp: '2025-10-17T20:10:00Z', source: 'daily_processing', version: '1.0', payload: { run_id: 'run-1', progress: 0.5 } }, NOW)
    expect(r).toEqual({ kind: 'batch', stage, phase, at: Date.UTC(2025, 9, 17, 20, 10), runId: 'run-1', progress: 0.5 })
  })

  it('pipeline payload percent is read as progress; a bare message still works', () => {
    expect(normalize('tickstock:indicators:progress', { event: 'x', payload: { percent: 60 } }, NOW)).toMatchObject({ progress: 60, runId: null, at: NOW })
    expect(normalize('tickstock:cache:completed', {}, NOW)).toEqual({ kind: 'batch', stage: 'cache', phase: 'completed', at: NOW, runId: null, progress: null })
  })

  it('a pattern-detected envelope on tickstock:patterns:completed is pipeline progress, not a pattern', () => {
    expect(normalize('tickstock:patterns:completed', DAILY_ENVELOPE, NOW).kind).toBe('batch')
  })
})

describe('normalize: malformed input', () => {
  it.each([
    ['invalid JSON', '{"symbol": "AAPL", '],
    ['empty string', ''],
    ['plain text', 'hello'],
    ['unterminated deep nesting', '['.repeat(200_000)],
    ['a huge non-JSON string', 'x'.repeat(5_000_000)],
  ])('%s is invalid_json', (_label, message) => {
    const r = rej(P, message)
    expect(r.reason).toBe('invalid_json')
    expect(r.detail.length).toBeLessThanOrEqual(120)
  })

  it.each([
    ['an array', '[1,2,3]', 'an array'],
    ['a number', '42', 'number'],
    ['null', 'null', 'null'],
    ['a string', '"streaming_pattern"', 'string'],
    ['a boolean', 'true', 'boolean'],
    ['an array object', [flat()], 'an array'],
  ])('%s is not_object', (_label, message, what) => {
    expect(rej(P, message as string | object)).toEqual({ reason: 'not_object', detail: `message is ${what}` })
  })

  it('non-objects are not_object on every channel', () => {
    for (const ch of [CHANNELS.streamingHealth, CHANNELS.errors, PIPELINE_CHANNELS[0]!]) expect(rej(ch, '[]').reason).toBe('not_object')
  })

  it('deeply nested envelopes are bad_shape, not an empty result', () => {
    const deepJson = `${'{"data":{"data":'.repeat(10_000)}${JSON.stringify(flat())}${'}}'.repeat(10_000)}`
    expect(rej(P, deepJson).reason).toBe('bad_shape')
    let d: Record<string, unknown> = flat()
    for (let i = 0; i < 50; i++) d = { type: 'streaming_pattern', detection: d }
    expect(rej(S, d)).toEqual({ reason: 'bad_shape', detail: 'pattern envelopes nested deeper than 4' })
    let b: Record<string, unknown> = flat()
    for (let i = 0; i < 50; i++) b = { type: 'patterns_batch', patterns: [b] }
    expect(rej(P, b).reason).toBe('bad_shape')
  })

  it('deeply nested garbage that JSON.parse cannot hold is invalid_json, never a thrown RangeError', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    const r = normalize(P, deep, NOW)
    expect(['invalid_json', 'not_object']).toContain(r.kind === 'rejected' ? r.reason : r.kind)
  })

  it('huge strings in fields are reported briefly', () => {
    const big = 'A'.repeat(2_000_000)
    const bad = rej(P, JSON.stringify(flat({ symbol: big })))
    expect(bad.reason).toBe('bad_symbol')
    expect(bad.detail.length).toBeLessThan(100)
    expect(rej(P, flat({ timestamp: big })).detail.length).toBeLessThan(200)
    expect(rej(P, flat({ confidence: big })).reason).toBe('bad_confidence')
    expect(rej(P, flat({ pattern: big })).reason).toBe('bad_pattern')
    expect(normalize(P, { ...flat(), junk: big }, NOW).kind).toBe('pattern')
  })

  it('unknown channel', () => {
    expect(rej('tickstock.events.patterns.daily', flat())).toEqual({ reason: 'unknown_channel', detail: 'channel tickstock.events.patterns.daily is not a TickStockPL channel' })
    expect(rej('', flat()).reason).toBe('unknown_channel')
    expect(rej('x'.repeat(10_000), flat()).detail.length).toBeLessThan(200)
  })

  it('values JSON cannot carry (object input) never make it throw', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(rej(P, { test: undefined }).reason).toBe('test_message')
    expect(rej(P, flat({ timestamp: 10n })).reason).toBe('bad_timestamp')
    expect(rej(P, flat({ timestamp: cyclic })).reason).toBe('bad_timestamp')
    expect(rej(P, flat({ confidence: 5n })).reason).toBe('bad_confidence')
    expect(rej(P, flat({ confidence: Symbol('c') })).reason).toBe('bad_confidence')
    expect(rej(P, flat({ timestamp: () => 1 })).reason).toBe('bad_timestamp')
    expect(rej(P, flat({ symbol: Symbol('s') })).reason).toBe('missing_symbol')
    expect(rej(CHANNELS.monitoring, { event_type: undefined, type: 5n }).reason).toBe('bad_shape')
    expect(normalize(P, { data: cyclic }, NOW).kind).toBe('rejected')
    expect(normalize(P, cyclic, NOW).kind).toBe('rejected')
    expect(normalize(CHANNELS.systemHealth, cyclic, NOW).kind).toBe('health')
    expect(normalize(P, Object.create(null) as object, NOW).kind).toBe('rejected')
  })

  it('does not mutate its input', () => {
    const deepFreeze = <T>(o: T): T => {
      if (typeof o === 'object' && o !== null) {
        for (const v of Object.values(o)) deepFreeze(v)
        Object.freeze(o)
      }
      return o
    }
    const msgs = [CANONICAL, STREAMING, DAILY_ENVELOPE, { type: 'patterns_batch', patterns: [flat(), { pattern: 'X' }] }].map((m) => deepFreeze(structuredClone(m)))
    const before = JSON.stringify(msgs)
    for (const m of msgs) normalize(P, m, NOW)
    expect(JSON.stringify(msgs)).toBe(before)
  })
})

describe('parseTimestamp', () => {
  it.each([
    [1760732729, 1760732729000],
    [1760732729.5, 1760732729500],
    [1760732729123, 1760732729123],
    ['2025-10-17T20:25:29.123Z', 1760732729123],
    ['2025-10-17T20:25:29.123456+00:00', 1760732729123],
    ['  2025-10-17T20:25:29Z  ', 1760732729000],
    ['2025-10-17', Date.UTC(2025, 9, 17)],
  ])('%j -> %d', (v, ms) => {
    expect(parseTimestamp(v)).toBe(ms)
  })

  it.each([null, undefined, '', '  ', 'abc', Number.NaN, Number.POSITIVE_INFINITY, -1, 0, {}, [], true, '1e400'])('%j -> null', (v) => {
    expect(parseTimestamp(v)).toBeNull()
  })
})

describe('normalizeInputSchema', () => {
  it('accepts a channel with a string or object message and rejects anything else', () => {
    expect(normalizeInputSchema.safeParse({ channel: P, message: '{}' }).success).toBe(true)
    expect(normalizeInputSchema.safeParse({ channel: P, message: { a: 1 } }).success).toBe(true)
    expect(normalizeInputSchema.safeParse({ channel: '', message: {} }).success).toBe(false)
    expect(normalizeInputSchema.safeParse({ channel: P }).success).toBe(false)
    expect(normalizeInputSchema.safeParse({ channel: P, message: 5 }).success).toBe(false)
    expect(normalizeInputSchema.safeParse({ channel: P, message: [1] }).success).toBe(false)
    expect(normalizeInputSchema.safeParse([P, {}]).success).toBe(false)
  })
})

// ------------------------------------------------------------------ property-style


const KINDS = new Set<NormalizeResult['kind']>(['pattern', 'health', 'session', 'indicator', 'alert', 'monitoring', 'error', 'backtest', 'batch', 'rejected'])
const REASONS = new Set<string>(['invalid_json', 'not_object', 'test_message', 'missing_symbol', 'bad_symbol', 'missing_pattern', 'bad_confidence', 'bad_timestamp', 'empty_batch', 'unknown_channel', 'bad_shape'])

describe('normalize never throws (seeded mutations of the fixtures)', () => {
  const seeds: { channel: string; message: unknown }[] = [
    { channel: P, message: CANONICAL },
    { channel: S, message: STREAMING },
    { channel: D, message: DAILY_ENVELOPE },
    { channel: P, message: { timestamp: '2025-09-16T15:10:00Z', data: { tier: 'intraday', flow_id: 'f', data: flat() } } },
    { channel: P, message: flat({ details: { current_price: 1, indicators: { relative_volume: 2 } } }) },
    { channel: S, message: { type: 'streaming_patterns_batch', count: 2, patterns: [STREAMING, flat()] } },
    { channel: P, message: { type: 'patterns_batch', count: 2, patterns: [{ detection: flat() }, flat({ pattern_name: 'X' })] } },
    { channel: P, message: { test: 'permission_check' } },
    { channel: CHANNELS.streamingIndicators, message: { type: 'streaming_indicator', calculation: { symbol: 'A', indicator: 'RSI', value: 1, timestamp: 1760724000, timeframe: '1min' } } },
    { channel: CHANNELS.streamingIndicators, message: { calculation: { symbol: 'A', indicator_type: 'MACD', values: { macd: 1 } } } },
    { channel: CHANNELS.indicatorAlerts, message: { alert_type: 'RSI_OVERSOLD', symbol: 'A', timestamp: 1760724000, data: { rsi: 20 } } },
    { channel: CHANNELS.indicatorAlerts, message: { type: 'indicator_alert', alert: { symbol: 'A', alert_type: 'BB_UPPER_BREAK', data: { value: 1 }, severity: 'info' } } },
    { channel: CHANNELS.criticalAlerts, message: { type: 'critical_alert', alert: { severity: 'info', message: 'ok', component: 'c', recovery: true } } },
    { channel: CHANNELS.sessionStarted, message: { type: 'streaming_session_started', session: { session_id: 's', started_at: 1760724000, symbol_count: 70 }, timestamp: 1760724000 } },
    { channel: CHANNELS.sessionStopped, message: { type: 'streaming_session_stopped', session: { session_id: 's', stopped_at: 1760724000, total_patterns: 5 } } },
    { channel: CHANNELS.streamingHealth, message: { type: 'streaming_health', health: { status: 'healthy', active_symbols: 70 }, timestamp: 1760724000 } },
    { channel: CHANNELS.systemHealth, message: { status: 'healthy', timestamp: 1760724000 } },
    { channel: CHANNELS.monitoring, message: { event_type: 'ALERT_TRIGGERED', timestamp: 1760724000, data: { message: 'm' } } },
    { channel: CHANNELS.errors, message: { error_id: 'e', message: 'm', timestamp: 1760724000 } },
    { channel: CHANNELS.backtestProgress, message: { data: { job_id: 'j', progress: 0.5 } } },
    { channel: 'tickstock:import:progress', message: { event: 'e', timestamp: 1760724000, version: '1.0', payload: { run_id: 'r', progress: 1 } } },
  ]
  const allChannels = [...new Set([...Object.values(CHANNELS), ...PIPELINE_CHANNELS, 'unknown:channel'])]
  const KEYS = ['data', 'detection', 'payload', 'patterns', 'pattern', 'pattern_name', 'pattern_type', 'symbol', 'confidence', 'timestamp', 'tier', 'source', 'timeframe', 'type', 'event', 'version', 'details', 'levels', 'pattern_data', 'bar_data', 'health', 'session', 'alert', 'calculation', 'values', 'message', 'event_type', 'test', 'expires_at']

  it('2,000 mutated messages: no throw, a known kind, sane events, serialisable', () => {
    const rand = mulberry32(0x5eed_7157)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const junk = (): unknown =>
      pick<() => unknown>([
        () => null,
        () => undefined,
        () => Number.NaN,
        () => Number.POSITIVE_INFINITY,
        () => -1,
        () => 0,
        () => 1e300,
        () => 1e12 + 1,
        () => rand() * 200 - 50,
        () => '',
        () => 'x'.repeat(Math.floor(rand() * 5000)),
        () => '2025-10-17T20:25:29',
        () => '2025-13-45T99:99:99Z',
        () => 'brk.b',
        () => 'daily_intraday',
        () => '1min',
        () => '85',
        () => true,
        () => [],
        () => [null, 1, 'a', {}],
        () => ({}),
        () => ({ data: { data: {} } }),
        () => 12n,
        () => Symbol('j'),
      ])()
    // structuredClone refuses symbols; this copies them (and cuts absurd depth)
    const clone = (v: unknown, depth = 0): unknown => {
      if (typeof v !== 'object' || v === null || depth > 12) return v
      if (Array.isArray(v)) return v.map((x) => clone(x, depth + 1))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x, depth + 1)]))
    }
    const containers = (root: unknown): (Record<string, unknown> | unknown[])[] => {
      const out: (Record<string, unknown> | unknown[])[] = []
      const walk = (v: unknown, depth: number): void => {
        if (typeof v !== 'object' || v === null || depth > 8) return
        out.push(v as Record<string, unknown>)
        for (const x of Object.values(v)) walk(x, depth + 1)
      }
      walk(root, 0)
      return out
    }
    const mutate = (root: Record<string, unknown>): unknown => {
      const n = 1 + Math.floor(rand() * 4)
      let msg: unknown = root
      for (let i = 0; i < n; i++) {
        const targets = containers(msg)
        const t = targets.length > 0 ? pick(targets) : null
        const op = Math.floor(rand() * 9)
        if (t === null || op === 0) msg = pick([{ data: msg }, { detection: msg, type: 'streaming_pattern' }, { patterns: [msg, msg], type: 'patterns_batch' }, { event: 'e', payload: msg }, [msg]])
        else if (Array.isArray(t)) {
          if (t.length > 0 && rand() < 0.5) t[Math.floor(rand() * t.length)] = junk()
          else t.push(rand() < 0.5 ? junk() : clone(pick(seeds).message))
        } else {
          const keys = Object.keys(t)
          const k = keys.length > 0 && op < 6 ? pick(keys) : pick(KEYS)
          if (op === 1) delete t[k]
          else if (op === 2 && typeof t[k] === 'number') t[k] = String(t[k])
          else if (op === 3 && typeof t[k] === 'string') t[k] = (t[k] as string).toLowerCase()
          else if (op === 4) t[pick(KEYS)] = clone(t[k])
          else if (op === 5) t[k] = clone(pick(seeds).message)
          else t[k] = junk()
        }
      }
      return msg
    }
    const asJson = (v: unknown): string => {
      try {
        return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' || typeof x === 'symbol' ? String(x) : x)) ?? 'undefined'
      } catch {
        return '{'
      }
    }

    const kinds: Record<string, number> = {}
    for (let i = 0; i < 2000; i++) {
      const seed = pick(seeds)
      const channel = rand() < 0.85 ? seed.channel : pick(allChannels)
      const mutated = mutate(clone(seed.message) as Record<string, unknown>)
      const mode = rand()
      let message: string | object
      if (mode < 0.4) message = asJson(mutated)
      else if (mode < 0.5) {
        const s = asJson(mutated)
        const cut = Math.floor(rand() * s.length)
        message = rand() < 0.5 ? s.slice(0, cut) : `${s.slice(0, cut)}${pick(['"', '{', ']', ',', '\\', '\u0000', 'é'])}${s.slice(cut + 1)}`
      } else message = (typeof mutated === 'object' && mutated !== null ? mutated : { value: mutated }) as object

      let r: NormalizeResult
      try {
        r = normalize(channel, message, NOW)
      } catch (e) {
        throw new Error(`iteration ${i} threw ${(e as Error).stack}\nchannel ${channel}\nmessage ${asJson(message).slice(0, 2000)}`)
      }
      expect(KINDS.has(r.kind), `iteration ${i}: kind ${r.kind}`).toBe(true)
      kinds[r.kind] = (kinds[r.kind] ?? 0) + 1
      if (r.kind === 'rejected') expect(REASONS.has(r.reason), `iteration ${i}: reason ${r.reason}`).toBe(true)
      if (r.kind === 'pattern') {
        expect(r.events.length + r.rejected.length).toBeGreaterThan(0)
        for (const x of r.rejected) expect(REASONS.has(x.reason)).toBe(true)
        for (const e of r.events) {
          expect(e.confidence).toBeGreaterThanOrEqual(0)
          expect(e.confidence).toBeLessThanOrEqual(1)
          expect(e.priority).toBe(priorityFor(e.confidence))
          expect(['daily', 'intraday', 'combo']).toContain(e.tier)
          expect(e.symbol).toMatch(/^[A-Z0-9][A-Z0-9.\-/^]{0,15}$/)
          expect(e.pattern.length).toBeGreaterThan(0)
          expect(e.patternKey.length).toBeGreaterThan(0)
          expect(Number.isFinite(e.detectedAt)).toBe(true)
          expect(e.detectedAt).toBeLessThanOrEqual(NOW + 2 * 86_400_000)
          expect(e.channel).toBe(channel)
        }
      }
      // What came from a JSON string must go back out as JSON (the CLI writes it).
      if (typeof message === 'string') expect(() => JSON.stringify(r)).not.toThrow()
    }
    // The mutations must reach real events and rejections alike, or the test proves little.
    expect(kinds.pattern ?? 0).toBeGreaterThan(100)
    expect(kinds.rejected ?? 0).toBeGreaterThan(100)
  })
})
