/**
 * Pattern events, confluence events and connection gaps in SQLite.
 * Synchronous (better-sqlite3): callers batch writes through a BatchWriter.
 */
import type { Statement } from 'better-sqlite3'
import { TIERS, isTier, type ConfluenceEvent, type EpochMs, type Gap, type PatternEvent, type PatternLevel, type Priority, type Tier, type MarketRegime, type RotationQuadrant } from '../../../shared/domain'
import type { PatternQueryParsed } from '../../../shared/contract'
import { patternKey } from '../../../shared/patterns'
import type { Database } from './db'

export interface PatternStoreOptions {
  /**
   * Rows per DELETE statement in `prune`. Each statement is its own short
   * transaction, so a large retention run never holds the write lock long.
   */
  pruneChunkRows?: number
}

export interface PruneResult {
  patterns: number
  confluence: number
  gaps: number
}

/** Filtered queries vary in shape (IN lists of different lengths); keep the most recent ones prepared. */
const QUERY_CACHE_SIZE = 64

const PATTERN_COLUMNS =
  'id, tier, symbol, pattern, pattern_key, confidence, priority, detected_at, received_at, expires_at, timeframe, ' +
  'price, change_pct, rel_volume, rel_strength, levels, channel, flow_id, session_id, confluence, ' +
  'mkt_regime, mkt_risk, mkt_sector, mkt_quadrant, mkt_aligned'

const CONFLUENCE_COLUMNS = 'id, symbol, tiers, event_ids, patterns, at, confidence'

/** Fixed statements whose plans matter; exported for plan tests. */
export const STORE_SQL = {
  // The subquery walks pattern_events_feed (tier, detected_at) and stops after
  // a chunk (stock SQLite has no DELETE ... LIMIT).
  pruneTier: 'DELETE FROM pattern_events WHERE id IN (SELECT id FROM pattern_events WHERE tier = ? AND detected_at < ? LIMIT ?)',
  pruneConfluence: 'DELETE FROM confluence_events WHERE id IN (SELECT id FROM confluence_events WHERE at < ? LIMIT ?)',
  maxPatternId: 'SELECT max(id) FROM pattern_events',
  // Ids rise with arrival: the newest rows are the end of the rowid b-tree, walked backwards and stopped by LIMIT.
  recentArrivals: 'SELECT id, tier, symbol, pattern, pattern_key, confidence, detected_at, received_at, timeframe FROM pattern_events ORDER BY id DESC LIMIT ?',
  maxConfluenceId: 'SELECT max(id) FROM confluence_events',
  countTier: 'SELECT count(*) FROM pattern_events WHERE tier = ?',
  symbolEvents: `SELECT ${PATTERN_COLUMNS} FROM pattern_events WHERE symbol = ? AND detected_at >= ? ORDER BY detected_at DESC, id DESC LIMIT ?`,
} as const

/** What the engine restores its dedupe and confluence state from after a restart. */
export type RecentArrival = Pick<PatternEvent, 'id' | 'tier' | 'symbol' | 'pattern' | 'patternKey' | 'confidence' | 'detectedAt' | 'receivedAt' | 'timeframe'>

/**
 * A row as an array in PATTERN_COLUMNS order: the insert's arguments and what
 * a `.raw()` select returns. The feed reads rows
 * with `.raw()`: building an object per row with 20 named keys, only to map
 * it to a PatternEvent, roughly doubled the cost of a 200-row page.
 */
type PatternTuple = [
  id: number,
  tier: string,
  symbol: string,
  pattern: string,
  patternKey: string,
  confidence: number,
  priority: string,
  detectedAt: number,
  receivedAt: number,
  expiresAt: number,
  timeframe: string | null,
  price: number | null,
  changePct: number | null,
  relativeVolume: number | null,
  relativeStrength: number | null,
  levels: string,
  channel: string,
  flowId: string | null,
  sessionId: string | null,
  confluence: string,
  mktRegime: string | null,
  mktRisk: number | null,
  mktSector: string | null,
  mktQuadrant: string | null,
  mktAligned: number | null,
]

