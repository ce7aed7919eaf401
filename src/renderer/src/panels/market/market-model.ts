/**
 * Pure helpers of the market panels: colour buckets, formatting, sorting,
 * the rotation graph's quadrant and placement math. No React, no api.
 */
import { MARKET_PERIODS, type EtfSnapshot, type MarketPeriod, type MarketRegime, type RotationQuadrant } from '../../../../shared/domain'

/** Panels refetch on the engine's `market` pulses, coalesced to at most one refetch in this long. */
export const MARKET_REFRESH_MS = 1_000
/** A failed request is asked again after this long while the panel is on screen. */
export const MARKET_RETRY_MS = 30_000

// ---------------------------------------------------------------- colour scale

/** Steps of the diverging scale on each side of zero (CSS classes heat-n5..heat-0..heat-p5). */
export const HEAT_STEPS = 5

/** -5..+5: which step of the diverging scale `value` falls in, full colour at |value| >= scale; null stays null. */
export function heatLevel(value: number | null | undefined, scale: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null
  if (value === 0 || scale <= 0) return 0
  // Rounded first: 1.08 - 1 is 0.08000000000000007, which must not tip into the next step.
  const step = Math.min(HEAT_STEPS, Math.ceil(Math.round((Math.abs(value) / scale) * HEAT_STEPS * 1e6) / 1e6))
  return Math.sign(value) * step
}

/** The CSS class of a heat level (theme-aware colours live in market.css). */
export function heatClass(level: number | null): string {
  if (level === null) return 'heat-none'
  if (level === 0) return 'heat-0'
  return level > 0 ? `heat-p${level}` : `heat-n${-level}`
}

export const heatClassOf = (value: number | null | undefined, scale: number): string => heatClass(heatLevel(value, scale))

/** Return (fraction) at which a period's cell is full colour. */
export const RETURN_SCALE: Record<MarketPeriod | 'intraday', number> = {
  intraday: 0.02,
  '1D': 0.02,
  '5D': 0.04,
  '1M': 0.08,
  '3M': 0.15,
  YTD: 0.25,
  '1Y': 0.3,
}
/** Relative strength against SPY (1 = in line) is full colour at 1 +/- this. */
export const RS_SCALE = 0.1

// ---------------------------------------------------------------- formatting

/** 0.0123 -> "+1.23%"; null -> "—". */
export function formatReturn(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const s = (value * 100).toFixed(digits)
  const n = Number(s)
  return `${n > 0 ? '+' : ''}${n === 0 ? (0).toFixed(digits) : s}%`
}

/** A fraction 0..1 as a whole percentage ("63%"). */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `${Math.round(value * 100)}%`
}

export function formatSigned(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const s = value.toFixed(digits)
  return Number(s) > 0 ? `+${s}` : Number(s) === 0 ? (0).toFixed(digits) : s
}

/** -0.42 -> "-0.42"; a value that rounds to zero reads "0.00", never "-0.00"; null -> "—". */
export function formatFixed(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const s = value.toFixed(digits)
  return Number(s) === 0 ? (0).toFixed(digits) : s
}

export const REGIME_CLASS: Record<MarketRegime, string> = { Bull: 'regime-bull', Bear: 'regime-bear', Consolidation: 'regime-consolidation' }

/** -1..+1 to 0..100 (% along a gauge), clamped. */
export function gaugePercent(score: number): number {
  if (!Number.isFinite(score)) return 50
  return ((Math.max(-1, Math.min(1, score)) + 1) / 2) * 100
}

/** A centred bar for a -1..+1 component: left edge and width in % of the track. */
export function centredBar(value: number | null): { left: number; width: number } {
  if (value === null || !Number.isFinite(value)) return { left: 50, width: 0 }
  const v = Math.max(-1, Math.min(1, value))
  return v >= 0 ? { left: 50, width: v * 50 } : { left: 50 + v * 50, width: -v * 50 }
}

// ---------------------------------------------------------------- ETF matrix

export type EtfColumn = 'symbol' | 'intraday' | MarketPeriod
export const ETF_COLUMNS: readonly EtfColumn[] = ['symbol', 'intraday', ...MARKET_PERIODS]
export interface EtfSort {
  key: EtfColumn
  dir: 'asc' | 'desc'
}

export function etfValue(etf: EtfSnapshot, key: Exclude<EtfColumn, 'symbol'>): number | null {
  const v = key === 'intraday' ? etf.intraday : etf.returns[key]
  return v === null || v === undefined || !Number.isFinite(v) ? null : v
}

/** Sorted copy; unknown values always last, ties by symbol. */
export function sortEtfs(etfs: readonly EtfSnapshot[], sort: EtfSort): EtfSnapshot[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...etfs].sort((a, b) => {
    if (sort.key === 'symbol') return sign * a.symbol.localeCompare(b.symbol)
    const va = etfValue(a, sort.key)
    const vb = etfValue(b, sort.key)
    if (va === null || vb === null) return va === vb ? a.symbol.localeCompare(b.symbol) : va === null ? 1 : -1
    return va === vb ? a.symbol.localeCompare(b.symbol) : sign * (va - vb)
  })
}

