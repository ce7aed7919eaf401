/**
 * `tickstock import bars FILE|DIR [--data DIR]`: CSV bars into the bar store
 * of a data folder.
 *
 * - The kind of each file comes from its header: daily
 *   (`date,open,high,low,close,adj_close,volume`) or 1-minute
 *   (`ts,open,high,low,close,volume`, ISO timestamps with a UTC offset).
 * - The symbol comes from the file name: `SPY.csv`, `SPY-1min.csv` -> SPY.
 * - Each file is imported in one transaction: a failure leaves nothing of it.
 * - Bad rows are reported by line number and skipped.
 * - Rows are upserted: importing the same file again changes nothing.
 * - The data folder is locked for the import, so it refuses while an engine runs on it.
 *
 * Exit codes: 0 something imported (or everything was already there), 1 nothing
 * could be imported (unreadable files, folder in use), 2 bad arguments or no CSV files.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseDailyCsv, parseOhlc, type BadRow } from '../main/engine/market/daily-bars'
import { openDatabase } from '../main/engine/store/db'
import { DataFolderInUseError, lockDataFolder } from '../main/engine/store/data-lock'
import { BarStore, type DailyBarRow, type MinuteBarRow } from '../main/engine/store/bar-store'

export const IMPORT_HELP = `tickstock import bars FILE|DIR [--data DIR]

  Imports CSV bars into the bar store of a data folder (the one serve uses).
  FILE or every *.csv in DIR; the kind is detected from the header:
    daily     date,open,high,low,close,adj_close,volume
    1-minute  ts,open,high,low,close,volume   (ts ISO-8601 with UTC offset)
  The symbol is the file name up to the first "-" (SPY.csv, SPY-1min.csv).
  Re-importing a file changes nothing; bad rows are reported and skipped.

  --data DIR   data folder (default ~/.tickstock-terminal; env TICKSTOCK_DATA)`

export const INTRADAY_CSV_HEADER = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const

export interface ImportIo {
  out: (line: string) => void
  err: (line: string) => void
  /** Progress lines (rewritten in place) when set; the CLI sets it on a TTY. */
  progress?: (text: string) => void
  env?: NodeJS.ProcessEnv
}

export interface ImportArgs {
  paths: string[]
  data: string
}

export interface FileResult {
  file: string
  symbol: string
  kind: 'daily' | '1m'
  /** Valid rows in the file. */
  rows: number
  /** Rows inserted or changed (0 on a re-import). */
  written: number
  bad: BadRow[]
}

/** Rows per write step inside a file's transaction (progress is reported between steps). */
const CHUNK_ROWS = 2000

const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

function parseMinuteRow(cells: string[], prevT: number | null): MinuteBarRow | string {
  if (cells.length !== INTRADAY_CSV_HEADER.length) return `expected ${INTRADAY_CSV_HEADER.length} fields, got ${cells.length}`
  const [ts, o, h, l, c, vol] = cells.map((x) => x.trim())
  if (!ts || !ISO_TS.test(ts)) return `ts ${JSON.stringify(ts ?? '')} is not an ISO timestamp with a UTC offset`
  const t = Date.parse(ts)
  if (!Number.isFinite(t)) return `ts ${JSON.stringify(ts)} is not a valid time`
  if (t % 60_000 !== 0) return `ts ${ts} is not the start of a minute`
  if (prevT !== null && t <= prevT) return `ts ${ts} is not after the previous row's ${new Date(prevT).toISOString()}`
  const prices = parseOhlc(o, h, l, c)
  if (typeof prices === 'string') return prices
  const { open, high, low, close } = prices
  const volume = vol === undefined || vol === '' ? NaN : Number(vol)
  if (!Number.isFinite(volume) || volume < 0) return `volume ${JSON.stringify(vol ?? '')} is not a non-negative number`
  return { t, open, high, low, close, volume }
}

/** Parse a 1-minute CSV (header already checked); bad rows by 1-based line number, blank lines ignored. */
export function parseMinuteCsv(text: string): { bars: MinuteBarRow[]; badRows: BadRow[] } {
  const lines = text.split(/\r?\n/)
  const bars: MinuteBarRow[] = []
  const badRows: BadRow[] = []
  let prevT: number | null = null
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '') continue
    const r = parseMinuteRow(raw.split(','), prevT)
    if (typeof r === 'string') badRows.push({ line: i + 1, reason: r })
    else {
      bars.push(r)
      prevT = r.t
    }
  }
  return { bars, badRows }
}

/** 'daily', '1m', or null for a header of neither kind. */
export function detectKind(text: string): 'daily' | '1m' | null {
  const header = (text.slice(0, text.search(/\r?\n|$/)) || '').replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, '')
  if (header === 'date,open,high,low,close,adj_close,volume') return 'daily'
  if (header === INTRADAY_CSV_HEADER.join(',')) return '1m'
  return null
}

/** SPY.csv, SPY-1min.csv, spy-1min-lean.csv -> SPY; null when the name is not a symbol. */
export function symbolFromFile(file: string): string | null {
  const name = basename(file).replace(/\.csv$/i, '')
  const sym = (name.split('-')[0] ?? '').toUpperCase()
  return /^[A-Z0-9.^]{1,16}$/.test(sym) ? sym : null
}

export function parseImportArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ImportArgs | string {
  const [what, ...rest] = argv
  if (what !== 'bars') return what === undefined ? 'what to import? (tickstock import bars FILE|DIR)' : `unknown import ${JSON.stringify(what)} (only "bars")`
  const paths: string[] = []
  let data: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = eq > 0 ? a.slice(0, eq) : a
      if (name !== '--data') return `unknown option ${JSON.stringify(a)}`
      const value = eq > 0 ? a.slice(eq + 1) : rest[++i]
      if (value === undefined || value === '') return '--data needs a value'
      data = value
    } else paths.push(a)
  }
  if (paths.length === 0) return 'FILE or DIR is required'
  return { paths, data: resolve(data ?? env.TICKSTOCK_DATA ?? join(homedir(), '.tickstock-terminal')) }
}

