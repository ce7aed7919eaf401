/**
 * A tier board's persisted settings (stored in the layout): which tier, the
 * sort and the filters. Everything else (pause, selection, paged rows) is
 * session-only and starts fresh.
 */
import { isTier, PRIORITIES, type Priority, type Tier } from '../../../../shared/domain'

export const COLUMN_KEYS = ['time', 'symbol', 'pattern', 'confidence', 'priority', 'price', 'change', 'rvol', 'rs', 'expiry'] as const
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
}

export interface TierBoardState {
  tier: Tier
  sort: { key: ColumnKey; dir: SortDir }
  filters: TierBoardFilters
}

export const TIER_TITLES: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }

export const DEFAULT_FILTERS: TierBoardFilters = { symbol: '', pattern: '', minConfidence: 0, priority: null }
export const DEFAULT_SORT: TierBoardState['sort'] = { key: 'time', dir: 'desc' }

export const defaultTierBoardState = (tier: Tier = 'intraday'): TierBoardState => ({
  tier,
  sort: { ...DEFAULT_SORT },
  filters: { ...DEFAULT_FILTERS },
})

export const isColumnKey = (v: unknown): v is ColumnKey => typeof v === 'string' && (COLUMN_KEYS as readonly string[]).includes(v)
const isPriority = (v: unknown): v is Priority => typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v)
const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const text = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '')

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
    }
  }
  return out
}
