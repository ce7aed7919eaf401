import { describe, expect, it } from 'vitest'
import { paletteEntries } from '../../app/commands'
import { createAppPanelRegistry } from '../../app/panels'
import { buildCommands } from '../../app/shell-commands'

const TYPES = ['market-overview', 'etf-matrix', 'sector-heatmap', 'rotation-graph', 'correlation-matrix']

describe('market panels in the app registry', () => {
  it('registers the five market panels after the original ones (then the sector table and the alert panels), each opening from the Panels menu', () => {
    const reg = createAppPanelRegistry()
    expect(reg.definitions.map((d) => d.type)).toEqual(['tier-board', 'chart', 'tier-metrics', ...TYPES, 'sector-table', 'alerts', 'alert-rules', 'alert-stats'])
    const ids = reg.entries().map((e) => e.id)
    for (const t of TYPES) expect(ids).toContain(t)
    expect(reg.defaultLink(reg.get('market-overview')!)).toBe('none')
    expect(reg.defaultLink(reg.get('etf-matrix')!)).toBe('red')
  })

  it('does not steal a typed ticker in the palette', () => {
    const noop = (): void => {}
    const commands = buildCommands({
      panels: createAppPanelRegistry().entries(),
      layouts: [],
      current: null,
      theme: 'dark',
      openPanel: noop,
      saveLayout: noop,
      loadLayout: noop,
      resetLayout: noop,
      openDialog: noop,
      setTheme: noop,
      openPalette: noop,
    })
    for (const t of ['msft', 'nvda', 'spy', 'xlk', 'aapl']) expect(paletteEntries(commands, t)[0]).toEqual({ kind: 'symbol', symbol: t.toUpperCase() })
  })
})
