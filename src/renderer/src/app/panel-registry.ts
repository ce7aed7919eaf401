/**
 * The panel types the shell knows, by their stable `type`, with the entries
 * each offers in the panel menu.
 */
import { TIERS, type Tier } from '../../../shared/domain'
import type { LinkColor, PanelDefinition, PanelPreset } from './panel-types'

// Definitions are generic over their state; the registry holds them erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPanelDefinition = PanelDefinition<any>

export interface PanelEntry {
  /** Stable id for menu items and commands: `<type>` or `<type>:<index>`. */
  id: string
  def: AnyPanelDefinition
  name: string
  state: unknown
}

export interface PanelRegistry {
  readonly definitions: readonly AnyPanelDefinition[]
  get(type: string): AnyPanelDefinition | undefined
  /** Every menu entry, in definition order. */
  entries(): readonly PanelEntry[]
  /** The link colour a new panel of this type gets. */
  defaultLink(def: AnyPanelDefinition): LinkColor
  /** Validated state for a definition; anything unusable gives the default (never throws). */
  parseState(def: AnyPanelDefinition, raw: unknown): unknown
}

const TIER_LABEL: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }

/** The tier board's state carries which tier it shows, as `tier`. */
export function tierBoardState(def: AnyPanelDefinition, tier: Tier): unknown {
  const base = def.defaultState && typeof def.defaultState === 'object' ? def.defaultState : {}
  return safeParse(def, { ...base, tier })
}

function safeParse(def: AnyPanelDefinition, raw: unknown): unknown {
  if (raw === undefined) return def.defaultState
  try {
    return def.parseState(raw)
  } catch (err) {
    console.warn(`panel ${def.type}: unusable saved state, using defaults`, err)
    return def.defaultState
  }
}

export const TIER_BOARD_TYPE = 'tier-board'
/** Panels without a symbol start unlinked unless their definition says otherwise. */
const UNLINKED_BY_DEFAULT = new Set(['tier-metrics'])

export function createPanelRegistry(definitions: readonly AnyPanelDefinition[]): PanelRegistry {
  const byType = new Map<string, AnyPanelDefinition>()
  for (const d of definitions) {
    if (byType.has(d.type)) throw new Error(`two panel definitions with type ${d.type}`)
    byType.set(d.type, d)
  }
  const presetsOf = (def: AnyPanelDefinition): readonly PanelPreset<unknown>[] => {
    if (def.presets && def.presets.length > 0) return def.presets
    if (def.type === TIER_BOARD_TYPE) return TIERS.map((tier) => ({ name: `${def.menuName}: ${TIER_LABEL[tier]}`, state: tierBoardState(def, tier) }))
    return [{ name: def.menuName, state: def.defaultState }]
  }
  let cached: PanelEntry[] | null = null
  return {
    definitions,
    get: (type) => byType.get(type),
    entries() {
      cached ??= definitions.flatMap((def) => {
        const presets = presetsOf(def)
        return presets.map((p, i) => ({ id: presets.length > 1 ? `${def.type}:${i}` : def.type, def, name: p.name, state: p.state }))
      })
      return cached
    },
    defaultLink: (def) => def.defaultLink ?? (UNLINKED_BY_DEFAULT.has(def.type) ? 'none' : 'red'),
    parseState: safeParse,
  }
}
