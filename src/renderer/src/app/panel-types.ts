/**
 * What every dockable panel is to the shell: a definition (type, default and
 * validated persisted state, title, component) and the props the shell hands
 * its component. Panels never touch golden-layout; the shell never knows a
 * panel's internals.
 */
import type { ComponentType } from 'react'
import type { TerminalApi } from '../../../shared/contract'

/** Symbol link groups, as in thinkorswim or Trade Ideas: panels of one colour follow one symbol. */
export const LINK_COLORS = ['none', 'red', 'green', 'blue', 'yellow'] as const
export type LinkColor = (typeof LINK_COLORS)[number]

export interface PanelLink {
  color: LinkColor
  /** The symbol of the panel's link group; for 'none', the panel's own. */
  symbol: string | null
  /** Select a symbol: moves every panel of this colour to it (only this one for 'none'). */
  setSymbol(symbol: string): void
}

export interface PanelProps<S> {
  /** This panel's own settings, persisted in the layout (JSON-serializable). */
  state: S
  setState(next: S): void
  link: PanelLink
  api: TerminalApi
  /** False while the panel is a hidden tab: skip work that only matters on screen. */
  visible: boolean
}

export interface PanelDefinition<S = unknown> {
  /** Stable id stored in layouts: never rename one that has shipped. */
  type: string
  /** Name in the panel menu and the command palette. */
  menuName: string
  title(state: S): string
  defaultState: S
  /** Validate state read back from a saved layout; anything unusable falls back to defaults. */
  parseState(raw: unknown): S
  component: ComponentType<PanelProps<S>>
  /**
   * Optional, added by the shell: entries in the panel menu and the command
   * palette (say one per tier). Without it the shell offers one entry,
   * `menuName` with `defaultState`.
   */
  presets?: readonly PanelPreset<S>[]
  /** Optional: the link colour a newly opened panel gets (shell default: 'red'; 'none' for panels without a symbol). */
  defaultLink?: LinkColor
}

export interface PanelPreset<S> {
  /** Menu and palette label, e.g. "Tier board: Daily". */
  name: string
  state: S
}
