/**
 * The engine's sector table as the boards need it: fund names for tooltips
 * and the sector select (XLK -> Technology) and symbol -> fund, so a board
 * drilled into a sector keeps it while the link group moves to one of that
 * sector's stocks. Fetched once per api for all boards, and again when the
 * trader edits the table (a `market` push whose causes hold `sectors`).
 */
import { useCallback, useSyncExternalStore } from 'react'
import type { TerminalApi } from '../../../../shared/contract'

export interface SectorInfo {
  /** Fund -> sector name; empty until the table arrives (or if the engine cannot serve it). */
  names: ReadonlyMap<string, string>
  /** Symbol -> its sector fund. */
  fundOf: ReadonlyMap<string, string>
}

export const NO_SECTOR_INFO: SectorInfo = { names: new Map(), fundOf: new Map() }

interface Entry {
  info: SectorInfo
  listeners: Set<() => void>
  stopPush: (() => void) | null
  /** Bumped per load: an older answer arriving late is dropped. */
  generation: number
}

const entries = new WeakMap<TerminalApi, Entry>()

function entryFor(api: TerminalApi): Entry {
  let entry = entries.get(api)
  if (!entry) {
    entry = { info: NO_SECTOR_INFO, listeners: new Set(), stopPush: null, generation: 0 }
    entries.set(api, entry)
  }
  return entry
}

function load(api: TerminalApi, entry: Entry): void {
  const generation = ++entry.generation
  let request: ReturnType<typeof api.invoke<'sectors.table'>>
  try {
    request = api.invoke('sectors.table', {})
  } catch {
    return
  }
  request.then(
    (res) => {
      // Without the table the boards show funds without names: nothing to report.
      if (!res.ok || generation !== entry.generation) return
      entry.info = {
        names: new Map(res.value.funds.map((f) => [f.fund, f.name])),
        fundOf: new Map(res.value.entries.map((e) => [e.symbol, e.fund])),
      }
      for (const notify of entry.listeners) notify()
    },
    () => {},
  )
}

function subscribe(api: TerminalApi, notify: () => void): () => void {
  const entry = entryFor(api)
  entry.listeners.add(notify)
  if (entry.listeners.size === 1) {
    // (Re)load on the first board: edits made while no board was open were not followed.
    load(api, entry)
    try {
      entry.stopPush = api.subscribe('market', {}, (pulse) => {
        if (pulse.causes.includes('sectors')) load(api, entry)
      })
    } catch {
      entry.stopPush = null
    }
  }
  return () => {
    entry.listeners.delete(notify)
    if (entry.listeners.size === 0) {
      entry.stopPush?.()
      entry.stopPush = null
    }
  }
}

/** The sector table for this api: a stable object, replaced only when the table (re)arrives. */
export function useSectorInfo(api: TerminalApi): SectorInfo {
  const onChange = useCallback((notify: () => void) => subscribe(api, notify), [api])
  const snapshot = useCallback(() => entries.get(api)?.info ?? NO_SECTOR_INFO, [api])
  return useSyncExternalStore(onChange, snapshot)
}

/** "XLK (Technology)", or the fund alone when its name is unknown. */
export const fundLabel = (fund: string, names: ReadonlyMap<string, string>): string => {
  const name = names.get(fund)
  return name ? `${fund} (${name})` : fund
}
