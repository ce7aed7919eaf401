import { describe, expect, it } from 'vitest'
import { MENU_COMMANDS, PALETTE_COMMAND } from '../../../shared/menu-commands'
import { buildCommands } from './shell-commands'
import { createAppPanelRegistry } from './panels'

describe("the desktop application menu", () => {
  it("names only commands the renderer has, so every menu item does something", () => {
    const noop = (): void => {}
    const ids = new Set(
      buildCommands({
        panels: createAppPanelRegistry().entries(),
        layouts: [],
        current: 'Morning',
        theme: 'dark',
        openPanel: noop,
        saveLayout: noop,
        loadLayout: noop,
        resetLayout: noop,
        openDialog: noop,
        setTheme: noop,
        openPalette: noop,
      }).map((c) => c.id),
    )
    const missing = MENU_COMMANDS.map((c) => c.command).filter((id) => id !== PALETTE_COMMAND && !ids.has(id))
    expect(missing).toEqual([])
  })
})
