/** Read a directory of daily `SYMBOL.csv` files (Node only; the rest of market/ is pure). */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseDailyCsv, type BadRow, type DailyBar } from './daily-bars'

const SYMBOL_FILE = /^([A-Z0-9.^-]+)\.csv$/

export interface LoadedDir {
  bars: Map<string, DailyBar[]>
  /** Bad rows per file name, e.g. `SPY.csv`. */
  badRows: Map<string, BadRow[]>
}

/** Load `SYMBOL.csv` files from `dir` (all of them, or only `symbols` when given and present). */
export async function loadDailyDir(dir: string, symbols?: readonly string[]): Promise<LoadedDir> {
  const names = (await readdir(dir)).filter((f) => SYMBOL_FILE.test(f)).sort()
  const wanted = symbols ? new Set(symbols) : null
  const bars = new Map<string, DailyBar[]>()
  const badRows = new Map<string, BadRow[]>()
  for (const name of names) {
    const sym = (SYMBOL_FILE.exec(name) as RegExpExecArray)[1] as string
    if (wanted && !wanted.has(sym)) continue
    const parsed = parseDailyCsv(await readFile(join(dir, name), 'utf8'))
    bars.set(sym, parsed.bars)
    if (parsed.badRows.length > 0) badRows.set(name, parsed.badRows)
  }
  return { bars, badRows }
}