/** The CSV files named: a file as is, a directory's *.csv (sorted). */
function listFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = []
  const missing: string[] = []
  for (const p of paths) {
    let st
    try {
      st = statSync(p)
    } catch {
      missing.push(p)
      continue
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/\.csv$/i.test(f) && statSync(join(p, f)).isFile()) files.push(join(p, f))
    } else files.push(p)
  }
  return { files, missing }
}

export interface ImportFileOptions {
  /** Called between write steps inside the transaction; throwing aborts (and rolls back) the file. */
  onProgress?: (done: number, total: number) => void
}

/** Import one file in one transaction. Throws (with nothing written) on an unreadable file or a failed write. */
export function importFile(store: BarStore, file: string, opts: ImportFileOptions = {}): FileResult {
  const symbol = symbolFromFile(file)
  if (!symbol) throw new Error(`cannot tell the symbol from the file name ${basename(file)} (expected SYMBOL.csv or SYMBOL-....csv)`)
  const text = readFileSync(file, 'utf8')
  const kind = detectKind(text)
  if (!kind) throw new Error(`unknown header ${JSON.stringify(text.split(/\r?\n/)[0]?.slice(0, 80) ?? '')}: expected daily (date,open,high,low,close,adj_close,volume) or 1-minute (ts,open,high,low,close,volume) bars`)
  const parsed = kind === 'daily' ? parseDailyCsv(text) : parseMinuteCsv(text)
  const bars = parsed.bars as (DailyBarRow | MinuteBarRow)[]
  const total = bars.length
  const written = store.transaction(() => {
    let n = 0
    for (let i = 0; i < total; i += CHUNK_ROWS) {
      const chunk = bars.slice(i, i + CHUNK_ROWS)
      n += kind === 'daily' ? store.upsertDaily(symbol, chunk as DailyBarRow[]) : store.upsert1m(symbol, chunk as MinuteBarRow[])
      opts.onProgress?.(Math.min(i + CHUNK_ROWS, total), total)
    }
    return n
  })
  return { file, symbol, kind, rows: total, written, bad: parsed.badRows }
}

/** A text progress bar, `[########------------]`, `width` cells between the brackets. */
export function progressBar(done: number, total: number, width = 20): string {
  const f = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total))
  const full = Math.floor(f * width)
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`
}

export async function main(argv: readonly string[], io: Partial<ImportIo> = {}): Promise<number> {
  const out = io.out ?? ((l: string) => void process.stdout.write(`${l}\n`))
  const err = io.err ?? ((l: string) => void process.stderr.write(`${l}\n`))
  const progress = 'progress' in io ? io.progress : process.stderr.isTTY ? (t: string) => void process.stderr.write(`\r${t}\x1b[K`) : undefined
  if (argv.includes('--help') || argv.includes('-h')) {
    out(IMPORT_HELP)
    return 0
  }
  const args = parseImportArgs(argv, io.env ?? process.env)
  if (typeof args === 'string') {
    err(`tickstock import: ${args}\n\n${IMPORT_HELP}`)
    return 2
  }
  const { files, missing } = listFiles(args.paths)
  for (const m of missing) err(`tickstock import: ${m}: no such file or directory`)
  if (files.length === 0) {
    err(`tickstock import: no CSV files in ${args.paths.join(', ')}`)
    return 2
  }

  mkdirSync(args.data, { recursive: true })
  let lock
  try {
    lock = lockDataFolder(args.data)
  } catch (e) {
    if (e instanceof DataFolderInUseError) {
      err(`tickstock import: ${e.message}; stop it before importing (nothing was imported)`)
      return 1
    }
    throw e
  }
  let db
  try {
    db = openDatabase(join(args.data, 'tickstock.db'))
  } catch (e) {
    lock.release()
    err(`tickstock import: ${(e as Error).message}`)
    return 1
  }
  let imported = 0
  let failed = 0
  let rows = 0
  let written = 0
  let bad = 0
  try {
    const store = new BarStore(db)
    for (const [i, file] of files.entries()) {
      const label = `[${i + 1}/${files.length}] ${basename(file)}`
      try {
        const r = importFile(store, file, {
          onProgress: progress ? (done, total) => progress(`${label}  ${progressBar(done, total)}  ${done}/${total} rows  ${total === 0 ? 100 : Math.floor((done / total) * 100)}%`) : undefined,
        })
        if (progress) progress('')
        for (const b of r.bad) err(`tickstock import: ${file} line ${b.line}: ${b.reason} (skipped)`)
        out(`${basename(file)}: ${r.symbol} ${r.kind === 'daily' ? 'daily' : '1-minute'}, ${r.rows} rows, ${r.written} new or changed, ${r.rows - r.written} unchanged, ${r.bad.length} bad`)
        imported++
        rows += r.rows
        written += r.written
        bad += r.bad.length
      } catch (e) {
        if (progress) progress('')
        failed++
        err(`tickstock import: ${file}: ${(e as Error).message} (nothing imported from this file)`)
      }
    }
  } finally {
    db.close()
    lock.release()
  }
  out(`imported ${imported} of ${files.length} files into ${args.data}: ${rows} rows, ${written} new or changed, ${bad} bad rows skipped${failed ? `, ${failed} files failed` : ''}`)
  return imported > 0 ? 0 : 1
}
