/**
 * The terminal's live state: the newest events per tier, the latest health
 * report, what the engine said about itself, and the connection to it.
 * A vanilla zustand store so the feed can write to it outside React and tests
 * can create their own.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { useStore } from 'zustand'
import { createContext, useContext } from 'react'
import { TIERS, type HealthReport, type PatternEvent, type Tier } from '../../../shared/domain'
import type { EngineInfo } from '../../../shared/contract'

/** Rows kept per tier; older ones fall off the end. */
export const MAX_EVENTS_PER_TIER = 500

/** 'connecting' until the first open; then 'open' / 'closed' as the transport reports. */
export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface TerminalState {
  /** Newest first (by engine id), unique ids, at most MAX_EVENTS_PER_TIER each. */
  events: Record<Tier, PatternEvent[]>
  health: HealthReport | null
  engine: EngineInfo | null
  connection: ConnectionState
  /** The last request failure worth showing, if any. */
  lastError: string | null

  /** Merge events of any tiers in one update. */
  applyEvents(events: readonly PatternEvent[]): void
  setHealth(health: HealthReport): void
  setEngine(info: EngineInfo): void
  setConnection(state: ConnectionState): void
  setError(message: string | null): void
}

export type TerminalStore = StoreApi<TerminalState>

const byIdDesc = (a: PatternEvent, b: PatternEvent): number => b.id - a.id

/**
 * Merge `incoming` into `current` (newest first), replacing events with the
 * same id and keeping at most `cap`. The common case, a push of events newer
 * than everything held, is a prepend.
 */
export function mergeNewestFirst(current: readonly PatternEvent[], incoming: readonly PatternEvent[], cap: number): PatternEvent[] {
  if (incoming.length === 0) return current as PatternEvent[]
  const fresh = new Map<number, PatternEvent>()
  for (const e of incoming) fresh.set(e.id, e)
  const sortedIncoming = [...fresh.values()].sort(byIdDesc)
  const oldestIncoming = sortedIncoming[sortedIncoming.length - 1]!.id
  const newestHeld = current[0]?.id ?? -Infinity
  let merged: PatternEvent[]
  if (oldestIncoming > newestHeld) {
    merged = sortedIncoming.concat(current)
  } else {
    merged = sortedIncoming.concat(current.filter((e) => !fresh.has(e.id))).sort(byIdDesc)
  }
  return merged.length > cap ? merged.slice(0, cap) : merged
}

const emptyEvents = (): Record<Tier, PatternEvent[]> => ({ daily: [], intraday: [], combo: [] })

export function createTerminalStore(opts: { maxPerTier?: number; connection?: ConnectionState } = {}): TerminalStore {
  const cap = opts.maxPerTier ?? MAX_EVENTS_PER_TIER
  return createStore<TerminalState>()((set) => ({
    events: emptyEvents(),
    health: null,
    engine: null,
    connection: opts.connection ?? 'connecting',
    lastError: null,

    applyEvents(incoming) {
      if (incoming.length === 0) return
      const perTier: Partial<Record<Tier, PatternEvent[]>> = {}
      for (const e of incoming) (perTier[e.tier] ??= []).push(e)
      set((s) => {
        const events = { ...s.events }
        for (const tier of TIERS) {
          const add = perTier[tier]
          if (add) events[tier] = mergeNewestFirst(s.events[tier], add, cap)
        }
        return { events }
      })
    },
    setHealth: (health) => set({ health }),
    setEngine: (engine) => set({ engine }),
    setConnection: (connection) => set({ connection }),
    setError: (lastError) => set({ lastError }),
  }))
}

export function useTerminal<T>(store: TerminalStore, selector: (s: TerminalState) => T): T {
  return useStore(store, selector)
}

/**
 * The app's terminal store, for panels: the shell renders every panel inside
 * `<TerminalStoreContext value={store}>`, so a panel reads events and health
 * with `useTerminal(useTerminalStore(), selector)`.
 */
export const TerminalStoreContext = createContext<TerminalStore | null>(null)

export function useTerminalStore(): TerminalStore {
  const store = useContext(TerminalStoreContext)
  if (!store) throw new Error('useTerminalStore outside TerminalStoreContext')
  return store
}