interface ConfluenceRow {
  id: number
  symbol: string
  tiers: string
  event_ids: string
  patterns: string
  at: number
  confidence: number
}

interface GapRow {
  from_ms: number
  to_ms: number | null
  reason: string
}

export class PatternStore {
  private readonly pruneChunkRows: number
  private readonly queryCache = new Map<string, Statement<unknown[], unknown>>()

  private readonly insertPattern: Statement<PatternTuple>
  private readonly insertConfluenceRow: Statement<[ConfluenceRow]>
  private readonly maxPatternIdStmt: Statement<[], number | null>
  private readonly maxConfluenceIdStmt: Statement<[], number | null>
  private readonly countAllStmt: Statement<[], number>
  private readonly countTierStmt: Statement<[Tier], number>
  private readonly pruneTierStmt: Statement<[Tier, number, number]>
  private readonly pruneConfluenceStmt: Statement<[number, number]>
  private readonly pruneGapsStmt: Statement<[number]>
  private readonly openGapStmt: Statement<[number, string]>
  private readonly closeGapStmt: Statement<[number, number]>
  private readonly closeDanglingStmt: Statement<[number]>
  private readonly recentGapsStmt: Statement<[number], GapRow>
  private readonly getMetaStmt: Statement<[string], string>
  private readonly setMetaStmt: Statement<[string, string]>

  private readonly recentArrivalsStmt: Statement<[number], [number, string, string, string, string, number, number, number, string | null]>
  private readonly insertPatternsTx: (events: readonly PatternEvent[]) => number
  private readonly insertConfluenceTx: (events: readonly ConfluenceEvent[]) => void

  constructor(
    private readonly db: Database,
    opts: PatternStoreOptions = {},
  ) {
    this.pruneChunkRows = opts.pruneChunkRows ?? 10_000
    if (!Number.isInteger(this.pruneChunkRows) || this.pruneChunkRows < 1) throw new Error('pruneChunkRows must be a positive integer')

    // A plain INSERT: duplicates never get here (the engine dedupes), and a
    // broken constraint (a reused id) is a bug that must fail loudly.
    // Positional parameters: binding by name costs a lookup per column per row.
    this.insertPattern = db.prepare(`INSERT INTO pattern_events (${PATTERN_COLUMNS}) VALUES (${placeholders(25)})`)
    this.insertConfluenceRow = db.prepare(
      `INSERT INTO confluence_events (${CONFLUENCE_COLUMNS}) VALUES (@id, @symbol, @tiers, @event_ids, @patterns, @at, @confidence)`,
    )
    this.recentArrivalsStmt = db.prepare<[number], [number, string, string, string, string, number, number, number, string | null]>(STORE_SQL.recentArrivals).raw()
    this.maxPatternIdStmt = db.prepare<[], number | null>(STORE_SQL.maxPatternId).pluck()
    this.maxConfluenceIdStmt = db.prepare<[], number | null>(STORE_SQL.maxConfluenceId).pluck()
    this.countAllStmt = db.prepare<[], number>('SELECT count(*) FROM pattern_events').pluck()
    this.countTierStmt = db.prepare<[Tier], number>(STORE_SQL.countTier).pluck()
    this.pruneTierStmt = db.prepare(STORE_SQL.pruneTier)
    this.pruneConfluenceStmt = db.prepare(STORE_SQL.pruneConfluence)
    // Open gaps (to_ms NULL) are kept whatever their age: the disconnection is still going on.
    this.pruneGapsStmt = db.prepare('DELETE FROM gaps WHERE to_ms < ?')
    this.openGapStmt = db.prepare('INSERT INTO gaps (from_ms, to_ms, reason) VALUES (?, NULL, ?)')
    this.closeGapStmt = db.prepare('UPDATE gaps SET to_ms = max(from_ms, ?) WHERE id = ? AND to_ms IS NULL')
    this.closeDanglingStmt = db.prepare('UPDATE gaps SET to_ms = max(from_ms, ?) WHERE to_ms IS NULL')
    // Gaps are opened in time order, so the rowid order is the time order.
    this.recentGapsStmt = db.prepare('SELECT from_ms, to_ms, reason FROM gaps ORDER BY id DESC LIMIT ?')
    this.getMetaStmt = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck()
    this.setMetaStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')

    this.insertPatternsTx = db.transaction((events: readonly PatternEvent[]) => {
      let inserted = 0
      const stmt = this.insertPattern
      for (const e of events) {
        const m = e.market
        inserted += stmt.run(
          e.id,
          e.tier,
          e.symbol,
          e.pattern,
          e.patternKey,
          e.confidence,
          e.priority,
          e.detectedAt,
          e.receivedAt,
          e.expiresAt,
          e.timeframe,
          e.price,
          e.changePct,
          e.relativeVolume,
          e.relativeStrength,
          e.levels.length === 0 ? '[]' : JSON.stringify(e.levels),
          e.channel,
          e.flowId,
          e.sessionId,
          e.confluence.length === 0 ? '' : e.confluence.join(','),
          m?.regime ?? null,
          m?.risk ?? null,
          m?.sector ?? null,
          m?.quadrant ?? null,
          m ? (m.aligned ? 1 : 0) : null,
        ).changes
      }
      return inserted
    })
    this.insertConfluenceTx = db.transaction((events: readonly ConfluenceEvent[]) => {
      for (const e of events) this.insertConfluenceRow.run(toConfluenceRow(e))
    })
  }

