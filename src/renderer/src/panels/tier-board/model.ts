/**
 * The tier board's data rules, free of React: filtering, sorting, what the
 * engine is asked for when paging back, and how paged rows stay attached to
 * the live rows as those slide.
 */
import type { PatternQuery } from '../../../../shared/contract'
import { PRIORITIES, type PatternEvent, type PatternMarketStamp, type Priority, type SectorFund, type Tier } from '../../../../shared/domain'
import { displayName, patternKey } from '../../../../shared/patterns'
import { isSectorFund, type ColumnKey, type SortDir, type TierBoardFilters } from './state'

/** Rows asked for per page. */
export const PAGE_LIMIT = 200
/** Older rows a board holds at most, on top of the live ones. */
export const MAX_PAGED = 2000

export type RowPredicate = (e: PatternEvent) => boolean

const SYMBOL_RE = /^[A-Z0-9.\-^/]{1,16}$/

/** "aapl, msft nvda" -> ["AAPL", "MSFT", "NVDA"] (unique, in order). */
export function parseSymbols(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(/[\s,;]+/)) {
    const s = raw.trim().toUpperCase()
    if (s && !out.includes(s)) out.push(s)
  }
  return out
}

/** The lowest confidence of each priority (priority is derived from confidence: domain.priorityFor). */
const PRIORITY_FLOOR: Record<Priority, number> = { LOW: 0, MEDIUM: 0.7, HIGH: 0.8, CRITICAL: 0.9 }

/** A known (canonical) pattern's key, or null: such names are matched exactly, anything else as a substring of the key. */
function canonicalKey(text: string): string | null {
  const key = patternKey(text)
  return key && displayName('\u0000', key) !== '\u0000' ? key : null
}

export const hasMarketFilters = (f: TierBoardFilters): boolean => f.aligned || f.quadrants.length > 0 || f.sector !== null

export const hasFilters = (f: TierBoardFilters): boolean =>
  f.symbol.trim() !== '' || f.pattern.trim() !== '' || f.minConfidence > 0 || f.priority !== null || hasMarketFilters(f)

/** The market filters' row test; an event without a stamp (stored before stamping) passes none of them. */
function marketTest(f: TierBoardFilters): ((m: PatternMarketStamp | null) => boolean) | null {
  if (!hasMarketFilters(f)) return null
  const { aligned, sector } = f
  const quadrants = f.quadrants.length > 0 ? new Set<string>(f.quadrants) : null
  return (m) =>
    m !== null &&
    (!aligned || m.aligned) &&
    (quadrants === null || (m.quadrant !== null && quadrants.has(m.quadrant))) &&
    (sector === null || m.sector === sector)
}

/** The row test for the filters, or null when nothing is filtered. */
export function makePredicate(f: TierBoardFilters): RowPredicate | null {
  if (!hasFilters(f)) return null
  const symbols = parseSymbols(f.symbol)
  const symbolSet = symbols.length ? new Set(symbols) : null
  const patternText = f.pattern.trim()
  const exactKey = patternText ? canonicalKey(patternText) : null
  const partKey = patternText && !exactKey ? patternKey(patternText) : ''
  const minConf = f.minConfidence
  const priority = f.priority
  const market = marketTest(f)
  return (e) =>
    (symbolSet === null || symbolSet.has(e.symbol)) &&
    (e.confidence >= minConf) &&
    (priority === null || e.priority === priority) &&
    (exactKey === null || e.patternKey === exactKey) &&
    (partKey === '' || e.patternKey.includes(partKey)) &&
    (market === null || market(e.market))
}

export type EngineFilter = Pick<PatternQuery, 'symbols' | 'patterns' | 'confidenceMin' | 'aligned' | 'quadrants' | 'sectors'>

/**
 * What the engine can filter by for a page (symbols, pattern, confidence,
 * the market stamp): the same rows as the predicate or a superset, which the
 * predicate narrows.
 */
export function engineFilter(f: TierBoardFilters): EngineFilter {
  const out: EngineFilter = {}
  const symbols = parseSymbols(f.symbol)
  // An invalid ticker matches nothing here; the engine would refuse the whole query.
  if (symbols.length > 0) {
    const valid = symbols.filter((s) => SYMBOL_RE.test(s)).slice(0, 500)
    out.symbols = valid.length ? valid : ['-']
  }
  const key = f.pattern.trim() ? canonicalKey(f.pattern.trim()) : null
  if (key) out.patterns = [key]
  const min = Math.max(f.minConfidence, f.priority ? PRIORITY_FLOOR[f.priority] : 0)
  if (min > 0) out.confidenceMin = Math.min(1, min)
  // Only `aligned: true`: the board never asks for the misaligned ones alone.
  if (f.aligned) out.aligned = true
  if (f.quadrants.length > 0) out.quadrants = [...f.quadrants]
  if (f.sector !== null) out.sectors = [f.sector]
  return out
}

