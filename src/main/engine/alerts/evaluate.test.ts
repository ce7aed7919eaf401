import { describe, expect, it } from 'vitest'
import type { Condition } from '../../../shared/alerts'
import { canonicalPatternKey, evaluateCondition, evaluateRule, type EvalContext } from './evaluate'
import { and, ev, ny, or, rule } from './testing'

const ctx: EvalContext = {
  watchlists: new Map([
    ['Tech', new Set(['AAPL', 'MSFT'])],
    ['Earnings', new Set(['NVDA'])],
  ]),
  sectorOf: (s) => (s === 'JPM' ? 'XLF' : null),
}

const match = (c: Condition, over: Parameters<typeof ev>[0] = {}): string | null => evaluateCondition(c, ev(over), ctx)

describe('evaluateRule: each condition, hit and miss', () => {
  it('pattern names compare by key, aliases included', () => {
    expect(match({ kind: 'pattern', names: ['Hammer', 'ShootingStar'] })).toBe('pattern Hammer')
    expect(match({ kind: 'pattern', names: ['ShootingStar'] })).toBeNull()
    expect(match({ kind: 'pattern', names: ['Bullish_Engulfing'] }, { pattern: 'BullishEngulfing' })).toBe('pattern BullishEngulfing')
    expect(match({ kind: 'pattern', names: ['bullish engulfing pattern'] }, { pattern: 'BullishEngulfing' })).toBe('pattern BullishEngulfing')
    // A catalogue alias whose key differs from the name's: HOD is HighOfDay, both ways.
    expect(match({ kind: 'pattern', names: ['HOD'] }, { pattern: 'HighOfDay' })).toBe('pattern HighOfDay')
    expect(match({ kind: 'pattern', names: ['HighOfDay'] }, { pattern: 'HOD' })).toBe('pattern HighOfDay')
    expect(match({ kind: 'pattern', names: ['WeeklyBO'] }, { pattern: 'Weekly_Breakout' })).toBe('pattern WeeklyBreakout')
    expect(canonicalPatternKey('Head & Shoulders')).toBe(canonicalPatternKey('HS'))
    // Unknown patterns compare by their own key.
    expect(match({ kind: 'pattern', names: ['My_Setup'] }, { pattern: 'MySetup' })).toBe('pattern MySetup')
  })

  it('pattern kinds and directions from the catalogue; all given parts must hold', () => {
    expect(match({ kind: 'pattern', kinds: ['candlestick'] })).toBe('candlestick pattern Hammer')
    expect(match({ kind: 'pattern', kinds: ['chart', 'breakout'] })).toBeNull()
    expect(match({ kind: 'pattern', directions: ['bullish'] })).toBe('bullish pattern Hammer')
    expect(match({ kind: 'pattern', directions: ['bearish'] })).toBeNull()
    expect(match({ kind: 'pattern', kinds: ['candlestick'], directions: ['bullish'] })).toBe('bullish candlestick pattern Hammer')
    expect(match({ kind: 'pattern', kinds: ['candlestick'], directions: ['bearish'] })).toBeNull()
    expect(match({ kind: 'pattern', names: ['Hammer'], directions: ['bullish'] })).toBe('pattern Hammer (bullish)')
    expect(match({ kind: 'pattern', directions: ['bearish'] }, { pattern: 'ShootingStar' })).toBe('bearish pattern ShootingStar')
  })

  it('unknown patterns: direction from the name, no kind', () => {
    expect(match({ kind: 'pattern', directions: ['bullish'] }, { pattern: 'SuperBullishThing' })).toBe('bullish pattern SuperBullishThing')
    expect(match({ kind: 'pattern', directions: ['neutral'] }, { pattern: 'Mystery' })).toBe('neutral pattern Mystery')
    for (const k of ['candlestick', 'chart', 'breakout', 'volume', 'trend'] as const) expect(match({ kind: 'pattern', kinds: [k] }, { pattern: 'Mystery' })).toBeNull()
  })

  it('tier', () => {
    expect(match({ kind: 'tier', tiers: ['intraday', 'combo'] })).toBe('tier intraday')
    expect(match({ kind: 'tier', tiers: ['daily'] })).toBeNull()
  })

  it('symbol include and exclude', () => {
    expect(match({ kind: 'symbol', include: ['AAPL', 'MSFT'] })).toBe('symbol AAPL')
    expect(match({ kind: 'symbol', include: ['MSFT'] })).toBeNull()
    expect(match({ kind: 'symbol', exclude: ['TSLA'] })).toBe('symbol AAPL (not excluded)')
    expect(match({ kind: 'symbol', exclude: ['AAPL'] })).toBeNull()
    expect(match({ kind: 'symbol', include: ['AAPL'], exclude: ['AAPL'] })).toBeNull()
  })

  it('watchlists from the context; an unknown list is empty', () => {
    expect(match({ kind: 'watchlist', include: ['Earnings', 'Tech'] })).toBe('AAPL on watchlist Tech')
    expect(match({ kind: 'watchlist', include: ['Earnings'] })).toBeNull()
    expect(match({ kind: 'watchlist', include: ['Nope'] })).toBeNull()
    expect(match({ kind: 'watchlist', exclude: ['Earnings'] })).toBe('AAPL not on watchlist Earnings')
    expect(match({ kind: 'watchlist', exclude: ['Tech'] })).toBeNull()
    expect(match({ kind: 'watchlist', exclude: ['Nope'] })).toBe('AAPL not on watchlist Nope')
  })

  it('sector from the stamp, else the sector table when the event has no stamp', () => {
    expect(match({ kind: 'sector', include: ['XLK', 'XLF'] })).toBe('sector XLK (Technology)')
    expect(match({ kind: 'sector', include: ['XLE'] })).toBeNull()
    expect(match({ kind: 'sector', exclude: ['XLE'] })).toBe('sector XLK (Technology)')
    expect(match({ kind: 'sector', exclude: ['XLK'] })).toBeNull()
    expect(match({ kind: 'sector', include: ['XLF'] }, { symbol: 'JPM', market: null })).toBe('sector XLF (Financials)')
    // A stamp that does not know the sector is the answer: no fallback to the table.
    expect(match({ kind: 'sector', include: ['XLF'] }, { symbol: 'JPM', market: { sector: null } })).toBeNull()
  })

  it('confidence min, max and both', () => {
    expect(match({ kind: 'confidence', min: 0.8 })).toBe('confidence 0.86 >= 0.80')
    expect(match({ kind: 'confidence', min: 0.86 })).toBe('confidence 0.86 >= 0.86')
    expect(match({ kind: 'confidence', min: 0.9 })).toBeNull()
    expect(match({ kind: 'confidence', max: 0.9 })).toBe('confidence 0.86 <= 0.90')
    expect(match({ kind: 'confidence', max: 0.8 })).toBeNull()
    expect(match({ kind: 'confidence', min: 0.8, max: 0.9 })).toBe('confidence 0.86 in 0.80-0.90')
  })

  it('priority at or above, in PRIORITIES order', () => {
    expect(match({ kind: 'priority', min: 'MEDIUM' })).toBe('priority HIGH >= MEDIUM')
    expect(match({ kind: 'priority', min: 'HIGH' })).toBe('priority HIGH')
    expect(match({ kind: 'priority', min: 'CRITICAL' })).toBeNull()
    expect(match({ kind: 'priority', min: 'LOW' }, { confidence: 0.5 })).toBe('priority LOW')
  })

  it('price; an event without a price never matches', () => {
    expect(match({ kind: 'price', min: 100 })).toBe('price 187.50 >= 100.00')
    expect(match({ kind: 'price', max: 100 })).toBeNull()
    expect(match({ kind: 'price', min: 100, max: 200 })).toBe('price 187.50 in 100.00-200.00')
    expect(match({ kind: 'price', max: 500 }, { price: null })).toBeNull()
  })

  it('relative volume; missing never matches', () => {
    expect(match({ kind: 'relVolume', min: 2 })).toBe('relative volume 2.4x >= 2.0x')
    expect(match({ kind: 'relVolume', min: 3 })).toBeNull()
    expect(match({ kind: 'relVolume', min: 1 }, { relativeVolume: null })).toBeNull()
  })

  it('confluence counts distinct tiers, the event\'s own included', () => {
    expect(match({ kind: 'confluence', minTiers: 2 })).toBeNull()
    expect(match({ kind: 'confluence', minTiers: 2 }, { confluence: ['daily'] })).toBe('2 tiers within the window')
    expect(match({ kind: 'confluence', minTiers: 3 }, { confluence: ['daily'] })).toBeNull()
    expect(match({ kind: 'confluence', minTiers: 2 }, { confluence: ['intraday'] })).toBeNull()
    expect(match({ kind: 'confluence', minTiers: 3 }, { confluence: ['daily', 'combo'] })).toBe('3 tiers within the window')
  })

  it('regime, risk and quadrant from the stamp', () => {
    expect(match({ kind: 'regime', in: ['Bull', 'Consolidation'] })).toBe('regime Bull')
    expect(match({ kind: 'regime', in: ['Bear'] })).toBeNull()
    expect(match({ kind: 'risk', above: 0.2 })).toBe('risk +0.35 above +0.20')
    expect(match({ kind: 'risk', above: 0.35 })).toBeNull()
    expect(match({ kind: 'risk', below: 0 })).toBeNull()
    expect(match({ kind: 'risk', below: 0 }, { market: { risk: -0.4 } })).toBe('risk -0.40 below 0.00')
    expect(match({ kind: 'risk', above: 0, below: 0.5 })).toBe('risk +0.35 between 0.00 and +0.50')
    expect(match({ kind: 'quadrant', in: ['Leading', 'Improving'] })).toBe('XLK Leading')
    expect(match({ kind: 'quadrant', in: ['Lagging'] })).toBeNull()
  })

  it('market conditions never match without the data, excludes included', () => {
    const noMarket = { market: null, symbol: 'ZZZZ' } as const
    const conds: Condition[] = [
      { kind: 'regime', in: ['Bull', 'Bear', 'Consolidation'] },
      { kind: 'risk', above: -1 },
      { kind: 'risk', below: 1 },
      { kind: 'quadrant', in: ['Leading', 'Weakening', 'Lagging', 'Improving'] },
      { kind: 'sector', exclude: ['XLE'] },
    ]
    for (const c of conds) {
      expect(match(c, noMarket)).toBeNull()
      expect(evaluateRule(rule(or(c, { kind: 'tier', tiers: ['intraday'] })), ev(noMarket), ctx)!.matched).toEqual(['tier intraday'])
    }
    expect(match({ kind: 'regime', in: ['Bull'] }, { market: { regime: null } })).toBeNull()
    expect(match({ kind: 'risk', above: -1 }, { market: { risk: null } })).toBeNull()
    expect(match({ kind: 'quadrant', in: ['Leading'] }, { market: { quadrant: null } })).toBeNull()
  })

  it('session from detectedAt in New York: pre, regular, after, none; weekdays only', () => {
    const s = (local: string): string | null => evaluateRule(rule(and({ kind: 'session', in: ['pre', 'regular', 'after'] })), ev({ detectedAt: ny(local) }), ctx)?.matched[0] ?? null
    expect(s('2025-03-12T03:59')).toBeNull()
    expect(s('2025-03-12T04:00')).toBe('pre-market session')
    expect(s('2025-03-12T09:29')).toBe('pre-market session')
    expect(s('2025-03-12T09:30')).toBe('regular session')
    expect(s('2025-03-12T15:59')).toBe('regular session')
    expect(s('2025-03-12T16:00')).toBe('after-hours session')
    expect(s('2025-03-12T19:59')).toBe('after-hours session')
    expect(s('2025-03-12T20:00')).toBeNull()
    expect(s('2025-03-15T12:00')).toBeNull() // Saturday
    expect(s('2025-03-16T12:00')).toBeNull() // Sunday
    // Winter time (UTC-5) and summer time (UTC-4) open at 09:30 New York either way.
    expect(s('2025-01-15T09:30')).toBe('regular session')
    expect(new Date(ny('2025-01-15T09:30')).toISOString()).toBe('2025-01-15T14:30:00.000Z')
    expect(s('2025-07-15T09:30')).toBe('regular session')
    expect(new Date(ny('2025-07-15T09:30')).toISOString()).toBe('2025-07-15T13:30:00.000Z')
    const only = (local: string, session: 'pre' | 'regular' | 'after'): boolean => evaluateRule(rule(and({ kind: 'session', in: [session] })), ev({ detectedAt: ny(local) }), ctx) !== null
    expect(only('2025-03-12T10:00', 'regular')).toBe(true)
    expect(only('2025-03-12T10:00', 'pre')).toBe(false)
    // The session is the detection's, not the arrival's.
    expect(evaluateRule(rule(and({ kind: 'session', in: ['regular'] })), ev({ detectedAt: ny('2025-03-12T15:59'), receivedAt: ny('2025-03-12T16:05') }), ctx)).not.toBeNull()
  })
})

