/**
 * The default layout and the docking chrome every layout gets: three tier
 * boards side by side (Daily | Intraday | Combo) on top, the symbol chart and
 * the tier metrics below, all tier boards and the chart in the red link group.
 */
import type { ComponentItemConfig, LayoutConfig, RowOrColumnItemConfig, StackItemConfig } from 'golden-layout'
import { TIERS } from '../../../shared/domain'
import type { PanelItemState } from '../state/layout-format'
import { TIER_BOARD_TYPE, tierBoardState, type AnyPanelDefinition, type PanelRegistry } from './panel-registry'
import type { LinkColor } from './panel-types'

/** Header, sizes and settings the shell imposes on every layout, saved or default. */
export const LAYOUT_CHROME = {
  settings: {
    // Portals cannot follow a panel into another window: no popouts (yet).
    popoutWholeStack: false,
    reorderEnabled: true,
    constrainDragToContainer: true,
  },
  header: {
    popout: false as const,
    maximise: 'Maximise',
    minimise: 'Restore',
    close: 'Close',
    tabDropdown: 'More panels',
  },
  dimensions: {
    headerHeight: 26,
    borderWidth: 4,
    borderGrabWidth: 10,
    dragProxyWidth: 320,
    dragProxyHeight: 200,
    defaultMinItemWidth: '120px',
    defaultMinItemHeight: '80px',
  },
} satisfies Omit<LayoutConfig, 'root'>

export function panelItem(registry: PanelRegistry, def: AnyPanelDefinition, state: unknown, link: LinkColor = registry.defaultLink(def)): ComponentItemConfig {
  const componentState: PanelItemState = { state, link, symbol: null }
  let title = def.menuName
  try {
    title = def.title(state)
  } catch {
    // the menu name will do
  }
  return { type: 'component', componentType: def.type, componentState, title }
}

export const DEFAULT_CHART_SYMBOL = 'SPY'

export function defaultLayoutConfig(registry: PanelRegistry): LayoutConfig {
  const stack = (item: ComponentItemConfig, size?: string): StackItemConfig => ({ type: 'stack', content: [item], ...(size ? { size } : {}) })
  const tierBoard = registry.get(TIER_BOARD_TYPE)
  const chart = registry.get('chart')
  const metrics = registry.get('tier-metrics')

  const top: StackItemConfig[] = tierBoard ? TIERS.map((tier) => stack(panelItem(registry, tierBoard, tierBoardState(tierBoard, tier)))) : []
  const bottom: StackItemConfig[] = []
  if (chart) bottom.push(stack(panelItem(registry, chart, chart.defaultState), '62%'))
  if (metrics) bottom.push(stack(panelItem(registry, metrics, metrics.defaultState), '38%'))
  // Other panel types (the market panels...) open from the Panels menu: the default stays the layout.

  const rows: RowOrColumnItemConfig[] = []
  if (top.length) rows.push({ type: 'row', size: bottom.length ? '58%' : '100%', content: top })
  if (bottom.length) rows.push({ type: 'row', size: top.length ? '42%' : '100%', content: bottom })
  return { ...LAYOUT_CHROME, root: { type: 'column', content: rows } }
}
