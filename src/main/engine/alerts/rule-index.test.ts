import { describe, expect, it } from 'vitest'
import { MARKET_REGIMES, PATTERN_DIRECTIONS, PATTERN_KINDS, SESSIONS, type AlertRule, type Condition, type ConditionGroup } from '../../../shared/alerts'
import { PRIORITIES, ROTATION_QUADRANTS, SECTOR_FUNDS, TIERS, type Tier } from '../../../shared/domain'
import { evaluateRule, type EvalContext } from './evaluate'
import { RuleIndex, matchEvent } from './rule-index'
import { and, ev, ny, or, prng, rule } from './testing'

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'JPM', 'XOM', 'TSLA']
const PATTERNS = ['Hammer', 'HammerPattern', 'HOD', 'HighOfDay', 'Doji', 'Bull_Flag', 'MysteryBull', 'ShootingStar', 'Weekly_BO']

const ctx: EvalContext = {
  watchlists: new Map([
    ['Tech', new Set(['AAPL', 'MSFT', 'NVDA'])],
    ['Energy', new Set(['XOM'])],
  ]),
  sectorOf: (s) => ({ AAPL: 'XLK', JPM: 'XLF', TSLA: 'Autos' })[s] ?? null,
}

function randomCondition(rnd: () => number): Condition {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const some = <T>(xs: readonly T[], max = 3): T[] => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(xs)))]
  const k = Math.floor(rnd() * 17)
  switch (k) {
    case 0:
    case 1:
      return { kind: 'symbol', include: some(SYMBOLS), ...(rnd() < 0.2 ? { exclude: some(SYMBOLS, 1) } : {}) }
    case 2:
      return { kind: 'symbol', exclude: some(SYMBOLS) }
    case 3:
    case 4:
      return { kind: 'pattern', names: some(PATTERNS), ...(rnd() < 0.2 ? { directions: some(PATTERN_DIRECTIONS, 2) } : {}) }
    case 5:
      return rnd() < 0.5 ? { kind: 'pattern', kinds: some(PATTERN_KINDS, 2) } : { kind: 'pattern', names: [], directions: some(PATTERN_DIRECTIONS, 2) }
    case 6:
    case 7:
      return { kind: 'tier', tiers: some(TIERS, 2) }
    case 8:
      return rnd() < 0.5 ? { kind: 'confidence', min: Math.round(rnd() * 100) / 100 } : { kind: 'confidence', max: Math.round(rnd() * 100) / 100 }
    case 9:
      return { kind: 'priority', min: pick(PRIORITIES) }
    case 10:
      return { kind: 'regime', in: some(MARKET_REGIMES, 2) }
    case 11:
      return rnd() < 0.5 ? { kind: 'risk', above: rnd() * 2 - 1 } : { kind: 'risk', below: rnd() * 2 - 1 }
    case 12:
      return { kind: 'quadrant', in: some(ROTATION_QUADRANTS, 2) }
    case 13:
      return rnd() < 0.5 ? { kind: 'sector', include: some(SECTOR_FUNDS.slice(0, 3)) } : { kind: 'sector', exclude: some(SECTOR_FUNDS.slice(0, 3)) }
    case 14:
      return rnd() < 0.5 ? { kind: 'watchlist', include: some(['Tech', 'Energy', 'Gone']) } : { kind: 'watchlist', exclude: some(['Tech', 'Energy']) }
    case 15:
      return { kind: 'session', in: some(SESSIONS, 2) }
    default:
      return rnd() < 0.5 ? { kind: 'confluence', minTiers: 2 } : { kind: 'relVolume', min: 0.5 + rnd() * 3 }
  }
}

function randomGroup(rnd: () => number, depth: number): ConditionGroup {
  const n = Math.floor(rnd() * 5)
  const items: (Condition | ConditionGroup)[] = []
  for (let i = 0; i < n; i++) items.push(depth < 3 && rnd() < 0.25 ? randomGroup(rnd, depth + 1) : randomCondition(rnd))
  return { kind: 'group', op: rnd() < (depth === 0 ? 0.8 : 0.5) ? 'and' : 'or', items }
}

function randomEvent(rnd: () => number, id: number): ReturnType<typeof ev> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const confluence: Tier[] = rnd() < 0.3 ? [pick(TIERS)] : rnd() < 0.1 ? [...TIERS] : []
  return ev({
    id,
    symbol: pick(SYMBOLS),
    pattern: pick(PATTERNS),
    tier: pick(TIERS),
    confidence: Math.round(rnd() * 100) / 100,
    detectedAt: ny('2025-03-10T00:00') + Math.floor(rnd() * 7 * 86_400_000),
    price: rnd() < 0.1 ? null : 5 + rnd() * 500,
    relativeVolume: rnd() < 0.2 ? null : rnd() * 4,
    confluence,
    market:
      rnd() < 0.2
        ? null
        : {
            regime: rnd() < 0.1 ? null : pick(MARKET_REGIMES),
            risk: rnd() < 0.1 ? null : rnd() * 2 - 1,
            sector: rnd() < 0.3 ? null : pick([...SECTOR_FUNDS.slice(0, 3), 'Other']),
            quadrant: rnd() < 0.2 ? null : pick(ROTATION_QUADRANTS),
          },
  })
}

