/**
 * Pure helpers of the sector table editor: symbol and fund checks, the
 * paste/import parser, CSV export, search, and merging an edit's answer into
 * the table held on screen. No React, no api.
 */
import type { ContractError } from '../../../../shared/contract'
import { SECTOR_FUNDS, type SectorFund, type SectorTableEntry } from '../../../../shared/domain'

/** As the contract's symbol schema: up to 16 of letters, digits, ".", "-", "^", "/". */
export const SYMBOL_MAX = 16
const SYMBOL_CHARS = /^[A-Za-z0-9.\-^/]+$/
/** The most entries one `sectors.set` takes (the contract's bound). */
export const MAX_IMPORT = 5000

export interface FundName {
  fund: string
  name: string
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string }

/** A typed symbol, trimmed and upper-cased, or why it is not one. */
export function checkSymbol(raw: string): Checked<string> {
  const s = raw.trim()
  if (s === '') return { ok: false, error: 'enter a symbol' }
  if (s.length > SYMBOL_MAX) return { ok: false, error: `at most ${SYMBOL_MAX} characters` }
  if (!SYMBOL_CHARS.test(s)) return { ok: false, error: 'letters, digits, ".", "-", "^" and "/" only' }
  return { ok: true, value: s.toUpperCase() }
}

export const isSectorFund = (s: string): s is SectorFund => (SECTOR_FUNDS as readonly string[]).includes(s)

/** A fund by its code ("xlk") or its sector's name ("Technology"), any case. */
export function resolveFund(raw: string, funds: readonly FundName[]): SectorFund | null {
  const s = raw.trim().toUpperCase()
  if (isSectorFund(s)) return s
  const byName = funds.find((f) => f.name.toUpperCase() === s)
  return byName && isSectorFund(byName.fund) ? byName.fund : null
}

export interface ImportEntry {
  /** 1-based line of the pasted text. */
  line: number
  symbol: string
  fund: SectorFund
}

export interface LineError {
  /** 1-based; 0 for the paste as a whole. */
  line: number
  message: string
}

export type ImportParse = { ok: true; entries: ImportEntry[] } | { ok: false; errors: LineError[] }

/** One field of a CSV line: surrounding quotes dropped. */
const unquote = (s: string): string => {
  const t = s.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"').trim() : t
}

/**
 * Lines `SYMBOL,FUND` or `SYMBOL<TAB>FUND` (more fields are ignored, so an
 * export reads back). Blank lines, `#` comments and a `symbol,fund` header
 * are skipped. The fund may be its sector's name. Any bad line refuses the
 * whole paste: every error comes back with its line number.
 */
export function parseSectorLines(text: string, funds: readonly FundName[]): ImportParse {
  const entries: ImportEntry[] = []
  const errors: LineError[] = []
  const seen = new Map<string, ImportEntry>()
  let first = true
  const lines = text.split(/\r\n|\r|\n/)
  lines.forEach((raw, i) => {
    const line = i + 1
    const t = raw.trim()
    if (t === '' || t.startsWith('#')) return
    const fields = (t.includes('\t') ? t.split('\t') : t.split(',')).map(unquote)
    const isHeader = first && fields[0]?.toLowerCase() === 'symbol' && ['fund', 'sector'].includes(fields[1]?.toLowerCase() ?? '')
    first = false
    if (isHeader) return
    if (fields.length < 2 || fields[1] === '') {
      errors.push({ line, message: `expected SYMBOL,FUND, got "${clip(t)}"` })
      return
    }
    const symbol = checkSymbol(fields[0]!)
    if (!symbol.ok) {
      errors.push({ line, message: `"${clip(fields[0]!)}": ${symbol.error}` })
      return
    }
    const fund = resolveFund(fields[1]!, funds)
    if (fund === null) {
      errors.push({ line, message: `"${clip(fields[1]!)}" is not a sector fund (${SECTOR_FUNDS.join(', ')})` })
      return
    }
    const before = seen.get(symbol.value)
    if (before) {
      if (before.fund !== fund) errors.push({ line, message: `${symbol.value} is on line ${before.line} with ${before.fund}` })
      return
    }
    const e = { line, symbol: symbol.value, fund }
    seen.set(e.symbol, e)
    entries.push(e)
  })
  if (errors.length === 0 && entries.length === 0) errors.push({ line: 0, message: 'nothing to import: paste SYMBOL,FUND lines' })
  if (errors.length === 0 && entries.length > MAX_IMPORT) errors.push({ line: 0, message: `at most ${MAX_IMPORT} symbols at once (${entries.length} pasted)` })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries }
}

