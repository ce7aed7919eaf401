/** The Alerts panel: the live list of alerts, with their delivery and the actions on them. */
import type { PanelDefinition } from '../../app/panel-types'
import { ALERTS_PANEL_TYPE } from '../../alerts/AlertLayer'
import { AlertsPanel } from './AlertsPanel'
import { DEFAULT_ALERTS_STATE, parseAlertsPanelState, type AlertsPanelState } from './alerts-model'

export const alertsPanel: PanelDefinition<AlertsPanelState> = {
  type: ALERTS_PANEL_TYPE,
  menuName: 'Alerts',
  // The unread count is a badge in the tab (AlertLayer), so it never touches the saved layout.
  title: () => 'Alerts',
  defaultState: DEFAULT_ALERTS_STATE,
  parseState: parseAlertsPanelState,
  component: AlertsPanel,
  defaultLink: 'red',
}