describe('RuleIndex', () => {
  it.each([20250312, 7, 99])('never misses a match: for random rules and events, index + evaluation finds exactly what evaluating every rule finds (seed %i)', (seed) => {
    const rnd = prng(seed)
    const rules: AlertRule[] = []
    for (let i = 0; i < 400; i++) rules.push(rule(randomGroup(rnd, 0), { id: `p${i}`, enabled: rnd() < 0.9 }))
    const index = new RuleIndex(rules)
    const EVENTS = 700
    let matches = 0
    let candidates = 0
    for (let i = 0; i < EVENTS; i++) {
      const e = randomEvent(rnd, i + 1)
      const brute = rules.filter((r) => r.enabled && evaluateRule(r, e, ctx) !== null).map((r) => r.id)
      const hits = matchEvent(index, e, ctx)
      expect(hits.map((h) => h.rule.id)).toEqual(brute)
      for (const h of hits) expect(h.matched).toEqual(evaluateRule(h.rule, e, ctx)!.matched)
      const cands = index.candidates(e, ctx)
      expect(new Set(cands.map((r) => r.id)).size).toBe(cands.length)
      for (const id of brute) expect(cands.some((r) => r.id === id)).toBe(true)
      matches += hits.length
      candidates += cands.length
    }
    // The test means something: many matches, and the index narrowed.
    expect(matches).toBeGreaterThan(EVENTS * 3)
    expect(candidates / EVENTS).toBeLessThan(0.85 * index.size)
  })

  it('indexes enabled rules only', () => {
    const on = rule(and({ kind: 'tier', tiers: ['intraday'] }), { id: 'on' })
    const off = rule(and({ kind: 'tier', tiers: ['intraday'] }), { id: 'off', enabled: false })
    const index = new RuleIndex([on, off])
    expect(index.size).toBe(1)
    expect(index.candidates(ev(), ctx).map((r) => r.id)).toEqual(['on'])
  })

  it('files rules by what the top-level AND requires; OR tops and broad rules are checked always', () => {
    const rules = [
      rule(and({ kind: 'symbol', include: ['MSFT', 'NVDA'] }, { kind: 'tier', tiers: ['intraday'] }), { id: 'msft' }),
      rule(and({ kind: 'pattern', names: ['ShootingStar'] }, { kind: 'tier', tiers: ['daily'] }), { id: 'star-daily' }),
      rule(and({ kind: 'pattern', names: ['HammerPattern'] }, and({ kind: 'tier', tiers: ['intraday'] })), { id: 'hammer-intraday' }),
      rule(and({ kind: 'pattern', names: ['Hammer'] }), { id: 'hammer' }),
      rule(and({ kind: 'tier', tiers: ['daily'] }), { id: 'daily' }),
      rule(and({ kind: 'confidence', min: 0.9 }), { id: 'broad' }),
      rule(or({ kind: 'symbol', include: ['MSFT'] }, { kind: 'tier', tiers: ['daily'] }), { id: 'or-top' }),
      rule(or(and({ kind: 'symbol', include: ['MSFT'] })), { id: 'one-branch-or' }),
      rule(and({ kind: 'tier', tiers: ['daily'] }, { kind: 'tier', tiers: ['intraday'] }), { id: 'contradiction' }),
    ]
    const index = new RuleIndex(rules)
    expect(index.alwaysChecked).toBe(2)
    expect(index.unmatchable).toBe(1)
    expect(index.candidates(ev(), ctx).map((r) => r.id)).toEqual(['hammer-intraday', 'hammer', 'or-top'])
    expect(index.candidates(ev({ symbol: 'MSFT', pattern: 'ShootingStar', tier: 'daily' }), ctx).map((r) => r.id)).toEqual([
      'star-daily',
      'daily',
      'or-top',
      'one-branch-or',
    ])
    // A rule's confidence floor is part of what it requires.
    expect(index.candidates(ev({ confidence: 0.9 }), ctx).map((r) => r.id)).toEqual(['hammer-intraday', 'hammer', 'broad', 'or-top'])
  })

  it('an OR whose branches all name symbols is filed under their union, not checked always', () => {
    const r = rule(or(and({ kind: 'symbol', include: ['AAPL'] }, { kind: 'tier', tiers: ['intraday'] }), and({ kind: 'symbol', include: ['MSFT'] }, { kind: 'confidence', min: 0.9 })), { id: 'or-symbols' })
    const index = new RuleIndex([r])
    expect(index.alwaysChecked).toBe(0)
    expect(index.candidates(ev(), ctx).map((x) => x.id)).toEqual(['or-symbols'])
    expect(index.candidates(ev({ symbol: 'NVDA' }), ctx)).toEqual([])
    // The OR's floor is its lowest branch's: none here, so a low-confidence MSFT event is still a candidate (evaluation turns it away).
    expect(index.candidates(ev({ symbol: 'MSFT', confidence: 0.5 }), ctx).map((x) => x.id)).toEqual(['or-symbols'])
    expect(matchEvent(index, ev({ symbol: 'MSFT', confidence: 0.5 }), ctx)).toEqual([])
  })

  it('rules the index decides alone agree with evaluation at the edges', () => {
    const cases: [Condition, Parameters<typeof ev>[0]][] = [
      [{ kind: 'confidence', min: 0.86 }, { confidence: 0.86 }],
      [{ kind: 'confidence', min: 0.86 }, { confidence: 0.859 }],
      [{ kind: 'priority', min: 'HIGH' }, { confidence: 0.8 }],
      [{ kind: 'priority', min: 'HIGH' }, { confidence: 0.79 }],
      [{ kind: 'relVolume', min: 2.4 }, { relativeVolume: 2.4 }],
      [{ kind: 'relVolume', min: 2.4 }, { relativeVolume: null }],
      [{ kind: 'confluence', minTiers: 2 }, { confluence: ['intraday'] }],
      [{ kind: 'confluence', minTiers: 2 }, { confluence: ['combo'] }],
      [{ kind: 'session', in: ['regular'] }, { detectedAt: ny('2025-03-12T16:00') }],
      [{ kind: 'session', in: ['after'] }, { detectedAt: ny('2025-03-15T17:00') }],
      [{ kind: 'regime', in: ['Bull'] }, { market: { regime: null } }],
      [{ kind: 'regime', in: ['Bull'] }, { market: null }],
      [{ kind: 'quadrant', in: ['Leading'] }, { market: { quadrant: null } }],
      [{ kind: 'sector', exclude: ['XLE'] }, { symbol: 'NVDA', market: null }],
      [{ kind: 'sector', exclude: ['XLE'] }, { symbol: 'TSLA', market: null }],
      [{ kind: 'sector', include: ['XLK'] }, { market: { sector: 'Other' } }],
      [{ kind: 'pattern', kinds: ['candlestick'] }, { pattern: 'Mystery' }],
      [{ kind: 'pattern', directions: ['bullish'] }, { pattern: 'SuperBullish' }],
      [{ kind: 'pattern', names: ['HOD'], directions: ['bearish'] }, { pattern: 'HighOfDay' }],
      [{ kind: 'tier', tiers: ['daily'] }, { tier: 'intraday' }],
    ]
    for (const [c, over] of cases) {
      const r = rule(and(c, { kind: 'symbol', include: ['AAPL', 'NVDA', 'TSLA'] }))
      const e = ev(over)
      expect(matchEvent(new RuleIndex([r]), e, ctx).map((h) => h.matched), JSON.stringify([c, over])).toEqual(evaluateRule(r, e, ctx) ? [evaluateRule(r, e, ctx)!.matched] : [])
    }
  })

  it('10,000 symbol-specific rules: an event checks only its own', () => {
    const syms = Array.from({ length: 2000 }, (_, i) => `S${i}`)
    const rules = Array.from({ length: 10_000 }, (_, i) => rule(and({ kind: 'symbol', include: [syms[i % 2000]!, syms[(i * 7) % 2000]!] }, { kind: 'confidence', min: 0.5 }), { id: `s${i}` }))
    const index = new RuleIndex(rules)
    const cands = index.candidates(ev({ symbol: 'S42' }), ctx)
    expect(cands.length).toBeGreaterThan(0)
    expect(cands.length).toBeLessThan(20)
    expect(matchEvent(index, ev({ symbol: 'S42' }), ctx).map((h) => h.rule.id)).toEqual(rules.filter((r) => evaluateRule(r, ev({ symbol: 'S42' }), ctx)).map((r) => r.id))
  })

  it('matchEvent returns hits in rule order with their matched conditions', () => {
    const rules = [rule(and({ kind: 'confidence', min: 0.8 }), { id: 'b' }), rule(and({ kind: 'symbol', include: ['AAPL'] }), { id: 'a' })]
    expect(matchEvent(new RuleIndex(rules), ev(), ctx)).toEqual([
      { rule: rules[0], matched: ['confidence 0.86 >= 0.80'] },
      { rule: rules[1], matched: ['symbol AAPL'] },
    ])
  })
})
