/** The alert rule editor panel. */
import type { PanelDefinition } from '../../app/panel-types'
import { AlertRulesPanel, defaultAlertRulesState, parseAlertRulesState, type AlertRulesState } from './AlertRulesPanel'

export const alertRulesPanel: PanelDefinition<AlertRulesState> = {
  type: 'alert-rules',
  menuName: 'Alert rules',
  title: () => 'Alert rules',
  defaultState: defaultAlertRulesState,
  parseState: parseAlertRulesState,
  component: AlertRulesPanel,
  defaultLink: 'none',
}