// ---------------------------------------------------------------- linked sector

/**
 * The sector a board following its link group shows after the group's symbol
 * changed to `symbol`: a sector fund (the drill-down from the market panels)
 * is that sector; a stock of the sector already shown keeps it (clicking one
 * of its rows to chart it must not undo the drill-down); any other symbol,
 * or none, clears it.
 */
export function nextLinkedSector(
  shown: SectorFund | null,
  symbol: string | null,
  sectorOf: (symbol: string) => string | null | undefined,
): SectorFund | null {
  if (symbol === null) return null
  if (isSectorFund(symbol)) return symbol
  return shown !== null && sectorOf(symbol) === shown ? shown : null
}

// ---------------------------------------------------------------- sorting

type Getter = (e: PatternEvent) => number | string | null

const GETTERS: Record<ColumnKey, Getter> = {
  time: (e) => e.detectedAt,
  symbol: (e) => e.symbol,
  pattern: (e) => e.pattern,
  market: (e) => e.market?.sector ?? null,
  confidence: (e) => e.confidence,
  priority: (e) => PRIORITIES.indexOf(e.priority),
  price: (e) => e.price,
  change: (e) => e.changePct,
  rvol: (e) => e.relativeVolume,
  rs: (e) => e.relativeStrength,
  expiry: (e) => e.expiresAt,
}

/** Text columns (the market column sorts by sector fund) sort A-Z first; numbers, times and levels biggest (newest) first. */
export const firstDir = (key: ColumnKey): SortDir => (key === 'symbol' || key === 'pattern' || key === 'market' ? 'asc' : 'desc')

/** Compare by a column; missing values last whatever the direction; ties newest first. */
export function comparator(key: ColumnKey, dir: SortDir): (a: PatternEvent, b: PatternEvent) => number {
  const get = GETTERS[key]
  const sign = dir === 'asc' ? 1 : -1
  return (a, b) => {
    const va = get(a)
    const vb = get(b)
    if (va !== vb) {
      if (va === null) return 1
      if (vb === null) return -1
      if (typeof va === 'string' && typeof vb === 'string') {
        const c = va < vb ? -1 : va > vb ? 1 : 0
        if (c !== 0) return c * sign
      } else if (va < vb) return -sign
      else if (va > vb) return sign
    }
    return key === 'time' ? (a.id - b.id) * sign : b.id - a.id
  }
}

/** Filter then sort; returns `rows` itself when neither changes anything. */
export function deriveRows(rows: readonly PatternEvent[], predicate: RowPredicate | null, key: ColumnKey, dir: SortDir): readonly PatternEvent[] {
  const filtered = predicate ? rows.filter(predicate) : rows
  if (filtered.length < 2) return filtered
  const cmp = comparator(key, dir)
  // Live rows arrive newest first: for the default sort, check before copying.
  let sorted = true
  for (let i = 1; i < filtered.length; i++) {
    if (cmp(filtered[i - 1]!, filtered[i]!) > 0) {
      sorted = false
      break
    }
  }
  if (sorted) return filtered
  return (filtered === rows ? filtered.slice() : (filtered as PatternEvent[])).sort(cmp)
}

// ---------------------------------------------------------------- pause

/** Live rows newer than the frozen view's newest that pass the filters; `overflow` when the live window moved past the frozen view entirely. */
export function countQueued(live: readonly PatternEvent[], frozen: readonly PatternEvent[], predicate: RowPredicate | null): { count: number; overflow: boolean } {
  const top = frozen[0]?.id ?? -Infinity
  let count = 0
  let i = 0
  for (; i < live.length && live[i]!.id > top; i++) if (!predicate || predicate(live[i]!)) count++
  return { count, overflow: i === live.length && live.length > 0 && frozen.length > 0 }
}

// ---------------------------------------------------------------- paging

/** Older rows paged from the engine, valid for one tier + filter key, attached below `anchor` (the rows above them). */
export interface PagedRows {
  key: string
  /** The rows these continue (the live or frozen rows as they were last seen). */
  anchor: readonly PatternEvent[]
  rows: PatternEvent[]
  /** The engine returned fewer than asked: nothing older. */
  exhausted: boolean
  error: string | null
  /** A page for this key is on its way. */
  loading: boolean
}

