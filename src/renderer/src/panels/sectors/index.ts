/** The sector table editor: symbol -> sector fund, the bundled table with the trader's edits. */
import type { PanelDefinition } from '../../app/panel-types'
import { SectorTablePanel, type SectorTableState } from './SectorTablePanel'

export const sectorTablePanel: PanelDefinition<SectorTableState> = {
  type: 'sector-table',
  menuName: 'Sector table',
  title: () => 'Sector table',
  defaultState: {},
  parseState: () => ({}),
  component: SectorTablePanel,
  defaultLink: 'none',
}
