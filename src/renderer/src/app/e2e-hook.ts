/**
 * A test hook for the end-to-end suite, installed only when the page is opened
 * with `?e2e=1`: the layout as it would be saved, and the persistence state,
 * so tests wait on what the app reports instead of sleeping.
 */
import type { Shell } from './shell'

export interface TickstockTestHook {
  /** The current layout in its stored form: `{ name, version, config }` (name: where it auto-saves). */
  layout(): { name: string; version: number; config: unknown }
  /** Persistence state: restored yet, the named layout in use, unsaved changes, a save in flight. */
  layoutState(): { phase: 'restoring' | 'ready'; current: string | null; dirty: boolean; saving: boolean }
}

declare global {
  interface Window {
    __tickstock?: TickstockTestHook
  }
}

export function e2eEnabled(search: string): boolean {
  return new URLSearchParams(search).get('e2e') === '1'
}

/** Returns the uninstall. */
export function installE2eHook(shell: Shell, search: string = window.location.search): () => void {
  if (!e2eEnabled(search)) return () => {}
  const hook: TickstockTestHook = {
    layout: () => JSON.parse(JSON.stringify(shell.layout.snapshot())) as ReturnType<TickstockTestHook['layout']>,
    layoutState: () => {
      const s = shell.layout.store.getState()
      return { phase: s.phase, current: s.current, dirty: s.dirty, saving: s.saving }
    },
  }
  window.__tickstock = hook
  return () => {
    if (window.__tickstock === hook) delete window.__tickstock
  }
}
