/**
 * The bar store: 1-minute bars (`bars_1m`) and daily bars (`bars_daily`) in
 * SQLite. Writes are upserts that touch a row only when its values differ, so
 * a re-import of the same file reports (and writes) nothing.
 */
import type { Statement } from 'better-sqlite3'
import type { DailyBar } from '../market/daily-bars'
import type { Database } from './db'

export interface MinuteBarRow {
  /** Bar start, epoch ms (a whole minute). */
  t: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** A stored daily bar: the same shape the CSV reader produces. */
export type DailyBarRow = DailyBar

type MinuteTuple = [t: number, open: number, high: number, low: number, close: number, volume: number]
type DailyTuple = [date: string, open: number, high: number, low: number, close: number, adjClose: number, volume: number]

export const BAR_STORE_SQL = {
  upsert1m:
    'INSERT INTO bars_1m (symbol, t, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
    'ON CONFLICT (symbol, t) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume ' +
    'WHERE (open, high, low, close, volume) IS NOT (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)',
  upsertDaily:
    'INSERT INTO bars_daily (symbol, date, open, high, low, close, adj_close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ' +
    'ON CONFLICT (symbol, date) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, ' +
    'adj_close = excluded.adj_close, volume = excluded.volume ' +
    'WHERE (open, high, low, close, adj_close, volume) IS NOT (excluded.open, excluded.high, excluded.low, excluded.close, excluded.adj_close, excluded.volume)',
  // Newest first from the primary key, stopped by LIMIT.
  recent1m: 'SELECT t, open, high, low, close, volume FROM bars_1m WHERE symbol = ? AND t < ? ORDER BY t DESC LIMIT ?',
  recentDaily: 'SELECT date, open, high, low, close, adj_close, volume FROM bars_daily WHERE symbol = ? AND date <= ? ORDER BY date DESC LIMIT ?',
  has1m: 'SELECT 1 FROM bars_1m WHERE symbol = ? LIMIT 1',
  hasDaily: 'SELECT 1 FROM bars_daily WHERE symbol = ? LIMIT 1',
  count1m: 'SELECT count(*) FROM bars_1m WHERE symbol = ?',
  countDaily: 'SELECT count(*) FROM bars_daily WHERE symbol = ?',
} as const

export class BarStore {
  private readonly upsert1mStmt: Statement<[string, ...MinuteTuple]>
  private readonly upsertDailyStmt: Statement<[string, ...DailyTuple]>
  private readonly recent1mStmt: Statement<[string, number, number], MinuteTuple>
  private readonly recentDailyStmt: Statement<[string, string, number], DailyTuple>
  private readonly has1mStmt: Statement<[string], number>
  private readonly hasDailyStmt: Statement<[string], number>
  private readonly count1mStmt: Statement<[string], number>
  private readonly countDailyStmt: Statement<[string], number>

  constructor(readonly db: Database) {
    this.upsert1mStmt = db.prepare(BAR_STORE_SQL.upsert1m)
    this.upsertDailyStmt = db.prepare(BAR_STORE_SQL.upsertDaily)
    this.recent1mStmt = db.prepare<[string, number, number], MinuteTuple>(BAR_STORE_SQL.recent1m).raw()
    this.recentDailyStmt = db.prepare<[string, string, number], DailyTuple>(BAR_STORE_SQL.recentDaily).raw()
    this.has1mStmt = db.prepare<[string], number>(BAR_STORE_SQL.has1m).pluck()
    this.hasDailyStmt = db.prepare<[string], number>(BAR_STORE_SQL.hasDaily).pluck()
    this.count1mStmt = db.prepare<[string], number>(BAR_STORE_SQL.count1m).pluck()
    this.countDailyStmt = db.prepare<[string], number>(BAR_STORE_SQL.countDaily).pluck()
  }

  /** Run `fn` in one (immediate) transaction: all of its writes or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /** Upsert 1-minute bars; returns the rows inserted or changed (unchanged rows are not written). */
  upsert1m(symbol: string, bars: readonly MinuteBarRow[]): number {
    let changed = 0
    for (const b of bars) changed += this.upsert1mStmt.run(symbol, b.t, b.open, b.high, b.low, b.close, b.volume).changes
    return changed
  }

  /** Upsert daily bars; returns the rows inserted or changed. */
  upsertDaily(symbol: string, bars: readonly DailyBarRow[]): number {
    let changed = 0
    for (const b of bars) changed += this.upsertDailyStmt.run(symbol, b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume).changes
    return changed
  }

  /** Up to `limit` 1-minute bars starting before `to`, newest first. */
  recent1m(symbol: string, to: number, limit: number): MinuteBarRow[] {
    return this.recent1mStmt.all(symbol, Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER, limit).map(([t, open, high, low, close, volume]) => ({ t, open, high, low, close, volume }))
  }

  /** Up to `limit` daily bars dated `lastDate` or earlier, newest first. */
  recentDaily(symbol: string, lastDate: string, limit: number): DailyBarRow[] {
    return this.recentDailyStmt.all(symbol, lastDate, limit).map(([date, open, high, low, close, adjClose, volume]) => ({ date, open, high, low, close, adjClose, volume }))
  }

  has1m(symbol: string): boolean {
    return this.has1mStmt.get(symbol) !== undefined
  }

  hasDaily(symbol: string): boolean {
    return this.hasDailyStmt.get(symbol) !== undefined
  }

  count1m(symbol: string): number {
    return this.count1mStmt.get(symbol) ?? 0
  }

  countDaily(symbol: string): number {
    return this.countDailyStmt.get(symbol) ?? 0
  }
}
