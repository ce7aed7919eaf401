/** The board's tier and filter controls and column header: memoized, so streaming rows do not re-render them. */
import { memo, useState, type ChangeEvent } from 'react'
import { PRIORITIES, SECTOR_FUNDS, TIERS, type PatternEvent, type Priority, type RotationQuadrant, type SectorFund, type Tier } from '../../../../shared/domain'
import { fundLabel } from './sector-info'
import { COLUMN_KEYS, isSectorFund, normalizeQuadrants, TIER_TITLES, type ColumnKey, type SortDir, type TierBoardFilters } from './state'

export const COLUMN_LABELS: Record<ColumnKey, { label: string; title: string }> = {
  time: { label: 'Time', title: 'Detected, New York time' },
  symbol: { label: 'Symbol', title: 'Symbol' },
  pattern: { label: 'Pattern', title: 'Pattern (◆ letters: also seen in those tiers)' },
  market: {
    label: 'Mkt',
    title: 'Market at arrival: ▲ Bull / ▼ Bear regime (coloured when the pattern points its way), sector fund, rotation quadrant dot; sorts by sector',
  },
  confidence: { label: 'Conf', title: 'Confidence, %' },
  priority: { label: 'Priority', title: 'Priority' },
  price: { label: 'Price', title: 'Price at detection' },
  change: { label: 'Chg %', title: 'Price change, %' },
  rvol: { label: 'RVol', title: 'Relative volume' },
  rs: { label: 'RS', title: 'Relative strength' },
  expiry: { label: 'Expires', title: 'Time until the pattern expires' },
}

/** Chip order as the rotation graph reads clockwise from its top right; colours as on the graph. */
const QUADRANT_CHIPS: readonly { q: RotationQuadrant; short: string }[] = [
  { q: 'Leading', short: 'Lead' },
  { q: 'Improving', short: 'Impr' },
  { q: 'Weakening', short: 'Weak' },
  { q: 'Lagging', short: 'Lag' },
]

export interface ToolbarProps {
  tier: Tier
  /** The board's own filters (the linked sector is not among them). */
  filters: TierBoardFilters
  /** The sector the link group drilled into, while the board follows it. */
  linkedSector: SectorFund | null
  followLinkedSector: boolean
  sectorNames: ReadonlyMap<string, string>
  /** Live rows from which to offer pattern names. */
  liveRows: () => readonly PatternEvent[]
  listId: string
  onTier(tier: Tier): void
  onFilters(patch: Partial<TierBoardFilters>): void
  onFollowLinkedSector(follow: boolean): void
}

export const Toolbar = memo(function Toolbar({
  tier,
  filters,
  linkedSector,
  followLinkedSector,
  sectorNames,
  liveRows,
  listId,
  onTier,
  onFilters,
  onFollowLinkedSector,
}: ToolbarProps) {
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
      <span className="tb-market-filters" role="group" aria-label="Market at arrival">
        <button
          type="button"
          className={filters.aligned ? 'tb-aligned is-on' : 'tb-aligned'}
          data-testid="filter-aligned"
          aria-pressed={filters.aligned}
          title="Aligned: only patterns pointing the market regime's way at arrival: bullish in Bull, bearish in Bear"
          onClick={() => onFilters({ aligned: !filters.aligned })}
        >
          Aligned
        </button>
        <span className="tb-quadrants" role="group" aria-label="Sector quadrant at arrival">
          {QUADRANT_CHIPS.map(({ q, short }) => {
            const on = filters.quadrants.includes(q)
            return (
              <button
                key={q}
                type="button"
                className={`tb-qchip tb-q-${q.toLowerCase()}${on ? ' is-on' : ''}`}
                data-testid={`filter-quadrant-${q.toLowerCase()}`}
                aria-pressed={on}
                aria-label={q}
                title={`${q}: only patterns whose sector was ${q.toLowerCase()} on the rotation graph at arrival (none selected: all)`}
                onClick={() =>
                  onFilters({ quadrants: normalizeQuadrants(on ? filters.quadrants.filter((x) => x !== q) : [...filters.quadrants, q]) })
                }
              >
                {short}
              </button>
            )
          })}
        </span>
        {linkedSector ? (
          <span className="tb-chip" data-testid="linked-sector" title={`Following the link group's sector fund: ${fundLabel(linkedSector, sectorNames)}`}>
            Sector: {linkedSector} (linked)
            <button
              type="button"
              className="tb-chip-x"
              data-testid="linked-sector-remove"
              aria-label={`Stop following the linked sector ${linkedSector}`}
              title="Stop following the linked sector on this board"
              onClick={() => onFollowLinkedSector(false)}
            >
              ×
            </button>
          </span>
        ) : (
          <select
            className="tb-f-sector"
            data-testid="filter-sector"
            aria-label="Filter by sector"
            title="Sector fund of the symbol at arrival"
            value={filters.sector ?? ''}
            onChange={(e) => onFilters({ sector: isSectorFund(e.target.value) ? e.target.value : null })}
          >
            <option value="">Sector</option>
            {SECTOR_FUNDS.map((fund) => (
              <option key={fund} value={fund}>
                {sectorNames.has(fund) ? `${fund} ${sectorNames.get(fund)}` : fund}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          className={followLinkedSector ? 'tb-follow is-on' : 'tb-follow'}
          data-testid="follow-linked-sector"
          aria-pressed={followLinkedSector}
          aria-label="Follow linked sector"
          title="Follow linked sector: when this board's link group shows a sector fund (XLK, XLF…), show only that sector's patterns"
          onClick={() => onFollowLinkedSector(!followLinkedSector)}
        >
          Follow
        </button>
      </span>
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
