/**
 * The shell's parts, wired once per window: link groups, theme, the dock
 * (golden-layout) and layout persistence. React components get this object;
 * tests build their own parts.
 */
import type { TerminalApi } from '../../../shared/contract'
import { createLayoutController, type LayoutController } from '../state/layout-store'
import { createLinkStore, type LinkStore } from '../state/link-store'
import { createThemeStore, type Theme, type ThemeStore } from '../state/theme-store'
import type { TerminalStore } from '../state/terminal-store'
import { DockController } from './dock-controller'
import type { PanelRegistry } from './panel-registry'

export interface Shell {
  api: TerminalApi
  terminal: TerminalStore
  registry: PanelRegistry
  links: LinkStore
  theme: ThemeStore
  dock: DockController
  layout: LayoutController
}

export interface ShellOptions {
  api: TerminalApi
  terminal: TerminalStore
  registry: PanelRegistry
  applyTheme(theme: Theme): void
  debounceMs?: number
}

export function createShell(opts: ShellOptions): Shell {
  const { api } = opts
  const links = createLinkStore()
  const theme = createThemeStore({
    apply: opts.applyTheme,
    persist: (t) => {
      void api.invoke('prefs.set', { theme: t }).then((r) => {
        if (!r.ok && r.error.code !== 'unavailable') console.warn(`prefs.set theme failed: ${r.error.message}`)
      })
    },
  })
  let layout: LayoutController | null = null
  const dock = new DockController({ registry: opts.registry, links, onChange: () => layout?.changed() })
  layout = createLayoutController({
    api,
    dock,
    debounceMs: opts.debounceMs,
    onPrefs: (prefs) => theme.getState().adopt(prefs.theme),
  })
  return { api, terminal: opts.terminal, registry: opts.registry, links, theme, dock, layout }
}
