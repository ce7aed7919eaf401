/**
 * A tier board's persisted settings (stored in the layout): which tier, the
 * sort, the filters and whether it follows a linked sector. Everything else
 * (pause, selection, paged rows, the linked sector itself) is session-only
 * and starts fresh.
 */
import {
  isTier,
  PRIORITIES,
  ROTATION_QUADRANTS,
  SECTOR_FUNDS,
  type Priority,
  type RotationQuadrant,
  type SectorFund,
  type Tier,
} from '../../../../shared/domain'

export const COLUMN_KEYS = ['time', 'symbol', 'pattern', 'market', 'confidence', 'priority', 'price', 'change', 'rvol', 'rs', 'expiry'] as const
export type ColumnKey = (typeof COLUMN_KEYS)[number]
export type SortDir = 'asc' | 'desc'

export interface TierBoardFilters {
  /** Symbols to show, as typed: separated by spaces or commas, matched exactly (case-insensitive). Empty: all. */
  symbol: string
  /** Pattern text, matched against the normalized pattern key (so "bull flag" finds BullFlag). Empty: all. */
  pattern: string
  /** 0..1; 0: no minimum. */
  minConfidence: number
  /** Exact priority, or null for all. */
  priority: Priority | null
  /** Only events stamped as aligned with the market regime at arrival (bullish in Bull, bearish in Bear). */
  aligned: boolean
  /** Only events whose sector was in one of these rotation quadrants at arrival, in ROTATION_QUADRANTS order. Empty: all. */
  quadrants: RotationQuadrant[]
  /** Only events whose symbol's sector fund (stamped at arrival) is this one; null for all. */
  sector: SectorFund | null
}

export interface TierBoardState {
  tier: Tier
  sort: { key: ColumnKey; dir: SortDir }
  filters: TierBoardFilters
  /**
   * When the link group's symbol is a sector fund (XLK...), show only that
   * sector's events: the drill-down from the rotation graph or the heatmap.
   */
  followLinkedSector: boolean
}

export const TIER_TITLES: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }

export const DEFAULT_FILTERS: TierBoardFilters = { symbol: '', pattern: '', minConfidence: 0, priority: null, aligned: false, quadrants: [], sector: null }
export const DEFAULT_SORT: TierBoardState['sort'] = { key: 'time', dir: 'desc' }

export const defaultTierBoardState = (tier: Tier = 'intraday'): TierBoardState => ({
  tier,
  sort: { ...DEFAULT_SORT },
  filters: { ...DEFAULT_FILTERS, quadrants: [] },
  followLinkedSector: true,
})

export const isColumnKey = (v: unknown): v is ColumnKey => typeof v === 'string' && (COLUMN_KEYS as readonly string[]).includes(v)
export const isSectorFund = (v: unknown): v is SectorFund => typeof v === 'string' && (SECTOR_FUNDS as readonly string[]).includes(v)
const isPriority = (v: unknown): v is Priority => typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v)
const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const text = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '')

/** Known quadrants only, each once, in ROTATION_QUADRANTS order (so equal selections compare and page alike). */
export function normalizeQuadrants(v: unknown): RotationQuadrant[] {
  if (!Array.isArray(v)) return []
  return ROTATION_QUADRANTS.filter((q) => v.includes(q))
}

/** Validate state read back from a layout field by field; anything unusable takes its default. */
export function parseTierBoardState(raw: unknown): TierBoardState {
  const o = record(raw)
  const out = defaultTierBoardState()
  if (!o) return out
  if (isTier(o.tier)) out.tier = o.tier
  const sort = record(o.sort)
  if (sort && isColumnKey(sort.key)) out.sort = { key: sort.key, dir: sort.dir === 'asc' ? 'asc' : 'desc' }
  const f = record(o.filters)
  if (f) {
    const conf = typeof f.minConfidence === 'number' && Number.isFinite(f.minConfidence) ? Math.min(1, Math.max(0, f.minConfidence)) : 0
    out.filters = {
      symbol: text(f.symbol, 200),
      pattern: text(f.pattern, 64),
      minConfidence: conf,
      priority: isPriority(f.priority) ? f.priority : null,
      aligned: f.aligned === true,
      quadrants: normalizeQuadrants(f.quadrants),
      sector: isSectorFund(f.sector) ? f.sector : null,
    }
  }
  // Layouts saved before the option follow, like new boards.
  if (typeof o.followLinkedSector === 'boolean') out.followLinkedSector = o.followLinkedSector
  return out
}