  /** When the oldest stored event arrived (ids follow arrival), null when empty: how far back history goes. */
  oldestReceivedAt(): number | null {
    return (this.db.prepare<[], number>('SELECT received_at FROM pattern_events ORDER BY id LIMIT 1').pluck().get() as number | undefined) ?? null
  }

  /** Highest stored pattern id, 0 when empty: the engine continues its id sequence from here. */
  maxPatternId(): number {
    return this.maxPatternIdStmt.get() ?? 0
  }

  maxConfluenceId(): number {
    return this.maxConfluenceIdStmt.get() ?? 0
  }

  /** Insert in one transaction (all or nothing). Returns the rows inserted. */
  insertPatterns(events: readonly PatternEvent[]): number {
    return events.length === 0 ? 0 : this.insertPatternsTx(events)
  }

  insertConfluence(events: readonly ConfluenceEvent[]): void {
    if (events.length > 0) this.insertConfluenceTx(events)
  }

  /**
   * Newest first (detected_at, then id). An empty `symbols` or `patterns`
   * list means no filter, like an absent one.
   */
  queryPatterns(q: PatternQueryParsed): PatternEvent[] {
    const { sql, params } = buildPatternQuery(q)
    return (this.cached(sql, true).all(...params) as PatternTuple[]).map(fromPatternTuple)
  }

  /** One symbol across tiers, newest first (the symbol index). */
  querySymbol(symbol: string, since: number | undefined, limit: number): PatternEvent[] {
    return (this.cached(STORE_SQL.symbolEvents, true).all(symbol, since ?? 0, limit) as PatternTuple[]).map(fromPatternTuple)
  }

  /** Newest first, optionally only for some symbols (empty list: all). */
  recentConfluence(limit: number, symbols?: readonly string[]): ConfluenceEvent[] {
    const { sql, params } = buildConfluenceQuery(limit, symbols)
    return (this.cached(sql).all(...params) as ConfluenceRow[]).map(fromConfluenceRow)
  }

  /** Record the start of a disconnection; returns the gap's id for `closeGap`. */
  openGap(fromMs: EpochMs, reason: string): number {
    return Number(this.openGapStmt.run(fromMs, reason).lastInsertRowid)
  }

  /** End an open gap; a gap already closed is left as it is. */
  closeGap(id: number, toMs: EpochMs): void {
    this.closeGapStmt.run(toMs, id)
  }

  /** Newest first. */
  recentGaps(limit: number): Gap[] {
    return this.recentGapsStmt.all(limit).map((r) => ({ from: r.from_ms as EpochMs, to: r.to_ms as EpochMs | null, reason: r.reason }))
  }

