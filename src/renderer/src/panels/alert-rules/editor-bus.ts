/**
 * "Open this rule in the editor", from another panel (the alert performance
 * table) to the rule editor: a request the first editor on screen takes. A
 * request made while no editor is open waits for the next one to open, and
 * the asking panel can tell the trader to open one.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'

export interface RuleEditorBusState {
  /** The rule to open, until an editor takes it; `seq` tells two requests for one rule apart. */
  request: { ruleId: string; seq: number } | null
  /** Rule editors mounted now. */
  editors: number
  /** Bumped when a panel saved or deleted a rule, with who did (the others reload). */
  rulesChanged: { n: number; by: string } | null
  open(ruleId: string): void
  /** An editor took the request `seq` (a later request is left alone). */
  take(seq: number): void
  /** An editor mounted; returns its unregister. */
  register(): () => void
  /** A panel changed the stored rules. */
  changed(by: string): void
}

export type RuleEditorBus = StoreApi<RuleEditorBusState>

export function createRuleEditorBus(): RuleEditorBus {
  let seq = 0
  return createStore<RuleEditorBusState>()((set, get) => ({
    request: null,
    editors: 0,
    rulesChanged: null,
    open(ruleId) {
      set({ request: { ruleId, seq: ++seq } })
    },
    take(s) {
      if (get().request?.seq === s) set({ request: null })
    },
    register() {
      set({ editors: get().editors + 1 })
      let done = false
      return () => {
        if (done) return
        done = true
        set({ editors: get().editors - 1 })
      }
    },
    changed(by) {
      set({ rulesChanged: { n: (get().rulesChanged?.n ?? 0) + 1, by } })
    },
  }))
}

/** The window's bus (panels take another in tests). */
export const ruleEditorBus: RuleEditorBus = createRuleEditorBus()
