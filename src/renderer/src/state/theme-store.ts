/**
 * The colour theme. Applying it to the document (CSS variables, the
 * golden-layout theme) and persisting it (`prefs.set({theme})`) are injected,
 * so the store is testable without either.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Prefs } from '../../../shared/domain'

export type Theme = Prefs['theme']
export const THEMES: readonly Theme[] = ['dark', 'light']

export interface ThemeState {
  theme: Theme
  /** The user picked a theme: apply and persist it. */
  setTheme(theme: Theme): void
  /** The stored preference arrived: apply it without writing it back. */
  adopt(theme: Theme): void
  toggle(): void
}

export type ThemeStore = StoreApi<ThemeState>

export function createThemeStore(opts: { apply(theme: Theme): void; persist?(theme: Theme): void; initial?: Theme }): ThemeStore {
  const initial = opts.initial ?? 'dark'
  opts.apply(initial)
  return createStore<ThemeState>()((set, get) => ({
    theme: initial,
    setTheme(theme) {
      if (get().theme !== theme) {
        opts.apply(theme)
        set({ theme })
      }
      opts.persist?.(theme)
    },
    adopt(theme) {
      if (!THEMES.includes(theme) || get().theme === theme) return
      opts.apply(theme)
      set({ theme })
    },
    toggle() {
      get().setTheme(get().theme === 'dark' ? 'light' : 'dark')
    },
  }))
}
