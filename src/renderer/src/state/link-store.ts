/**
 * Symbol link groups, as in thinkorswim or Trade Ideas: every panel of one
 * colour shows the group's symbol. Panels linked 'none' keep their own symbol
 * (in their layout state, not here).
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { LINK_COLORS, type LinkColor } from '../app/panel-types'

export type GroupColor = Exclude<LinkColor, 'none'>
export const GROUP_COLORS = LINK_COLORS.filter((c): c is GroupColor => c !== 'none')
export type LinkGroups = Record<GroupColor, string | null>

export const isLinkColor = (v: unknown): v is LinkColor => typeof v === 'string' && (LINK_COLORS as readonly string[]).includes(v)
export const isGroupColor = (v: unknown): v is GroupColor => v !== 'none' && isLinkColor(v)

const SYMBOL_RE = /^[A-Z0-9.\-^/]{1,16}$/

/** A ticker as the engine accepts it (upper case), or null if it cannot be one. */
export function normalizeSymbol(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const s = raw.trim().toUpperCase()
  return SYMBOL_RE.test(s) ? s : null
}

export const emptyLinkGroups = (): LinkGroups => ({ red: null, green: null, blue: null, yellow: null })

/** Link groups read back from a saved layout: unknown colours and bad symbols are dropped. */
export function parseLinkGroups(raw: unknown): LinkGroups {
  const out = emptyLinkGroups()
  if (raw && typeof raw === 'object') {
    for (const color of GROUP_COLORS) out[color] = normalizeSymbol((raw as Record<string, unknown>)[color])
  }
  return out
}

export interface LinkState {
  groups: LinkGroups
  /** Move every panel of `color` to `symbol`; ignored if the symbol is not a valid ticker. Returns whether it changed. */
  setSymbol(color: GroupColor, symbol: string): boolean
  /** Replace all groups (loading a layout). */
  replaceGroups(groups: LinkGroups): void
}

export type LinkStore = StoreApi<LinkState>

export function createLinkStore(initial: Partial<LinkGroups> = {}): LinkStore {
  return createStore<LinkState>()((set, get) => ({
    groups: { ...emptyLinkGroups(), ...initial },
    setSymbol(color, symbol) {
      const s = normalizeSymbol(symbol)
      if (!s || !isGroupColor(color) || get().groups[color] === s) return false
      set({ groups: { ...get().groups, [color]: s } })
      return true
    },
    replaceGroups(groups) {
      set({ groups: { ...groups } })
    },
  }))
}