/** Clicking a header: the same column flips direction; a new one starts descending (ascending for the symbol). */
export function nextSort(current: EtfSort, key: EtfColumn): EtfSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
  return { key, dir: key === 'symbol' ? 'asc' : 'desc' }
}

// ---------------------------------------------------------------- rotation graph (RRG)

/** The RRG's quadrants: right of 100 is stronger than SPY, above 100 is gaining. */
export function quadrantOf(rsRatio: number, rsMomentum: number): RotationQuadrant {
  if (rsRatio >= 100) return rsMomentum >= 100 ? 'Leading' : 'Weakening'
  return rsMomentum >= 100 ? 'Improving' : 'Lagging'
}

export interface RrgScale {
  /** Half-range of each axis around 100. */
  spanX: number
  spanY: number
  width: number
  height: number
  pad: number
}

/** Axes centred on 100, each symmetric and wide enough for every point (plus 10%), at least +/- `minSpan`. */
export function rrgScale(points: readonly { rsRatio: number; rsMomentum: number }[], width: number, height: number, pad = 24, minSpan = 1): RrgScale {
  let sx = minSpan
  let sy = minSpan
  for (const p of points) {
    if (Number.isFinite(p.rsRatio)) sx = Math.max(sx, Math.abs(p.rsRatio - 100) * 1.1)
    if (Number.isFinite(p.rsMomentum)) sy = Math.max(sy, Math.abs(p.rsMomentum - 100) * 1.1)
  }
  return { spanX: sx, spanY: sy, width, height, pad }
}

/** SVG coordinates of a point: (100, 100) is the centre; momentum grows upwards. */
export function rrgPosition(scale: RrgScale, rsRatio: number, rsMomentum: number): { x: number; y: number } {
  const cx = scale.width / 2
  const cy = scale.height / 2
  const x = cx + ((rsRatio - 100) / scale.spanX) * (cx - scale.pad)
  const y = cy - ((rsMomentum - 100) / scale.spanY) * (cy - scale.pad)
  return { x: round1(x), y: round1(y) }
}

const round1 = (v: number): number => Math.round(v * 10) / 10

// ---------------------------------------------------------------- state parsing

export const isPeriod = (v: unknown): v is MarketPeriod => typeof v === 'string' && (MARKET_PERIODS as readonly string[]).includes(v)
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Where each rotation-graph label goes: beside its dot, moved to another side when it would cover a label already placed. */
export interface LabelSpot {
  x: number
  y: number
  anchor: 'start' | 'end'
}

const LABEL_H = 11
const CHAR_W = 6.5
/** Right-above first (the usual place), then right-below, left-above, left-below, and further out. */
const LABEL_OFFSETS: readonly { dx: number; dy: number; anchor: 'start' | 'end' }[] = [
  { dx: 7, dy: -6, anchor: 'start' },
  { dx: 7, dy: 13, anchor: 'start' },
  { dx: -7, dy: -6, anchor: 'end' },
  { dx: -7, dy: 13, anchor: 'end' },
  { dx: 7, dy: -18, anchor: 'start' },
  { dx: -7, dy: -18, anchor: 'end' },
  { dx: 7, dy: 25, anchor: 'start' },
  { dx: -7, dy: 25, anchor: 'end' },
]

/** Greedy placement in the given order (put the selected or hovered sector first so it keeps the usual place). */
export function placeLabels(points: readonly { symbol: string; x: number; y: number }[]): Map<string, LabelSpot> {
  const boxes: { x0: number; x1: number; y0: number; y1: number }[] = []
  const out = new Map<string, LabelSpot>()
  const boxOf = (p: { x: number; y: number }, o: (typeof LABEL_OFFSETS)[number], w: number) => {
    const x = p.x + o.dx
    const x0 = o.anchor === 'start' ? x : x - w
    return { x0, x1: x0 + w, y0: p.y + o.dy - LABEL_H + 2, y1: p.y + o.dy + 2 }
  }
  const overlaps = (b: { x0: number; x1: number; y0: number; y1: number }): boolean => boxes.some((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1)
  for (const p of points) {
    const w = p.symbol.length * CHAR_W
    let chosen = LABEL_OFFSETS[0]!
    for (const o of LABEL_OFFSETS) {
      if (!overlaps(boxOf(p, o, w))) {
        chosen = o
        break
      }
    }
    boxes.push(boxOf(p, chosen, w))
    out.set(p.symbol, { x: p.x + chosen.dx, y: p.y + chosen.dy, anchor: chosen.anchor })
  }
  return out
}
