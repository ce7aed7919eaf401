/**
 * Wires a TerminalApi to the store: loads what the engine holds, subscribes to
 * pushes, and reloads after every reconnect (pub/sub is lossy; the contract
 * client renews the subscriptions themselves).
 */
import { TIERS, type Tier } from '../../../shared/domain'
import type { TerminalApi } from '../../../shared/contract'
import type { TerminalStore } from './terminal-store'

/** Events fetched per tier on start and after a reconnect. */
export const INITIAL_QUERY_LIMIT = 100

export function startFeed(api: TerminalApi, store: TerminalStore): () => void {
  const s = () => store.getState()
  let disposed = false
  let generation = 0

  const load = async (): Promise<void> => {
    const gen = ++generation
    const stale = () => disposed || gen !== generation
    const info = await api.invoke('engine.info', {})
    if (stale()) return
    if (!info.ok) {
      // Not connected yet: the 'open' that follows triggers another load.
      if (info.error.code !== 'unavailable') s().setError(`engine.info: ${info.error.message}`)
      return
    }
    s().setEngine(info.value)
    const [health, ...tiers] = await Promise.all([
      api.invoke('health.get', {}),
      ...TIERS.map((tier: Tier) => api.invoke('patterns.query', { tier, limit: INITIAL_QUERY_LIMIT })),
    ])
    if (stale()) return
    if (health?.ok) s().setHealth(health.value)
    const failures: string[] = []
    for (const r of tiers) {
      if (r.ok) s().applyEvents(r.value.patterns)
      else failures.push(r.error.message)
    }
    s().setError(failures.length ? `patterns.query: ${failures[0]}` : null)
  }

  // Subscribing before the first query (rather than after) means nothing that
  // arrives in between is missed; the store dedupes the overlap by id.
  const unsubscribers = [
    api.subscribe('patterns', {}, (events) => s().applyEvents(events)),
    api.subscribe('health', {}, (health) => s().setHealth(health)),
    api.onConnection((state) => {
      s().setConnection(state)
      if (state === 'open') void load()
    }),
  ]
  // The Electron bridge is connected from the start and may never report 'open'.
  if (api.host === 'electron') s().setConnection('open')
  void load()

  return () => {
    disposed = true
    for (const off of unsubscribers) off()
  }
}
