/**
 * The symbol -> sector table the engine uses: the bundled one (sectors.ts)
 * with the trader's edits over it, kept in SQLite (`sector_edits`) so they
 * survive restarts and upgrades. Lookups are one map read (stamping runs for
 * every event).
 */
import type { Statement } from 'better-sqlite3'
import { SECTOR_FUNDS, type SectorFund, type SectorTableEntry } from '../../../shared/domain'
import type { Database } from '../store/db'
import { SECTOR_NAMES, SYMBOL_SECTOR, isSectorFund } from './sectors'

export interface SectorEdit {
  symbol: string
  /** null: drop the edit (back to the bundled entry, if any). */
  fund: SectorFund | null
}

export class SectorTable {
  private readonly edits = new Map<string, SectorFund>()
  private readonly upsertStmt: Statement<[string, string, number]>
  private readonly deleteStmt: Statement<[string]>
  private readonly clearStmt: Statement<[]>
  private readonly applyTx: (edits: readonly SectorEdit[]) => void
  /** Moves with every change, so callers can tell the table changed. */
  version = 0

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    for (const r of db.prepare<[], { symbol: string; fund: string }>('SELECT symbol, fund FROM sector_edits').all()) {
      // A row this build does not know (a fund renamed in a later version) is ignored, not fatal.
      if (isSectorFund(r.fund)) this.edits.set(r.symbol, r.fund)
    }
    this.upsertStmt = db.prepare('INSERT INTO sector_edits (symbol, fund, updated_at) VALUES (?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET fund = excluded.fund, updated_at = excluded.updated_at')
    this.deleteStmt = db.prepare('DELETE FROM sector_edits WHERE symbol = ?')
    this.clearStmt = db.prepare('DELETE FROM sector_edits')
    this.applyTx = db.transaction((edits: readonly SectorEdit[]) => {
      const at = this.now()
      for (const e of edits) {
        if (e.fund === null) this.deleteStmt.run(e.symbol)
        else this.upsertStmt.run(e.symbol, e.fund, at)
      }
    })
  }

  /** The sector fund of a symbol (upper case), or null when neither the edits nor the bundled table know it. */
  fundOf(symbol: string): SectorFund | null {
    return this.edits.get(symbol) ?? SYMBOL_SECTOR.get(symbol) ?? null
  }

  funds(): { fund: string; name: string }[] {
    return SECTOR_FUNDS.map((fund) => ({ fund, name: SECTOR_NAMES[fund] }))
  }

  /** Every symbol the table knows, by symbol; an edit replaces the bundled entry. */
  entries(): SectorTableEntry[] {
    const out = new Map<string, SectorTableEntry>()
    for (const [symbol, fund] of SYMBOL_SECTOR) out.set(symbol, { symbol, fund, source: 'bundled' })
    for (const [symbol, fund] of this.edits) out.set(symbol, { symbol, fund, source: 'user' })
    return [...out.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
  }

  /** Apply edits in one transaction (all or none); the in-memory table changes only once they are stored. */
  set(edits: readonly SectorEdit[]): void {
    this.applyTx(edits)
    for (const e of edits) {
      if (e.fund === null) this.edits.delete(e.symbol)
      else this.edits.set(e.symbol, e.fund)
    }
    this.version++
  }

  /** Drop every edit. */
  reset(): void {
    this.clearStmt.run()
    this.edits.clear()
    this.version++
  }

  get editCount(): number {
    return this.edits.size
  }
}
