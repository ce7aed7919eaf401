import type { PanelDefinition } from '../../app/panel-types'
import { MetricsPanel, type MetricsState } from './MetricsPanel'

export const metricsPanel: PanelDefinition<MetricsState> = {
  type: 'tier-metrics',
  menuName: 'Tier metrics',
  title: () => 'Tier metrics',
  defaultState: {},
  parseState: () => ({}),
  component: MetricsPanel,
}
