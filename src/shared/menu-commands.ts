/**
 * The terminal's own actions in the application menu, by the ids of the
 * renderer's commands (src/renderer/src/app/shell-commands.ts): the same
 * actions as the in-window menu and the command palette.
 */
/** `symbol.open:AAPL`: the desktop host asks the window to open a symbol (a notification was clicked). */
export const OPEN_SYMBOL_COMMAND = 'symbol.open:'

/** Opens the command palette (the renderer's own shortcut, Ctrl/Cmd+K). */
export const PALETTE_COMMAND = 'palette.open'

export const MENU_COMMANDS: { menu: 'Panels' | 'Layout' | 'View'; label: string; command: string; accelerator?: string }[] = [
  { menu: 'Panels', label: 'Open Daily board', command: 'panel.open:tier-board:0' },
  { menu: 'Panels', label: 'Open Intraday board', command: 'panel.open:tier-board:1' },
  { menu: 'Panels', label: 'Open Combo board', command: 'panel.open:tier-board:2' },
  { menu: 'Panels', label: 'Open Symbol chart', command: 'panel.open:chart' },
  { menu: 'Panels', label: 'Open Tier metrics', command: 'panel.open:tier-metrics' },
  { menu: 'Panels', label: 'Open Market overview', command: 'panel.open:market-overview' },
  { menu: 'Panels', label: 'Open ETF matrix', command: 'panel.open:etf-matrix' },
  { menu: 'Panels', label: 'Open Sector heatmap', command: 'panel.open:sector-heatmap' },
  { menu: 'Panels', label: 'Open Rotation graph', command: 'panel.open:rotation-graph' },
  { menu: 'Panels', label: 'Open Correlation matrix', command: 'panel.open:correlation-matrix' },
  { menu: 'Panels', label: 'Open Sector table', command: 'panel.open:sector-table' },
  { menu: 'Panels', label: 'Open Alerts', command: 'panel.open:alerts' },
  { menu: 'Panels', label: 'Open Alert rules', command: 'panel.open:alert-rules' },
  { menu: 'Panels', label: 'Open Alert performance', command: 'panel.open:alert-stats' },
  { menu: 'Layout', label: 'Save layout', command: 'layout.save', accelerator: 'CmdOrCtrl+S' },
  { menu: 'Layout', label: 'Save layout as…', command: 'layout.save-as', accelerator: 'CmdOrCtrl+Shift+S' },
  { menu: 'Layout', label: 'Manage layouts…', command: 'layout.manage' },
  { menu: 'Layout', label: 'Reset layout to default', command: 'layout.reset' },
  { menu: 'View', label: 'Command palette / go to symbol…', command: 'palette.open', accelerator: 'CmdOrCtrl+K' },
  { menu: 'View', label: 'Toggle dark / light theme', command: 'theme.toggle' },
]
