/** The board's tier and filter controls and column header: memoized, so streaming rows do not re-render them. */
import { memo, useState, type ChangeEvent } from 'react'
import { PRIORITIES, TIERS, type PatternEvent, type Priority, type Tier } from '../../../../shared/domain'
import { COLUMN_KEYS, TIER_TITLES, type ColumnKey, type SortDir, type TierBoardFilters } from './state'

export const COLUMN_LABELS: Record<ColumnKey, { label: string; title: string }> = {
  time: { label: 'Time', title: 'Detected, New York time' },
  symbol: { label: 'Symbol', title: 'Symbol' },
  pattern: { label: 'Pattern', title: 'Pattern (◆ letters: also seen in those tiers)' },
  confidence: { label: 'Conf', title: 'Confidence, %' },
  priority: { label: 'Priority', title: 'Priority' },
  price: { label: 'Price', title: 'Price at detection' },
  change: { label: 'Chg %', title: 'Price change, %' },
  rvol: { label: 'RVol', title: 'Relative volume' },
  rs: { label: 'RS', title: 'Relative strength' },
  expiry: { label: 'Expires', title: 'Time until the pattern expires' },
}

export interface ToolbarProps {
  tier: Tier
  filters: TierBoardFilters
  /** Live rows from which to offer pattern names. */
  liveRows: () => readonly PatternEvent[]
  listId: string
  onTier(tier: Tier): void
  onFilters(patch: Partial<TierBoardFilters>): void
}

export const Toolbar = memo(function Toolbar({ tier, filters, liveRows, listId, onTier, onFilters }: ToolbarProps) {
  // Pattern names are offered from the rows held when the field gets focus, not recomputed per push.
  const [patternNames, setPatternNames] = useState<string[]>([])
  const offerPatterns = () => {
    const names = new Set<string>()
    for (const e of liveRows()) names.add(e.pattern)
    setPatternNames([...names].sort())
  }
  const confValue = filters.minConfidence > 0 ? String(Math.round(filters.minConfidence * 1000) / 10) : ''
  return (
    <>
      <select
        className="tb-tier"
        data-testid="tier-select"
        aria-label="Tier"
        value={tier}
        onChange={(e: ChangeEvent<HTMLSelectElement>) => onTier(e.target.value as Tier)}
      >
        {TIERS.map((t) => (
          <option key={t} value={t}>
            {TIER_TITLES[t]}
          </option>
        ))}
      </select>
      <input
        className="tb-f-symbol"
        data-testid="filter-symbol"
        aria-label="Filter by symbol"
        placeholder="Symbols"
        spellCheck={false}
        autoComplete="off"
        value={filters.symbol}
        onChange={(e) => onFilters({ symbol: e.target.value })}
      />
      <input
        className="tb-f-pattern"
        data-testid="filter-pattern"
        aria-label="Filter by pattern"
        placeholder="Pattern"
        spellCheck={false}
        autoComplete="off"
        list={listId}
        value={filters.pattern}
        onFocus={offerPatterns}
        onChange={(e) => onFilters({ pattern: e.target.value })}
      />
      <datalist id={listId}>
        {patternNames.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <input
        className="tb-f-conf"
        data-testid="filter-confidence"
        aria-label="Minimum confidence, percent"
        title="Minimum confidence, %"
        placeholder="Min %"
        type="number"
        min={0}
        max={100}
        step={5}
        value={confValue}
        onChange={(e) => {
          const v = Number.parseFloat(e.target.value)
          onFilters({ minConfidence: Number.isFinite(v) ? Math.min(100, Math.max(0, v)) / 100 : 0 })
        }}
      />
      <select
        className="tb-f-priority"
        data-testid="filter-priority"
        aria-label="Filter by priority"
        value={filters.priority ?? ''}
        onChange={(e) => onFilters({ priority: e.target.value === '' ? null : (e.target.value as Priority) })}
      >
        <option value="">Priority</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </>
  )
})

export interface HeaderProps {
  sortKey: ColumnKey
  sortDir: SortDir
  onSort(key: ColumnKey): void
}

export const Header = memo(function Header({ sortKey, sortDir, onSort }: HeaderProps) {
  return (
    <div className="tb-head" role="row">
      {COLUMN_KEYS.map((key) => {
        const active = key === sortKey
        return (
          <div
            key={key}
            role="columnheader"
            className={`tb-h tb-h-${key}${active ? ' is-sorted' : ''}`}
            data-testid={`col-${key}`}
            aria-sort={active ? (sortDir === 'asc' ? 'ascending' : 'descending') : 'none'}
            title={COLUMN_LABELS[key].title}
            onClick={() => onSort(key)}
          >
            {COLUMN_LABELS[key].label}
            {active && <span className="tb-sort-arrow">{sortDir === 'asc' ? '▲' : '▼'}</span>}
          </div>
        )
      })}
    </div>
  )
})