  /**
   * The rows that arrived since `sinceMs` (at most `limit`, the newest),
   * oldest first: the engine restores its deduper and confluence state from
   * them after a restart.
   */
  recentArrivals(sinceMs: EpochMs, limit: number): RecentArrival[] {
    const out: RecentArrival[] = []
    for (const [id, tier, symbol, pattern, patternKey, confidence, detectedAt, receivedAt, timeframe] of this.recentArrivalsStmt.all(limit)) {
      if (receivedAt < sinceMs) break
      out.push({ id, tier: tier as Tier, symbol, pattern, patternKey, confidence, detectedAt: detectedAt as EpochMs, receivedAt: receivedAt as EpochMs, timeframe })
    }
    return out.reverse()
  }

  /** On startup: close gaps left open by a crash at `atMs` (the last known alive time). Returns how many. */
  closeDanglingGaps(atMs: EpochMs): number {
    return this.closeDanglingStmt.run(atMs).changes
  }

  /**
   * Retention: delete pattern and confluence events older than `cutoffMs`
   * and gaps that ended before it, a chunk per statement.
   */
  prune(cutoffMs: EpochMs): PruneResult {
    const total = { patterns: 0, confluence: 0, gaps: 0 }
    for (;;) {
      const r = this.pruneStep(cutoffMs, this.pruneChunkRows)
      total.patterns += r.patterns
      total.confluence += r.confluence
      total.gaps += r.gaps
      if (r.done) return total
    }
  }

  /**
   * One bounded step of retention: at most `chunkRows` rows per tier and of
   * confluence events. The engine repeats it between other work until `done`,
   * so a large first prune never holds its thread for seconds.
   */
  pruneStep(cutoffMs: EpochMs, chunkRows: number): PruneResult & { done: boolean } {
    let patterns = 0
    let done = true
    for (const tier of TIERS) {
      const n = this.pruneTierStmt.run(tier, cutoffMs, chunkRows).changes
      patterns += n
      if (n >= chunkRows) done = false
    }
    const confluence = this.pruneConfluenceStmt.run(cutoffMs, chunkRows).changes
    if (confluence >= chunkRows) done = false
    const gaps = done ? this.pruneGapsStmt.run(cutoffMs).changes : 0
    return { patterns, confluence, gaps, done }
  }

  /** Stored events, in one tier or all. A count walks an index: for status, not per event. */
  countPatterns(tier?: Tier): number {
    return tier === undefined ? this.countAllStmt.get()! : this.countTierStmt.get(tier)!
  }

  getMeta(key: string): string | null {
    return this.getMetaStmt.get(key) ?? null
  }

  setMeta(key: string, value: string): void {
    this.setMetaStmt.run(key, value)
  }

  /** Refresh planner statistics where useful (cheap), then close the database. */
  close(): void {
    if (!this.db.open) return
    this.queryCache.clear()
    this.db.pragma('optimize')
    this.db.close()
  }

  private cached(sql: string, raw = false): Statement<unknown[], unknown> {
    const cacheKey = raw ? `raw:${sql}` : sql
    let stmt = this.queryCache.get(cacheKey)
    if (stmt) {
      // Re-insert so the Map's insertion order is least recently used first.
      this.queryCache.delete(cacheKey)
    } else {
      stmt = this.db.prepare(sql).raw(raw)
      if (this.queryCache.size >= QUERY_CACHE_SIZE) {
        const oldest = this.queryCache.keys().next()
        if (!oldest.done) this.queryCache.delete(oldest.value)
      }
    }
    this.queryCache.set(cacheKey, stmt)
    return stmt
  }
}

/**
 * The SELECT behind `queryPatterns`: values only ever as bound parameters,
 * the SQL text varies only in the number of placeholders. Exported so tests
 * can check its query plan.
 */
