/** A fixed sector table for the sector table tests (the engine side is faked: see FakeTerminalApi). Not used by the app. */
import { ok, type RequestParams, type RequestResult, type Result } from '../../../../shared/contract'
import { SECTOR_FUNDS, SECTOR_NAMES, type SectorTableEntry } from '../../../../shared/domain'

/** The real sector names (the engine's table). */
export const FUND_NAMES = SECTOR_NAMES

export const funds = (): { fund: string; name: string }[] => SECTOR_FUNDS.map((fund) => ({ fund, name: FUND_NAMES[fund] }))

export const BUNDLED: readonly SectorTableEntry[] = [
  { symbol: 'AAPL', fund: 'XLK', source: 'bundled' },
  { symbol: 'JPM', fund: 'XLF', source: 'bundled' },
  { symbol: 'MSFT', fund: 'XLK', source: 'bundled' },
  { symbol: 'NEE', fund: 'XLU', source: 'bundled' },
  { symbol: 'UNH', fund: 'XLV', source: 'bundled' },
  { symbol: 'XOM', fund: 'XLE', source: 'bundled' },
]

/**
 * An in-memory sector table behind sectors.table / set / reset, as the engine
 * keeps it: the bundled entries with edits over them; set answers with the
 * edited symbols' entries; reset drops every edit.
 */
export class FakeSectorTable {
  readonly edits = new Map<string, string>()
  constructor(readonly bundled: readonly SectorTableEntry[] = BUNDLED) {}

  entries(): SectorTableEntry[] {
    const out = new Map<string, SectorTableEntry>(this.bundled.map((e) => [e.symbol, e]))
    for (const [symbol, fund] of this.edits) out.set(symbol, { symbol, fund, source: 'user' })
    return [...out.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1))
  }

  table = (): Result<RequestResult<'sectors.table'>> => ok({ funds: funds(), entries: this.entries() })

  set = (p: RequestParams<'sectors.set'>): Result<RequestResult<'sectors.set'>> => {
    for (const e of p.entries) {
      if (e.fund === null) this.edits.delete(e.symbol)
      else this.edits.set(e.symbol, e.fund)
    }
    const changed = new Set(p.entries.map((e) => e.symbol))
    return ok({ entries: this.entries().filter((e) => changed.has(e.symbol)) })
  }

  reset = (): Result<RequestResult<'sectors.reset'>> => {
    this.edits.clear()
    return ok({ entries: this.entries() })
  }
}

/** `n` bundled entries S0000.. spread over the funds: a long table for the virtualized list. */
export function manyEntries(n: number): SectorTableEntry[] {
  return Array.from({ length: n }, (_, i) => ({ symbol: `S${String(i).padStart(4, '0')}`, fund: SECTOR_FUNDS[i % SECTOR_FUNDS.length]!, source: 'bundled' as const }))
}
