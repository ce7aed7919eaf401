/** The panel types this build ships, registered with the shell. */
import { alertRulesPanel } from '../panels/alert-rules'
import { alertStatsPanel } from '../panels/alert-stats'
import { alertsPanel } from '../panels/alerts'
import { chartPanel } from '../panels/chart'
import { marketPanels } from '../panels/market'
import { metricsPanel } from '../panels/metrics'
import { sectorTablePanel } from '../panels/sectors'
import { tierBoardPanel } from '../panels/tier-board'
import { createPanelRegistry, type AnyPanelDefinition, type PanelRegistry } from './panel-registry'

export function createAppPanelRegistry(): PanelRegistry {
  return createPanelRegistry([tierBoardPanel, chartPanel, metricsPanel, ...marketPanels, sectorTablePanel, alertsPanel, alertRulesPanel, alertStatsPanel] as AnyPanelDefinition[])
}
