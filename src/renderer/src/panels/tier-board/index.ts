/** The tier board panel: one tier's live pattern events as a sortable, filterable, virtualized table. */
import type { PanelDefinition } from '../../app/panel-types'
import { TIERS } from '../../../../shared/domain'
import { TierBoardView } from './TierBoardPanel'
import { defaultTierBoardState, parseTierBoardState, TIER_TITLES, type TierBoardState } from './state'

export type { TierBoardState } from './state'

export const tierBoardPanel: PanelDefinition<TierBoardState> = {
  type: 'tier-board',
  menuName: 'Tier board',
  title: (state) => TIER_TITLES[state.tier] ?? 'Tier board',
  defaultState: defaultTierBoardState(),
  parseState: parseTierBoardState,
  component: TierBoardView,
  presets: TIERS.map((tier) => ({ name: `Tier board: ${TIER_TITLES[tier]}`, state: defaultTierBoardState(tier) })),
}
