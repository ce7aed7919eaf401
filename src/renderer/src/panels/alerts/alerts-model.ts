/** The Alerts panel's persisted state, filters and snooze choices. Pure. */
import type { Alert } from '../../../../shared/alerts'
import { tomorrowOpenEt } from '../../alerts/alert-format'
import { normalizeSymbol } from '../../state/link-store'

export interface AlertsPanelState {
  unreadOnly: boolean
  /** Only this rule's alerts; null: every rule. */
  ruleId: string | null
  /** Only symbols starting with this (as typed); '': every symbol. */
  symbol: string
}

export const DEFAULT_ALERTS_STATE: AlertsPanelState = { unreadOnly: false, ruleId: null, symbol: '' }

export function parseAlertsPanelState(raw: unknown): AlertsPanelState {
  if (!raw || typeof raw !== 'object') return DEFAULT_ALERTS_STATE
  const o = raw as Record<string, unknown>
  return {
    unreadOnly: o.unreadOnly === true,
    ruleId: typeof o.ruleId === 'string' && o.ruleId.length > 0 && o.ruleId.length <= 64 ? o.ruleId : null,
    symbol: typeof o.symbol === 'string' ? o.symbol.trim().toUpperCase().slice(0, 16) : '',
  }
}

export const hasFilters = (s: AlertsPanelState): boolean => s.unreadOnly || s.ruleId !== null || s.symbol !== ''

export function filterAlerts(alerts: readonly Alert[], s: AlertsPanelState): Alert[] {
  if (!hasFilters(s)) return alerts as Alert[]
  const prefix = s.symbol.trim().toUpperCase()
  return alerts.filter((a) => (!s.unreadOnly || !a.read) && (s.ruleId === null || a.ruleId === s.ruleId) && (prefix === '' || a.symbol.startsWith(prefix)))
}

/** The history request for the filters (the engine matches a whole symbol only). */
export function historyFilter(s: AlertsPanelState): { ruleId?: string; symbol?: string; unreadOnly: boolean } {
  const symbol = normalizeSymbol(s.symbol)
  return { unreadOnly: s.unreadOnly, ...(s.ruleId !== null ? { ruleId: s.ruleId } : {}), ...(symbol ? { symbol } : {}) }
}

export interface RuleOption {
  id: string
  name: string
}

/** Rules for the filter: the engine's list, plus any rule seen only in alerts (deleted since), by name. */
export function ruleOptions(rules: readonly RuleOption[], alerts: readonly Alert[]): RuleOption[] {
  const byId = new Map<string, RuleOption>()
  for (const r of rules) byId.set(r.id, r)
  for (const a of alerts) if (!byId.has(a.ruleId)) byId.set(a.ruleId, { id: a.ruleId, name: a.ruleName })
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name))
}

export const HOUR_MS = 3_600_000

export function snoozeChoices(now: number): { id: string; label: string; until: number }[] {
  return [
    { id: '1h', label: 'For 1 hour', until: now + HOUR_MS },
    { id: 'tomorrow', label: 'Until tomorrow 09:30 ET', until: tomorrowOpenEt(now) },
  ]
}
