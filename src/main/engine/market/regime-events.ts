/**
 * Regime changes kept in SQLite (`regime_events`): the history a trader can
 * look back on, and what survives a restart. The market engine recomputes
 * the regime from the stored daily bars; `sync` makes the table agree with
 * the recomputed changes over the days it covers (a re-import that changes
 * old bars can move a change) while keeping when each was first seen.
 */
import type { Statement } from 'better-sqlite3'
import { epochMs, type MarketRegime, type RegimeChangeEvent } from '../../../shared/domain'
import type { Database } from '../store/db'

export interface ComputedRegimeChange {
  date: string
  from: MarketRegime | null
  to: MarketRegime
  confidence: number
}

interface Row {
  date: string
  from_regime: string | null
  to_regime: string
  confidence: number
  recorded_at: number
}

export class RegimeEventStore {
  private readonly insertStmt: Statement<[string, string | null, string, number, number]>
  private readonly listStmt: Statement<[number], Row>
  private readonly inRangeStmt: Statement<[string, string], Row>
  private readonly deleteStmt: Statement<[string]>
  private readonly syncTx: (changes: readonly ComputedRegimeChange[], from: string, to: string, at: number) => ComputedRegimeChange[]

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO regime_events (date, from_regime, to_regime, confidence, recorded_at) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (date) DO UPDATE SET from_regime = excluded.from_regime, to_regime = excluded.to_regime, confidence = excluded.confidence ' +
        'WHERE from_regime IS NOT excluded.from_regime OR to_regime IS NOT excluded.to_regime',
    )
    this.listStmt = db.prepare('SELECT date, from_regime, to_regime, confidence, recorded_at FROM regime_events ORDER BY date DESC LIMIT ?')
    this.inRangeStmt = db.prepare('SELECT date, from_regime, to_regime, confidence, recorded_at FROM regime_events WHERE date >= ? AND date <= ?')
    this.deleteStmt = db.prepare('DELETE FROM regime_events WHERE date = ?')
    this.syncTx = db.transaction((changes: readonly ComputedRegimeChange[], from: string, to: string, at: number) => {
      const stored = new Map(this.inRangeStmt.all(from, to).map((r) => [r.date, r]))
      const added: ComputedRegimeChange[] = []
      for (const c of changes) {
        const old = stored.get(c.date)
        stored.delete(c.date)
        if (old && old.from_regime === c.from && old.to_regime === c.to) continue
        this.insertStmt.run(c.date, c.from, c.to, c.confidence, at)
        added.push(c)
      }
      // Changes the recomputed history no longer has (the bars under them changed).
      for (const date of stored.keys()) this.deleteStmt.run(date)
      return added
    })
  }

  /**
   * Make the stored changes between `from` and `to` (the computed history's
   * first and last day) equal `changes`; returns the ones not stored before.
   */
  sync(changes: readonly ComputedRegimeChange[], from: string, to: string, at: number): ComputedRegimeChange[] {
    return this.syncTx(changes, from, to, at)
  }

  /** Newest first. */
  list(limit: number): RegimeChangeEvent[] {
    return this.listStmt.all(limit).map((r) => ({
      date: r.date,
      from: r.from_regime as MarketRegime | null,
      to: r.to_regime as MarketRegime,
      confidence: r.confidence,
      recordedAt: epochMs(r.recorded_at),
    }))
  }
}