const clip = (s: string, n = 32): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** `line 3: message`, or the message alone for the paste as a whole. */
export const formatLineError = (e: LineError): string => (e.line > 0 ? `line ${e.line}: ${e.message}` : e.message)

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)

/** The table as CSV: symbol, fund, sector name, source (bundled / edited); reads back through `parseSectorLines`. */
export function toCsv(entries: readonly SectorTableEntry[], funds: readonly FundName[]): string {
  const names = new Map(funds.map((f) => [f.fund, f.name]))
  const rows = entries.map((e) => [e.symbol, e.fund, names.get(e.fund) ?? '', sourceLabel(e.source)].map(csvField).join(','))
  return ['symbol,fund,sector,source', ...rows].join('\n') + '\n'
}

export const sourceLabel = (s: SectorTableEntry['source']): string => (s === 'user' ? 'edited' : 'bundled')

/** Sector names are searched from this many characters on (a letter or two would match most of them). */
const NAME_SEARCH_MIN = 3

/**
 * Entries matching a search, any case: a symbol or fund starting with it, or
 * (from 3 characters) a sector name with a word starting with it ("tech",
 * "care"). Optionally the trader's edits only.
 */
export function filterEntries(entries: readonly SectorTableEntry[], query: string, funds: readonly FundName[], editedOnly = false): SectorTableEntry[] {
  const q = query.trim().toUpperCase()
  const byName = new Set(q.length >= NAME_SEARCH_MIN ? funds.filter((f) => f.name.toUpperCase().split(/\s+/).some((w) => w.startsWith(q))).map((f) => f.fund) : [])
  return entries.filter((e) => (!editedOnly || e.source === 'user') && (q === '' || e.symbol.startsWith(q) || e.fund.startsWith(q) || byName.has(e.fund)))
}

const bySymbol = (a: SectorTableEntry, b: SectorTableEntry): number => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)

export const sortEntries = (entries: readonly SectorTableEntry[]): SectorTableEntry[] => [...entries].sort(bySymbol)

/**
 * The table after an edit of `symbols`: `sectors.set` answers with the
 * edited symbols' entries now; a symbol missing from the answer is no longer
 * in the table (an edit reverted where the bundled table has no entry).
 */
export function mergeEntries(entries: readonly SectorTableEntry[], symbols: readonly string[], answer: readonly SectorTableEntry[]): SectorTableEntry[] {
  const changed = new Set(symbols)
  return sortEntries([...entries.filter((e) => !changed.has(e.symbol)), ...answer])
}

/**
 * A contract error of `sectors.set` for the field it names: `entries.3.symbol`
 * is reported against `lines[3]` (the pasted line of the 4th entry) when given.
 */
export function describeSetError(error: ContractError, lines?: readonly number[]): string {
  const fields = Object.entries(error.fields ?? {})
  if (fields.length === 0) return error.message
  return fields
    .map(([path, message]) => {
      const m = /^entries\.(\d+)\.(\w+)$/.exec(path)
      if (!m) return `${path}: ${message}`
      const line = lines?.[Number(m[1])]
      return line !== undefined ? `line ${line}: ${m[2]}: ${message}` : `${m[2]}: ${message}`
    })
    .join('; ')
}