export const pagingKey = (tier: Tier, f: TierBoardFilters): string => JSON.stringify([tier, engineFilter(f), f.pattern.trim(), f.priority])

/** Shared empty list (never mutated: paged rows only grow by concat). */
const NO_ROWS: PatternEvent[] = []

export const emptyPaged = (key: string, anchor: readonly PatternEvent[]): PagedRows => ({ key, anchor, rows: NO_ROWS, exhausted: false, error: null, loading: false })

/** Nothing paged, nothing pending: no need to follow the rows above. */
export const isIdle = (p: PagedRows): boolean => p.rows.length === 0 && !p.exhausted && !p.error && !p.loading

const tailId = (rows: readonly PatternEvent[]): number | null => rows[rows.length - 1]?.id ?? null

/**
 * Keep paged rows attached when the rows above them change: rows that fell
 * off the end of the live window (older than its new last row) move to the
 * head of the paged rows, filtered, so the list stays continuous; paged rows
 * beyond MAX_PAGED drop off the far end. If the new rows do not overlap the
 * old ones (more arrived than the live window holds, or the view unfroze
 * after that), the paged rows no longer connect and are dropped.
 */
export function reanchor(paged: PagedRows, next: readonly PatternEvent[], predicate: RowPredicate | null): PagedRows {
  const prev = paged.anchor
  if (prev === next) return paged
  const prevTail = tailId(prev)
  const nextTail = tailId(next)
  // Same end, or the window reached further back (a reload): the paged rows still follow it (joinRows drops repeats).
  if (prevTail === nextTail || (prevTail !== null && nextTail !== null && nextTail < prevTail)) return { ...paged, anchor: next }
  if (prevTail === null || nextTail === null || nextTail > prev[0]!.id) return emptyPaged(paged.key, next)
  // prev is newest first by id: the rows older than the new tail fell off.
  let lo = 0
  let hi = prev.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (prev[mid]!.id < nextTail) hi = mid
    else lo = mid + 1
  }
  const fell = prev.slice(lo)
  const moved = predicate ? fell.filter(predicate) : fell
  let rows = moved.length ? moved.concat(paged.rows) : paged.rows
  let exhausted = paged.exhausted
  if (rows.length > MAX_PAGED) {
    rows = rows.slice(0, MAX_PAGED)
    exhausted = false
  }
  return { ...paged, anchor: next, rows, exhausted }
}

/** Rows above + paged rows, without ids seen above (the engine pages by time, the live window by id). */
export function joinRows(above: readonly PatternEvent[], paged: readonly PatternEvent[]): readonly PatternEvent[] {
  if (paged.length === 0) return above
  const seen = new Set<number>()
  for (const e of above) seen.add(e.id)
  const out = above.slice()
  for (const e of paged) if (!seen.has(e.id)) out.push(e)
  return out
}

export interface Cursor {
  detectedAt: number
  id: number
}

/** The paging cursor: the oldest row held (the last row, in the engine's (detectedAt, id) order). */
export function pageCursor(p: Pick<PagedRows, 'anchor' | 'rows'>): Cursor | null {
  const last = p.rows[p.rows.length - 1] ?? p.anchor[p.anchor.length - 1]
  return last ? { detectedAt: last.detectedAt, id: last.id } : null
}

/**
 * A page arrived for `key` after `cursor`. It extends `current` only if that
 * still ends at the cursor (rows that fell from the live window meanwhile sit
 * above it, which is fine); otherwise the list moved under the request and the
 * page is dropped (the board asks again if it still needs rows).
 */
export function addPage(current: PagedRows, key: string, cursor: Cursor, page: readonly PatternEvent[], limit: number): PagedRows {
  if (current.key !== key) return current
  const end = pageCursor(current)
  if (!end || end.id !== cursor.id) return { ...current, loading: false }
  let rows = current.rows.concat(page)
  if (rows.length > MAX_PAGED) rows = rows.slice(0, MAX_PAGED)
  return { ...current, rows, exhausted: page.length < limit, error: null, loading: false }
}

/** Drop paged rows beyond the first `keep` (the far end, once the user scrolled back up). */
export function trimPaged(current: PagedRows, keep: number): PagedRows {
  if (current.rows.length <= keep) return current
  return { ...current, rows: current.rows.slice(0, Math.max(0, keep)), exhausted: false }
}
