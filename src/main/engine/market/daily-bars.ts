/**
 * Daily bars from `SYMBOL.csv` files (`date,open,high,low,close,adj_close,volume`,
 * ISO dates ascending) and their alignment on a common calendar.
 *
 * Prices in these files are split-adjusted but not dividend-adjusted; `adjClose`
 * is adjusted for both, so returns and trends are computed from `adjClose`,
 * while chart levels (swing highs/lows) use `high`/`low`.
 */

export interface DailyBar {
  /** ISO date, YYYY-MM-DD. */
  date: string
  open: number
  high: number
  low: number
  close: number
  /** Split- and dividend-adjusted close. Equals `close` when the file leaves it empty (an index such as VIX). */
  adjClose: number
  /** 0 when the file leaves it empty. */
  volume: number
}

export interface BadRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number
  reason: string
}

export interface ParsedDailyBars {
  bars: DailyBar[]
  badRows: BadRow[]
}

export const DAILY_CSV_HEADER = ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] as const

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function isValidIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s)
  if (!m) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** A positive price from a CSV cell, or why not (shared by every bar file reader). */
function parsePrice(s: string | undefined, name: string): number | string {
  if (s === undefined || s.trim() === '') return `${name} is empty`
  const v = Number(s)
  if (!Number.isFinite(v)) return `${name} ${JSON.stringify(s)} is not a number`
  if (v <= 0) return `${name} ${s} is not positive`
  return v
}

/** Open, high, low and close from CSV cells, each positive and consistent, or why not (every bar file reader). */
export function parseOhlc(o: string | undefined, h: string | undefined, l: string | undefined, c: string | undefined): { open: number; high: number; low: number; close: number } | string {
  const open = parsePrice(o, 'open')
  if (typeof open === 'string') return open
  const high = parsePrice(h, 'high')
  if (typeof high === 'string') return high
  const low = parsePrice(l, 'low')
  if (typeof low === 'string') return low
  const close = parsePrice(c, 'close')
  if (typeof close === 'string') return close
  if (low > Math.min(open, close) || high < Math.max(open, close) || low > high) {
    return `inconsistent prices: low ${low} / high ${high} do not bracket open ${open} and close ${close}`
  }
  return { open, high, low, close }
}

/** One data row -> a bar, or the reason it is rejected. */
function parseRow(cells: string[], prevDate: string | null): DailyBar | string {
  if (cells.length !== DAILY_CSV_HEADER.length) return `expected ${DAILY_CSV_HEADER.length} fields, got ${cells.length}`
  const [date, o, h, l, c, adj, vol] = cells.map((x) => x.trim())
  if (!date || !isValidIsoDate(date)) return `date ${JSON.stringify(date ?? '')} is not an ISO date (YYYY-MM-DD)`
  if (prevDate !== null && date <= prevDate) return `date ${date} is not after the previous row's ${prevDate}`
  const prices = parseOhlc(o, h, l, c)
  if (typeof prices === 'string') return prices
  const { open, high, low, close } = prices
  let adjClose = close
  if (adj !== undefined && adj !== '') {
    const a = parsePrice(adj, 'adj_close')
    if (typeof a === 'string') return a
    adjClose = a
  }
  let volume = 0
  if (vol !== undefined && vol !== '') {
    volume = Number(vol)
    if (!Number.isInteger(volume) || volume < 0) return `volume ${JSON.stringify(vol)} is not a non-negative integer`
  }
  return { date, open, high, low, close, adjClose, volume }
}

/**
 * Parse a daily CSV. The header must be `date,open,high,low,close,adj_close,volume`
 * (a wrong header throws: the file is not this format). Every bad data row
 * (wrong field count, bad date, date not ascending, non-positive or
 * non-numeric price, inconsistent OHLC, bad volume) is reported by its line
 * number and skipped; blank lines are ignored.
 */
export function parseDailyCsv(text: string): ParsedDailyBars {
  const lines = text.split(/\r?\n/)
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim().toLowerCase()
  if (header !== DAILY_CSV_HEADER.join(',')) {
    throw new Error(`expected header "${DAILY_CSV_HEADER.join(',')}", got ${JSON.stringify(lines[0] ?? '')}`)
  }
  const bars: DailyBar[] = []
  const badRows: BadRow[] = []
  let prevDate: string | null = null
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '') continue
    const r = parseRow(raw.split(','), prevDate)
    if (typeof r === 'string') {
      badRows.push({ line: i + 1, reason: r })
    } else {
      bars.push(r)
      prevDate = r.date
    }
  }
  return { bars, badRows }
}

/** Several symbols on one calendar. Missing values are NaN (before a fund's inception, or a gap). */
export interface AlignedBars {
  dates: string[]
  symbols: string[]
  /** symbol -> adjusted close per date of `dates`. */
  adjClose: Map<string, Float64Array>
  /** symbol -> bars (or undefined) per date of `dates`. */
  bars: Map<string, (DailyBar | undefined)[]>
}

/**
 * Align symbols on the calendar of `base` (default: the first symbol, usually
 * SPY). Dates a symbol has that `base` lacks are dropped; dates it lacks are NaN.
 */
export function alignBars(series: ReadonlyMap<string, readonly DailyBar[]>, base?: string): AlignedBars {
  const symbols = [...series.keys()]
  const baseSym = base ?? symbols[0]
  const baseBars = baseSym === undefined ? undefined : series.get(baseSym)
  if (!baseBars) throw new Error(`alignBars: base symbol ${String(baseSym)} not in the series`)
  const dates = baseBars.map((b) => b.date)
  const index = new Map(dates.map((d, i) => [d, i]))
  const adjClose = new Map<string, Float64Array>()
  const bars = new Map<string, (DailyBar | undefined)[]>()
  for (const sym of symbols) {
    const adj = new Float64Array(dates.length).fill(NaN)
    const byDate: (DailyBar | undefined)[] = new Array<DailyBar | undefined>(dates.length).fill(undefined)
    for (const b of series.get(sym) ?? []) {
      const i = index.get(b.date)
      if (i === undefined) continue
      adj[i] = b.adjClose
      byDate[i] = b
    }
    adjClose.set(sym, adj)
    bars.set(sym, byDate)
  }
  return { dates, symbols, adjClose, bars }
}
