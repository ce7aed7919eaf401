/** The alert performance panel. */
import type { PanelDefinition } from '../../app/panel-types'
import { AlertStatsPanel, defaultAlertStatsState, parseAlertStatsState, type AlertStatsState } from './AlertStatsPanel'

export const alertStatsPanel: PanelDefinition<AlertStatsState> = {
  type: 'alert-stats',
  menuName: 'Alert performance',
  title: () => 'Alert performance',
  defaultState: defaultAlertStatsState,
  parseState: parseAlertStatsState,
  component: AlertStatsPanel,
  defaultLink: 'none',
}