describe('evaluateRule: groups', () => {
  const hammer: Condition = { kind: 'pattern', names: ['Hammer'] }
  const star: Condition = { kind: 'pattern', names: ['ShootingStar'] }
  const intraday: Condition = { kind: 'tier', tiers: ['intraday'] }
  const conf8: Condition = { kind: 'confidence', min: 0.8 }

  it('an empty AND matches everything, an empty OR nothing', () => {
    expect(evaluateRule(rule(and()), ev(), ctx)).toEqual({ matched: [] })
    expect(evaluateRule(rule(or()), ev(), ctx)).toBeNull()
    expect(evaluateRule(rule(and(intraday, or())), ev(), ctx)).toBeNull()
  })

  it('AND needs every item and lists them in order', () => {
    expect(evaluateRule(rule(and(hammer, intraday, conf8, { kind: 'regime', in: ['Bull'] })), ev(), ctx)).toEqual({
      matched: ['pattern Hammer', 'tier intraday', 'confidence 0.86 >= 0.80', 'regime Bull'],
    })
    expect(evaluateRule(rule(and(hammer, intraday, { kind: 'confidence', min: 0.9 })), ev(), ctx)).toBeNull()
  })

  it('OR needs one item and lists every item that matched', () => {
    expect(evaluateRule(rule(or(star, hammer, intraday)), ev(), ctx)).toEqual({ matched: ['pattern Hammer', 'tier intraday'] })
    expect(evaluateRule(rule(or(star, { kind: 'tier', tiers: ['daily'] })), ev(), ctx)).toBeNull()
  })

  it('nesting: a failed branch leaves no partial lines', () => {
    const when = and(or(and(star, intraday), and(hammer, { kind: 'confidence', min: 0.9 }), and(hammer, conf8)), { kind: 'sector', include: ['XLK'] })
    expect(evaluateRule(rule(when), ev(), ctx)).toEqual({ matched: ['pattern Hammer', 'confidence 0.86 >= 0.80', 'sector XLK (Technology)'] })
    expect(evaluateRule(rule(when), ev({ confidence: 0.7 }), ctx)).toBeNull()
    expect(evaluateRule(rule(or(and(or(and(hammer))))), ev(), ctx)).toEqual({ matched: ['pattern Hammer'] })
  })

  it('is pure: the same answer every time, whatever was evaluated between', () => {
    const r = rule(and(hammer, { kind: 'session', in: ['regular'] }))
    const a = evaluateRule(r, ev(), ctx)
    evaluateRule(r, ev({ detectedAt: ny('2025-03-12T22:00') }), ctx)
    expect(evaluateRule(r, ev(), ctx)).toEqual(a)
    expect(a).toEqual({ matched: ['pattern Hammer', 'regular session'] })
  })
})
