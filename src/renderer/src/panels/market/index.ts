/** The market panels: overview, ETF matrix, sector heatmap, rotation graph, correlation matrix. */
import type { PanelDefinition } from '../../app/panel-types'
import { CorrelationMatrixPanel, CORRELATION_WINDOWS, type CorrelationMatrixState } from './CorrelationMatrixPanel'
import { EtfMatrixPanel, type EtfMatrixState } from './EtfMatrixPanel'
import { ETF_COLUMNS, isObject, isPeriod, type EtfColumn } from './market-model'
import { MarketOverviewPanel, type MarketOverviewState } from './MarketOverviewPanel'
import { RotationGraphPanel, type RotationGraphState } from './RotationGraphPanel'
import { SectorHeatmapPanel, type SectorColorBy, type SectorHeatmapState } from './SectorHeatmapPanel'

export const marketOverviewPanel: PanelDefinition<MarketOverviewState> = {
  type: 'market-overview',
  menuName: 'Market overview',
  title: () => 'Market overview',
  defaultState: {},
  parseState: () => ({}),
  component: MarketOverviewPanel,
  defaultLink: 'none',
}

export const defaultEtfMatrixState: EtfMatrixState = { sort: { key: '1D', dir: 'desc' } }

export function parseEtfMatrixState(raw: unknown): EtfMatrixState {
  const sort = isObject(raw) && isObject(raw.sort) ? raw.sort : null
  if (!sort || !(ETF_COLUMNS as readonly unknown[]).includes(sort.key) || (sort.dir !== 'asc' && sort.dir !== 'desc')) return { sort: { ...defaultEtfMatrixState.sort } }
  return { sort: { key: sort.key as EtfColumn, dir: sort.dir } }
}

export const etfMatrixPanel: PanelDefinition<EtfMatrixState> = {
  type: 'etf-matrix',
  menuName: 'ETF matrix',
  title: () => 'ETF matrix',
  defaultState: defaultEtfMatrixState,
  parseState: parseEtfMatrixState,
  component: EtfMatrixPanel,
}

export const defaultSectorHeatmapState: SectorHeatmapState = { colorBy: 'rs' }

export function parseSectorHeatmapState(raw: unknown): SectorHeatmapState {
  const v = isObject(raw) ? raw.colorBy : undefined
  return { colorBy: v === 'rs' || isPeriod(v) ? (v as SectorColorBy) : defaultSectorHeatmapState.colorBy }
}

export const sectorHeatmapPanel: PanelDefinition<SectorHeatmapState> = {
  type: 'sector-heatmap',
  menuName: 'Sector heatmap',
  title: (s) => `Sector heatmap · ${s.colorBy === 'rs' ? 'RS' : s.colorBy}`,
  defaultState: defaultSectorHeatmapState,
  parseState: parseSectorHeatmapState,
  component: SectorHeatmapPanel,
}

export const defaultRotationGraphState: RotationGraphState = { tailWeeks: 8 }

export function parseRotationGraphState(raw: unknown): RotationGraphState {
  const v = isObject(raw) ? raw.tailWeeks : undefined
  return { tailWeeks: typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 52 ? v : defaultRotationGraphState.tailWeeks }
}

export const rotationGraphPanel: PanelDefinition<RotationGraphState> = {
  type: 'rotation-graph',
  menuName: 'Sector rotation (RRG)',
  title: () => 'Sector rotation',
  defaultState: defaultRotationGraphState,
  parseState: parseRotationGraphState,
  component: RotationGraphPanel,
}

export const defaultCorrelationMatrixState: CorrelationMatrixState = { window: 60 }

export function parseCorrelationMatrixState(raw: unknown): CorrelationMatrixState {
  const v = isObject(raw) ? raw.window : undefined
  return { window: (CORRELATION_WINDOWS as readonly unknown[]).includes(v) ? (v as 20 | 60) : defaultCorrelationMatrixState.window }
}

export const correlationMatrixPanel: PanelDefinition<CorrelationMatrixState> = {
  type: 'correlation-matrix',
  menuName: 'Correlation matrix',
  title: (s) => `Correlation · ${s.window}d`,
  defaultState: defaultCorrelationMatrixState,
  parseState: parseCorrelationMatrixState,
  component: CorrelationMatrixPanel,
}

export const marketPanels = [marketOverviewPanel, etfMatrixPanel, sectorHeatmapPanel, rotationGraphPanel, correlationMatrixPanel] as const
