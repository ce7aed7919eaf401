import { MARKET_PERIODS, type EtfSnapshot, type MarketPeriod } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { DrillHint } from './DrillHint'
import { formatFixed, formatReturn, heatClassOf, RETURN_SCALE, RS_SCALE } from './market-model'
import { QueryLine } from './QueryLine'
import { SegmentedSwitch, type Segment } from './SegmentedSwitch'
import { DAILY_PULSE_CAUSES, useMarketQuery, useMarketRefresh } from './use-market-query'
import './market.css'

/** Colour tiles by relative strength against SPY, or by one period's return. */
export type SectorColorBy = 'rs' | MarketPeriod

export interface SectorHeatmapState {
  colorBy: SectorColorBy
}

export interface SectorTile {
  symbol: string
  sector: string
  value: number | null
  label: string
  heat: string
}

/** Sector funds only, strongest first (unknowns last). */
export function sectorTiles(etfs: readonly EtfSnapshot[], colorBy: SectorColorBy): SectorTile[] {
  return etfs
    .filter((e) => e.sector !== null && e.sector !== '')
    .map((e) => {
      const raw = colorBy === 'rs' ? e.relativeStrength : e.returns[colorBy]
      const value = raw === null || raw === undefined || !Number.isFinite(raw) ? null : raw
      return {
        symbol: e.symbol,
        sector: e.sector ?? e.symbol,
        value,
        label: colorBy === 'rs' ? formatFixed(value) : formatReturn(value),
        heat: colorBy === 'rs' ? heatClassOf(value === null ? null : value - 1, RS_SCALE) : heatClassOf(value, RETURN_SCALE[colorBy]),
      }
    })
    .sort((a, b) => (a.value === null ? (b.value === null ? 0 : 1) : b.value === null ? -1 : b.value - a.value) || a.symbol.localeCompare(b.symbol))
}

const COLOR_SEGMENTS: readonly Segment<SectorColorBy>[] = [
  { value: 'rs', label: 'RS', title: 'Relative strength against SPY (~3 months, 1 = in line)' },
  ...MARKET_PERIODS.map((p) => ({ value: p, label: p, title: `${p} return` })),
]

export const SECTOR_DRILL_HINT = 'Click a sector to chart its fund and see its patterns in linked boards'

export function SectorHeatmapPanel({ api, visible, state, setState, link }: PanelProps<SectorHeatmapState>) {
  // Tiles show daily figures only: intraday pulses change nothing here.
  const refresh = useMarketRefresh(api, visible, DAILY_PULSE_CAUSES)
  const q = useMarketQuery(api, 'market.etfs', {}, visible, refresh)
  const tiles = sectorTiles(q.value?.etfs ?? [], state.colorBy)
  return (
    <div className="market-panel sector-heatmap" data-testid="sector-heatmap">
      <QueryLine query={q} asOf={q.value?.asOf ?? null}>
        <SegmentedSwitch label="Colour by" segments={COLOR_SEGMENTS} value={state.colorBy} onChange={(colorBy) => setState({ ...state, colorBy })} testIdPrefix="sector-by" />
      </QueryLine>
      {tiles.length > 0 && <DrillHint link={link} text={SECTOR_DRILL_HINT} />}
      {q.value && tiles.length === 0 && <div className="dim market-empty">No sector funds in the data.</div>}
      <div className="sector-tiles">
        {tiles.map((t) => (
          <button
            key={t.symbol}
            type="button"
            className={`sector-tile heat ${t.heat} ${link.symbol === t.symbol ? 'selected' : ''}`}
            data-testid="sector-tile"
            data-symbol={t.symbol}
            aria-pressed={link.symbol === t.symbol}
            onClick={() => link.setSymbol(t.symbol)}
            title={`${t.sector} (${t.symbol}): ${t.label}. Click to chart ${t.symbol} and filter linked boards to ${t.sector}.`}
          >
            <span className="sector-name">{t.sector}</span>
            <span className="sector-symbol">{t.symbol}</span>
            <span className="sector-value num">{t.label}</span>
          </button>
        ))}
      </div>
    </div>
  )
}
