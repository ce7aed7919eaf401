/** The rule list: each rule with its switch, summary, firings today and snooze; the unreadable ones with their reason. */
import { useEffect, useMemo, useState } from 'react'
import type { Alert, AlertRule } from '../../../../shared/alerts'
import type { TerminalApi } from '../../../../shared/contract'
import { formatCount } from '../format'
import { nyDate, nyWhen } from './ny-time'
import { describeGroup } from './rule-model'

/** Alerts asked for to count today's firings (the contract pages at most this many). */
export const FIRED_TODAY_LIMIT = 500

interface Fired {
  ruleId: string
  /** Its New York date, worked out once (Intl is slow and the list re-renders on every edit). */
  day: string
}

/**
 * Firings per rule on today's New York date: the recent history once, then
 * the `alerts` pushes (merged by alert id). Test alerts do not count.
 */
export function useFiredToday(api: TerminalApi, now: number): { counts: ReadonlyMap<string, number>; capped: boolean } {
  const [seen, setSeen] = useState<{ byId: ReadonlyMap<number, Fired>; capped: boolean }>({ byId: new Map(), capped: false })
  useEffect(() => {
    let stopped = false
    const take = (alerts: readonly Alert[], capped?: boolean) =>
      setSeen((s) => {
        const byId = new Map(s.byId)
        for (const a of alerts) if (!a.test) byId.set(a.id, { ruleId: a.ruleId, day: nyDate(a.firedAt) })
        return { byId, capped: capped ?? s.capped }
      })
    let stop: () => void = () => {}
    try {
      stop = api.subscribe('alerts', {}, (alerts) => take(alerts))
    } catch {
      // no pushes: the counts are as of opening
    }
    api.invoke('alerts.history', { limit: FIRED_TODAY_LIMIT, includeTests: false }).then(
      (r) => {
        if (!stopped && r.ok) take(r.value.alerts, r.value.alerts.length >= FIRED_TODAY_LIMIT)
      },
      () => {},
    )
    return () => {
      stopped = true
      stop()
    }
  }, [api])
  const today = nyDate(now)
  const counts = useMemo(() => {
    const m = new Map<string, number>()
    for (const f of seen.byId.values()) if (f.day === today) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1)
    return m
  }, [seen, today])
  return { counts, capped: seen.capped }
}

export interface RuleListProps {
  rules: readonly AlertRule[]
  unreadable: readonly { id: string; reason: string }[]
  selectedId: string | null
  /** The selected rule has unsaved edits. */
  dirty: boolean
  firedToday: ReadonlyMap<string, number>
  firedCapped: boolean
  now: number
  busy: boolean
  onSelect(id: string): void
  onNew(): void
  onToggle(rule: AlertRule, enabled: boolean): void
}

export function RuleList({ rules, unreadable, selectedId, dirty, firedToday, firedCapped, now, busy, onSelect, onNew, onToggle }: RuleListProps) {
  const sorted = [...rules].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <div className="ar-list-pane">
      <div className="ar-list-head">
        <span className="ar-list-title">Rules</span>
        <span className="dim num">{formatCount(rules.length)}</span>
        <span className="ar-spacer" />
        <button type="button" data-testid="ar-new" onClick={onNew} title="Start a new rule">
          + New rule
        </button>
      </div>
      <ul className="ar-rules" role="listbox" aria-label="Alert rules" data-testid="ar-rules">
        {sorted.map((r) => {
          const selected = r.id === selectedId
          const fired = firedToday.get(r.id) ?? 0
          const snoozed = r.noise.snoozeUntil !== null && r.noise.snoozeUntil > now
          return (
            <li
              key={r.id}
              role="option"
              aria-selected={selected}
              tabIndex={0}
              className={`ar-rule ${selected ? 'selected' : ''} ${r.enabled ? '' : 'is-off'}`}
              data-testid="ar-rule"
              data-id={r.id}
              onClick={() => onSelect(r.id)}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' || ev.key === ' ') {
                  ev.preventDefault()
                  onSelect(r.id)
                }
              }}
            >
              <input
                type="checkbox"
                className="ar-switch"
                role="switch"
                aria-label={`${r.name} enabled`}
                checked={r.enabled}
                disabled={busy}
                data-testid="ar-rule-enabled"
                onClick={(ev) => ev.stopPropagation()}
                onKeyDown={(ev) => ev.stopPropagation()}
                onChange={(ev) => onToggle(r, ev.target.checked)}
              />
              <span className="ar-rule-text">
                <span className="ar-rule-name">
                  {r.name}
                  {selected && dirty && (
                    <span className="ar-dirty" title="Unsaved changes">
                      {' '}
                      ●
                    </span>
                  )}
                </span>
                <span className="ar-rule-summary dim" data-testid="ar-rule-summary" title={describeGroup(r.when)}>
                  {describeGroup(r.when)}
                </span>
              </span>
              <span className="ar-rule-meta">
                <span className={`num ${fired > 0 ? '' : 'dim'}`} data-testid="ar-rule-fired" title={firedCapped ? `Fired today (counted over the last ${FIRED_TODAY_LIMIT} alerts)` : 'Fired today'}>
                  {formatCount(fired)}
                  {firedCapped && fired > 0 ? '+' : ''} today
                </span>
                {snoozed && (
                  <span className="ar-badge" data-testid="ar-rule-snoozed">
                    zZ {nyWhen(r.noise.snoozeUntil!, now)}
                  </span>
                )}
              </span>
            </li>
          )
        })}
        {rules.length === 0 && unreadable.length === 0 && <li className="dim ar-empty">No rules yet: build one on the right.</li>}
      </ul>
      {unreadable.length > 0 && (
        <div className="ar-unreadable" data-testid="ar-unreadable">
          <div className="ar-sub">Stored rules this version cannot read (kept, read-only)</div>
          <ul>
            {unreadable.map((u) => (
              <li key={u.id} data-testid="ar-unreadable-rule" data-id={u.id}>
                <span className="ar-bad" aria-hidden="true">
                  ⚠
                </span>{' '}
                <code>{u.id}</code>: <span className="dim">{u.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}
