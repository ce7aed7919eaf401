import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { patternQuerySchema, type PatternQuery, type PatternQueryParsed } from '../../../shared/contract'
import { TIERS, epochMs, type EpochMs, type PatternEvent } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'
import { openDatabase, type Database } from './db'
import { buildConfluenceQuery, buildPatternQuery, PatternStore, STORE_SQL } from './pattern-store'
import { makeConfluence, makePattern, T0, tempDirs } from './test-support'

const dirs = tempDirs()
let db: Database
let store: PatternStore

function openStore(opts?: ConstructorParameters<typeof PatternStore>[1]): void {
  db = openDatabase(path.join(dirs.make(), 'tickstock.db'))
  store = new PatternStore(db, opts)
}

beforeEach(() => openStore())
afterEach(() => {
  store.close()
  dirs.cleanup()
})

const q = (query: PatternQuery): PatternQueryParsed => patternQuerySchema.parse(query)
const ms = (n: number): EpochMs => n as EpochMs

/** Small deterministic PRNG, so the data set is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'SPY']
// 'Weekly_Breakout' and 'WeeklyBO' are two spellings of one pattern key.
const PATTERN_NAMES = ['Doji', 'Weekly_Breakout', 'WeeklyBO', 'HammerPattern', 'Bull Flag']

/**
 * Events over three tiers with many ties on detected_at, and ids that are
 * not in detected_at order (late arrivals), so ordering by (detected_at, id)
 * is really exercised. Unique on the dedupe key by construction.
 */