export function buildPatternQuery(q: PatternQueryParsed): { sql: string; params: unknown[] } {
  const where = ['tier = ?']
  const params: unknown[] = [q.tier]
  const symbols = unique(q.symbols ?? [])
  if (symbols.length > 0) {
    where.push(`symbol IN (${placeholders(symbols.length)})`)
    params.push(...symbols)
  }
  const keys = unique((q.patterns ?? []).map(patternKey))
  if (keys.length > 0) {
    where.push(`pattern_key IN (${placeholders(keys.length)})`)
    params.push(...keys)
  }
  if (q.confidenceMin !== undefined) {
    where.push('confidence >= ?')
    params.push(q.confidenceMin)
  }
  if (q.since !== undefined) {
    where.push('detected_at >= ?')
    params.push(q.since)
  }
  if (q.before !== undefined) {
    // A row value compares lexicographically, and SQLite turns it into a
    // range on the (..., detected_at, id) index, so paging stays an index walk.
    where.push('(detected_at, id) < (?, ?)')
    params.push(q.before.detectedAt, q.before.id)
  }
  if (q.aligned !== undefined) {
    where.push('mkt_aligned = ?')
    params.push(q.aligned ? 1 : 0)
  }
  const quadrants = unique(q.quadrants ?? [])
  if (quadrants.length > 0) {
    where.push(`mkt_quadrant IN (${placeholders(quadrants.length)})`)
    params.push(...quadrants)
  }
  const sectors = unique(q.sectors ?? [])
  if (sectors.length > 0) {
    where.push(`mkt_sector IN (${placeholders(sectors.length)})`)
    params.push(...sectors)
  }
  params.push(q.limit)
  const sql = `SELECT ${PATTERN_COLUMNS} FROM pattern_events WHERE ${where.join(' AND ')} ORDER BY detected_at DESC, id DESC LIMIT ?`
  return { sql, params }
}

/** The SELECT behind `recentConfluence`; exported for plan tests. */
export function buildConfluenceQuery(limit: number, symbols?: readonly string[]): { sql: string; params: unknown[] } {
  const wanted = unique(symbols ?? [])
  const filter = wanted.length > 0 ? `WHERE symbol IN (${placeholders(wanted.length)}) ` : ''
  return {
    sql: `SELECT ${CONFLUENCE_COLUMNS} FROM confluence_events ${filter}ORDER BY at DESC, id DESC LIMIT ?`,
    params: [...wanted, limit],
  }
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}

// Rows come from our own schema, written by insertPatterns: the casts restore
// types that SQLite does not keep (brands, unions, JSON).
function fromPatternTuple(r: PatternTuple): PatternEvent {
  const [id, tier, symbol, pattern, patternKey, confidence, priority, detectedAt, receivedAt, expiresAt, timeframe, price, changePct, relativeVolume, relativeStrength, levels, channel, flowId, sessionId, confluence, mktRegime, mktRisk, mktSector, mktQuadrant, mktAligned] = r
  return {
    id,
    tier: tier as Tier,
    symbol,
    pattern,
    patternKey,
    confidence,
    priority: priority as Priority,
    detectedAt: detectedAt as EpochMs,
    receivedAt: receivedAt as EpochMs,
    expiresAt: expiresAt as EpochMs,
    timeframe,
    price,
    changePct,
    relativeVolume,
    relativeStrength,
    levels: levels === '[]' ? [] : (JSON.parse(levels) as PatternLevel[]),
    channel,
    flowId,
    sessionId,
    confluence: splitTiers(confluence),
    market:
      mktAligned === null
        ? null
        : { regime: mktRegime as MarketRegime | null, risk: mktRisk, sector: mktSector, quadrant: mktQuadrant as RotationQuadrant | null, aligned: mktAligned === 1 },
  }
}

function toConfluenceRow(e: ConfluenceEvent): ConfluenceRow {
  return {
    id: e.id,
    symbol: e.symbol,
    tiers: e.tiers.join(','),
    event_ids: JSON.stringify(e.eventIds),
    patterns: JSON.stringify(e.patterns),
    at: e.at,
    confidence: e.confidence,
  }
}

function fromConfluenceRow(r: ConfluenceRow): ConfluenceEvent {
  return {
    id: r.id,
    symbol: r.symbol,
    tiers: splitTiers(r.tiers),
    eventIds: JSON.parse(r.event_ids) as number[],
    patterns: JSON.parse(r.patterns) as string[],
    at: r.at as EpochMs,
    confidence: r.confidence,
  }
}

function splitTiers(s: string): Tier[] {
  return s === '' ? [] : s.split(',').filter(isTier)
}