function dataset(n: number): PatternEvent[] {
  const rand = lcg(7)
  const seen = new Set<string>()
  const out: PatternEvent[] = []
  for (let id = 1; out.length < n; id++) {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const tier = pick(TIERS)
    const symbol = pick(SYMBOLS)
    const pattern = pick(PATTERN_NAMES)
    const detectedAt = ms(T0 + Math.floor(rand() * 40) * 60_000)
    const key = `${tier}|${symbol}|${detectedAt}|${patternKey(pattern)}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(
      makePattern(id, {
        tier,
        symbol,
        pattern,
        patternKey: patternKey(pattern),
        detectedAt,
        confidence: Math.round(rand() * 100) / 100,
        confluence: rand() < 0.3 ? TIERS.filter((t) => t !== tier) : [],
        price: rand() < 0.2 ? null : 100 + Math.round(rand() * 10_000) / 100,
      }),
    )
  }
  return out
}

/** What queryPatterns must return, computed in plain JS. */
function expected(all: readonly PatternEvent[], query: PatternQueryParsed): PatternEvent[] {
  const symbols = query.symbols?.length ? new Set(query.symbols) : null
  const keys = query.patterns?.length ? new Set(query.patterns.map(patternKey)) : null
  const { before } = query
  return all
    .filter(
      (e) =>
        e.tier === query.tier &&
        (!symbols || symbols.has(e.symbol)) &&
        (!keys || keys.has(e.patternKey)) &&
        (query.confidenceMin === undefined || e.confidence >= query.confidenceMin) &&
        (query.since === undefined || e.detectedAt >= query.since) &&
        (!before || e.detectedAt < before.detectedAt || (e.detectedAt === before.detectedAt && e.id < before.id)),
    )
    .sort((a, b) => b.detectedAt - a.detectedAt || b.id - a.id)
    .slice(0, query.limit)
}

describe('PatternStore: patterns', () => {
  it('round-trips events exactly, newest first', () => {
    const events = [
      makePattern(1),
      makePattern(2, { symbol: 'MSFT', confluence: ['intraday', 'combo'], levels: [] }),
      makePattern(3, {
        timeframe: null,
        price: null,
        changePct: null,
        relativeVolume: null,
        relativeStrength: null,
        flowId: null,
        sessionId: 'sess-9',
        confidence: 0.999,
        priority: 'CRITICAL',
        levels: [{ type: 'target', value: 1e-7 }],
      }),
    ]
    expect(store.insertPatterns(events)).toBe(3)
    expect(store.queryPatterns(q({ tier: 'daily' }))).toEqual([...events].reverse())
    expect(store.maxPatternId()).toBe(3)
  })

  it('starts ids at 0 when empty', () => {
    expect(store.maxPatternId()).toBe(0)
    expect(store.maxConfluenceId()).toBe(0)
    expect(store.insertPatterns([])).toBe(0)
  })

  it('hands back the rows that arrived recently, oldest first, for restoring state after a restart', () => {
    const events = [1, 2, 3, 4].map((id) => makePattern(id, { symbol: `S${id}`, receivedAt: ms(T0 + id * 1000) }))
    store.insertPatterns(events)
    const rows = store.recentArrivals(ms(T0 + 2000), 10)
    expect(rows.map((r) => r.id)).toEqual([2, 3, 4])
    expect(rows[0]).toEqual({ id: 2, tier: 'daily', symbol: 'S2', pattern: 'Doji', patternKey: 'doji', confidence: 0.75, detectedAt: events[1]!.detectedAt, receivedAt: T0 + 2000, timeframe: 'daily' })
    expect(store.recentArrivals(ms(0), 2).map((r) => r.id)).toEqual([3, 4])
  })

  it('rejects a reused id (a bug, not a duplicate) and rolls the whole batch back', () => {
    store.insertPatterns([makePattern(1)])
    expect(() => store.insertPatterns([makePattern(2), makePattern(1, { symbol: 'MSFT' })])).toThrow(/UNIQUE constraint failed: pattern_events.id/)
    expect(store.countPatterns()).toBe(1)
  })

  it('counts per tier and in total', () => {
    store.insertPatterns([makePattern(1), makePattern(2, { tier: 'combo' }), makePattern(3, { tier: 'combo' })])
    expect(store.countPatterns()).toBe(3)
    expect(store.countPatterns('daily')).toBe(1)
    expect(store.countPatterns('combo')).toBe(2)
    expect(store.countPatterns('intraday')).toBe(0)
  })
})

describe('PatternStore.queryPatterns filters', () => {
  const all = dataset(600)
  beforeEach(() => {
    // Insert in two batches out of id order; storage order must not matter.
    store.insertPatterns(all.slice(300))
    store.insertPatterns(all.slice(0, 300))
  })

  const cases: [string, PatternQuery][] = [
    ['tier only', { tier: 'daily' }],
    ['limit', { tier: 'intraday', limit: 7 }],
    ['one symbol', { tier: 'daily', symbols: ['NVDA'], limit: 1000 }],
    ['several symbols, lower case in', { tier: 'combo', symbols: ['aapl', 'spy', 'AAPL'], limit: 1000 }],
    ['unknown symbol', { tier: 'daily', symbols: ['ZZZZ'] }],
    ['empty symbol list is no filter', { tier: 'daily', symbols: [], limit: 1000 }],
    ['confidenceMin', { tier: 'daily', confidenceMin: 0.8, limit: 1000 }],
    ['confidenceMin is inclusive', { tier: 'daily', confidenceMin: 0.5, limit: 1000 }],
    ['pattern by display name', { tier: 'daily', patterns: ['Weekly_Breakout'], limit: 1000 }],
    ['pattern by alias', { tier: 'daily', patterns: ['WeeklyBO'], limit: 1000 }],
    ['pattern by key and suffix', { tier: 'intraday', patterns: ['hammer', 'Bull_Flag_Pattern'], limit: 1000 }],
    ['since (inclusive)', { tier: 'combo', since: T0 + 20 * 60_000, limit: 1000 }],
    ['before cursor', { tier: 'daily', before: { detectedAt: T0 + 20 * 60_000, id: 300 }, limit: 1000 }],
    [
      'everything at once',
      {
        tier: 'intraday',
        symbols: ['AAPL', 'MSFT', 'TSLA'],
        patterns: ['Doji', 'WeeklyBO'],
        confidenceMin: 0.3,
        since: T0 + 5 * 60_000,
        before: { detectedAt: T0 + 35 * 60_000, id: 400 },
        limit: 20,
      },
    ],
  ]

  it.each(cases)('%s', (_label, query) => {
    const parsed = q(query)
    const want = expected(all, parsed)
    expect(store.queryPatterns(parsed)).toEqual(want)
  })

  it('the data set exercises ties and both spellings of a pattern', () => {
    const daily = expected(all, q({ tier: 'daily', limit: 1000 }))
    const times = daily.map((e) => e.detectedAt)
    expect(new Set(times).size).toBeLessThan(times.length / 2)
    const weekly = expected(all, q({ tier: 'daily', patterns: ['WeeklyBO'], limit: 1000 }))
    expect(new Set(weekly.map((e) => e.pattern))).toEqual(new Set(['Weekly_Breakout', 'WeeklyBO']))
  })

  it.each([1, 7, 50])('pages through a whole tier with the before cursor (page size %i), no repeats or misses', (limit) => {
    const filters: Pick<PatternQuery, 'symbols' | 'patterns'>[] = [{}, { symbols: ['AAPL', 'NVDA'] }, { patterns: ['Weekly_Breakout'] }]
    for (const filter of filters) {
      const base = { tier: 'daily' as const, ...filter }
      const seen: PatternEvent[] = []
      let before: { detectedAt: number; id: number } | undefined
      for (let page = 0; page < 1000; page++) {
        const rows = store.queryPatterns(q({ ...base, limit, ...(before ? { before } : {}) }))
        seen.push(...rows)
        const last = rows[rows.length - 1]
        if (rows.length < limit || !last) break
        before = { detectedAt: last.detectedAt, id: last.id }
      }
      const want = expected(all, q({ ...base, limit: 1000 }))
      expect(want.length).toBeGreaterThan(limit)
      expect(seen.map((e) => e.id)).toEqual(want.map((e) => e.id))
    }
  })
})

describe('PatternStore: confluence', () => {
  it('round-trips newest first, filtered by symbols', () => {
    const events = [makeConfluence(1), makeConfluence(2, { symbol: 'MSFT', tiers: ['daily', 'intraday', 'combo'] }), makeConfluence(3)]
    store.insertConfluence(events)
    expect(store.maxConfluenceId()).toBe(3)
    expect(store.recentConfluence(10)).toEqual([...events].reverse())
    expect(store.recentConfluence(1)).toEqual([events[2]])
    expect(store.recentConfluence(10, ['MSFT'])).toEqual([events[1]])
    expect(store.recentConfluence(10, [])).toHaveLength(3)
  })
})

describe('PatternStore: gaps', () => {
  it('opens, closes and lists gaps newest first', () => {
    const a = store.openGap(ms(T0), 'redis reconnecting')
    store.closeGap(a, ms(T0 + 5000))
    store.closeGap(a, ms(T0 + 9000)) // already closed: unchanged
    const b = store.openGap(ms(T0 + 60_000), 'redis closed')
    expect(b).toBeGreaterThan(a)
    expect(store.recentGaps(10)).toEqual([
      { from: T0 + 60_000, to: null, reason: 'redis closed' },
      { from: T0, to: T0 + 5000, reason: 'redis reconnecting' },
    ])
    expect(store.recentGaps(1)).toHaveLength(1)
  })

  it('closes gaps left open by a crash at startup', () => {
    store.openGap(ms(T0), 'redis reconnecting')
    store.openGap(ms(T0 + 10_000), 'redis closed')
    expect(store.closeDanglingGaps(ms(T0 + 5000))).toBe(2)
    // Never closed before it opened, even if the given time is earlier.
    expect(store.recentGaps(10)).toEqual([
      { from: T0 + 10_000, to: T0 + 10_000, reason: 'redis closed' },
      { from: T0, to: T0 + 5000, reason: 'redis reconnecting' },
    ])
    expect(store.closeDanglingGaps(ms(T0 + 20_000))).toBe(0)
  })
})

describe('PatternStore.prune', () => {
  it('deletes only rows older than the cutoff, in chunks, and counts them', () => {
    store.close()
    openStore({ pruneChunkRows: 3 }) // several chunks per tier
    const cutoff = ms(T0 + 100_000)
    const events = Array.from({ length: 60 }, (_, i) =>
      makePattern(i + 1, { tier: TIERS[i % 3]!, symbol: `S${i}`, detectedAt: ms(T0 + (i % 20) * 10_000) }),
    )
    store.insertPatterns(events)
    store.insertConfluence([makeConfluence(1, { at: ms(T0) }), makeConfluence(2, { at: cutoff }), makeConfluence(3, { at: ms(T0 + 99_999) })])
    store.closeGap(store.openGap(ms(T0), 'old'), ms(T0 + 1000))
    store.closeGap(store.openGap(ms(T0 + 2000), 'ends after cutoff'), ms(T0 + 200_000))
    store.openGap(ms(T0 + 3000), 'still open')

    const oldCount = events.filter((e) => e.detectedAt < cutoff).length
    expect(oldCount).toBe(30)
    expect(store.prune(cutoff)).toEqual({ patterns: oldCount, confluence: 2, gaps: 1 })

    for (const tier of TIERS) {
      const left = store.queryPatterns(q({ tier, limit: 1000 }))
      expect(left.map((e) => e.id)).toEqual(expected(events.filter((e) => e.detectedAt >= cutoff), q({ tier, limit: 1000 })).map((e) => e.id))
    }
    expect(store.countPatterns()).toBe(30)
    expect(store.recentConfluence(10).map((c) => c.id)).toEqual([2])
    expect(store.recentGaps(10).map((g) => g.reason)).toEqual(['still open', 'ends after cutoff'])
    expect(store.prune(cutoff)).toEqual({ patterns: 0, confluence: 0, gaps: 0 })
  })

  it('prunes in bounded steps that say when they are done', () => {
    const cutoff = ms(T0 + 1_000_000)
    store.insertPatterns(Array.from({ length: 25 }, (_, i) => makePattern(i + 1, { symbol: `S${i}`, detectedAt: ms(T0 + i) })))
    store.insertPatterns([makePattern(26, { detectedAt: ms(T0 + 2_000_000) })])
    const steps: { patterns: number; done: boolean }[] = []
    for (let r = store.pruneStep(cutoff, 10); ; r = store.pruneStep(cutoff, 10)) {
      steps.push({ patterns: r.patterns, done: r.done })
      if (r.done) break
    }
    expect(steps.map((s) => s.patterns)).toEqual([10, 10, 5])
    expect(steps.map((s) => s.done)).toEqual([false, false, true])
    expect(store.countPatterns()).toBe(1)
  })
})

describe('PatternStore: meta and close', () => {
  it('stores meta values and closes once', () => {
    expect(store.getMeta('k')).toBeNull()
    store.setMeta('k', 'a')
    store.setMeta('k', 'b')
    expect(store.getMeta('k')).toBe('b')
    store.close()
    expect(db.open).toBe(false)
    store.close() // idempotent (afterEach closes again)
  })
})

describe('query plans of the hot queries', () => {
  const plan = (sql: string, params: readonly unknown[]): string =>
    db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => r.detail)
      .join(' | ')
  const planOf = (query: PatternQuery): string => {
    const { sql, params } = buildPatternQuery(q(query))
    return plan(sql, params)
  }
  const cursor = { detectedAt: T0, id: 10 }

  /** Plans that must hold with the seeded statistics of a new database and with none at all. */
  function assertIndexPlans(): void {
    for (const query of [
      { tier: 'daily', limit: 200 },
      { tier: 'daily', before: cursor },
      { tier: 'daily', since: T0, confidenceMin: 0.7 },
    ] satisfies PatternQuery[]) {
      const p = planOf(query)
      expect(p, JSON.stringify(query)).toMatch(/^SEARCH pattern_events USING INDEX pattern_events_feed \(tier=\?/)
      expect(p).not.toMatch(/SCAN pattern_events|TEMP B-TREE/)
    }
    expect(planOf({ tier: 'daily', before: cursor })).toContain('pattern_events_feed (tier=? AND detected_at<?)')
    expect(planOf({ tier: 'daily', since: T0 })).toContain('pattern_events_feed (tier=? AND detected_at>?)')

    for (const query of [
      { tier: 'intraday', patterns: ['WeeklyBO'] },
      { tier: 'intraday', patterns: ['WeeklyBO'], before: cursor },
    ] satisfies PatternQuery[]) {
      const p = planOf(query)
      expect(p, JSON.stringify(query)).toMatch(/^SEARCH pattern_events USING INDEX pattern_events_pattern \(tier=\? AND pattern_key=\?/)
      expect(p).not.toMatch(/SCAN pattern_events|TEMP B-TREE/)
    }

    const prune = plan(STORE_SQL.pruneTier, ['daily', T0, 10_000])
    expect(prune).toContain('COVERING INDEX pattern_events_feed (tier=? AND detected_at<?)')
    expect(prune).not.toMatch(/SCAN pattern_events/)
    expect(plan(STORE_SQL.pruneConfluence, [T0, 10_000])).toContain('confluence_events_at (at<?)')
    expect(plan(STORE_SQL.countTier, ['daily'])).toMatch(/^SEARCH pattern_events USING COVERING INDEX \w+ \(tier=\?\)$/)
    expect(plan(STORE_SQL.maxPatternId, [])).not.toMatch(/SCAN/)
    expect(plan(STORE_SQL.maxConfluenceId, [])).not.toMatch(/SCAN/)

    for (const symbols of [undefined, ['AAPL', 'MSFT']]) {
      const { sql, params } = buildConfluenceQuery(50, symbols)
      const p = plan(sql, params)
      expect(p).toContain('USING INDEX confluence_events_at')
      expect(p).not.toMatch(/TEMP B-TREE/)
    }
  }

  it('walk the intended indexes on a new database (seeded statistics)', () => {
    assertIndexPlans()
    // Symbols are looked up by (symbol, detected_at); only their few rows get sorted.
    for (const symbols of [['AAPL'], ['AAPL', 'MSFT', 'NVDA']]) {
      const p = planOf({ tier: 'daily', symbols, before: cursor })
      expect(p).toMatch(/^SEARCH pattern_events USING INDEX pattern_events_symbol \(symbol=\? AND detected_at<\?\)/)
      expect(p).not.toMatch(/SCAN pattern_events/)
    }
    // A symbol across tiers walks its index newest first (chart markers).
    const sym = plan(STORE_SQL.symbolEvents, ['AAPL', 0, 500])
    expect(sym).toMatch(/^SEARCH pattern_events USING INDEX pattern_events_symbol \(symbol=\? AND detected_at>\?\)/)
    expect(sym).not.toMatch(/TEMP B-TREE/)
    // Restoring after a restart walks the rowid b-tree backwards: no sort, stopped by LIMIT.
    const restore = plan(STORE_SQL.recentArrivals, [1000])
    expect(restore).toMatch(/^SCAN pattern_events$/)
    expect(restore).not.toMatch(/TEMP B-TREE/)
  })

  it('keep the feed and pattern indexes without any statistics', () => {
    db.exec('DELETE FROM sqlite_stat1; ANALYZE sqlite_schema')
    assertIndexPlans()
  })

  it('keep the feed and pattern indexes with statistics from real data', () => {
    store.insertPatterns(dataset(600))
    db.exec('ANALYZE')
    assertIndexPlans()
  })
})
