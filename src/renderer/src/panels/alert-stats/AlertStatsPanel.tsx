/**
 * Alert performance: per rule, how often it fired and what became of its
 * alerts (delivered, failed, held back, acknowledged, judged useful), and how
 * the alerted patterns' price moved after 1 hour, 1 day and 5 days. A rule's
 * recent alerts below; "Edit rule" hands it to the rule editor.
 */
import { useEffect, useRef, useState } from 'react'
import { useStore } from 'zustand'
import type { Alert, RuleStats } from '../../../../shared/alerts'
import { lookupPattern } from '../../../../shared/pattern-catalogue'
import type { PanelProps } from '../../app/panel-types'
import { formatCount } from '../format'
import { ruleEditorBus, type RuleEditorBus } from '../alert-rules/editor-bus'
import { nyShort } from '../alert-rules/ny-time'
import { DirectionIcon, PatternGlyph } from '../alert-rules/pattern-glyph'
import {
  DEFAULT_STATS_SORT,
  deliveryOf,
  formatOutcome,
  formatUseful,
  isStatsColumn,
  nextStatsSort,
  outcomeTone,
  sortStats,
  type StatsColumn,
  type StatsSort,
} from './stats-model'
import './alert-stats.css'

export interface AlertStatsState {
  sort: StatsSort
  /** The rule whose alerts show below; null: none. */
  ruleId: string | null
}

export const defaultAlertStatsState: AlertStatsState = { sort: DEFAULT_STATS_SORT, ruleId: null }

export function parseAlertStatsState(raw: unknown): AlertStatsState {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
  const s = o.sort && typeof o.sort === 'object' ? (o.sort as Record<string, unknown>) : {}
  const sort: StatsSort = isStatsColumn(s.key) && (s.dir === 'asc' || s.dir === 'desc') ? { key: s.key, dir: s.dir } : { ...DEFAULT_STATS_SORT }
  const ruleId = typeof o.ruleId === 'string' && o.ruleId.length > 0 && o.ruleId.length <= 64 ? o.ruleId : null
  return { sort, ruleId }
}

export interface AlertStatsPanelProps extends PanelProps<AlertStatsState> {
  bus?: RuleEditorBus
}

/** New alerts refresh the table at most this often. */
export const STATS_REFRESH_MS = 2000
export const HISTORY_LIMIT = 50

const COLUMNS: readonly { key: StatsColumn; label: string; title: string; num: boolean }[] = [
  { key: 'rule', label: 'Rule', title: 'Rule name', num: false },
  { key: 'fired', label: 'Fired', title: 'Alerts recorded (test alerts not counted)', num: true },
  { key: 'delivered', label: 'Delivered', title: 'Alerts delivered on at least one channel', num: true },
  { key: 'failed', label: 'Failed', title: 'Alerts a channel failed to deliver', num: true },
  { key: 'suppressed', label: 'Held back', title: 'Alerts a noise control held back (cooldown, quiet hours…)', num: true },
  { key: 'acknowledged', label: 'Ack’d', title: 'Alerts acknowledged', num: true },
  { key: 'useful', label: 'Useful', title: 'Share judged useful, with useful / judged', num: true },
  { key: 'after1h', label: '1 h', title: 'Mean move 1 hour after, signed the pattern’s way (bullish up is positive)', num: true },
  { key: 'after1d', label: '1 day', title: 'Mean move 1 day after, signed the pattern’s way', num: true },
  { key: 'after5d', label: '5 days', title: 'Mean move 5 days after, signed the pattern’s way', num: true },
  { key: 'measured', label: 'Measured', title: 'Alerts with bars to measure the move', num: true },
]

export function AlertStatsPanel({ state, setState, api, visible, bus = ruleEditorBus }: AlertStatsPanelProps) {
  const [rows, setRows] = useState<RuleStats[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const [asked, setAsked] = useState(false)
  const editors = useStore(bus, (s) => s.editors)
  const rulesChanged = useStore(bus, (s) => s.rulesChanged)

  // New alerts (and changes to them) and rule edits move the figures: refetch, coalesced.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => {
    let stop: () => void = () => {}
    try {
      stop = api.subscribe('alerts', {}, () => {
        pending.current ??= setTimeout(() => {
          pending.current = undefined
          setTick((t) => t + 1)
        }, STATS_REFRESH_MS)
      })
    } catch {
      // no pushes: the Refresh button still works
    }
    return () => {
      stop()
      clearTimeout(pending.current)
      pending.current = undefined
    }
  }, [api])

  useEffect(() => {
    if (!visible) return
    let stopped = false
    api.invoke('alerts.stats', {}).then(
      (r) => {
        if (stopped) return
        if (r.ok) {
          setRows(r.value.rules)
          setError(null)
        } else setError(r.error.message)
      },
      (err: unknown) => {
        if (!stopped) setError(err instanceof Error ? err.message : String(err))
      },
    )
    return () => {
      stopped = true
    }
  }, [api, visible, tick, rulesChanged])

  const sorted = rows ? sortStats(rows, state.sort) : []
  const selected = rows?.find((r) => r.ruleId === state.ruleId) ?? null
  const select = (ruleId: string) => {
    setAsked(false)
    setState({ ...state, ruleId: state.ruleId === ruleId ? null : ruleId })
  }

  return (
    <div className="ast" data-testid="alert-stats">
      <div className="ast-toolbar">
        <span className="ast-title">Alert performance</span>
        <span className="dim">per rule, test alerts excluded</span>
        <span className="ast-spacer" />
        {error && (
          <span className="ast-bad" data-testid="as-error">
            {error}
          </span>
        )}
        <button type="button" data-testid="as-refresh" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      <div className="ast-scroll">
        <table className="ast-table" data-testid="as-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = state.sort.key === c.key
                return (
                  <th key={c.key} className={c.num ? 'num' : ''} aria-sort={active ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} title={c.title}>
                    <button type="button" className={`ast-sort ${active ? 'sorted' : ''}`} data-testid={`as-sort-${c.key}`} onClick={() => setState({ ...state, sort: nextStatsSort(state.sort, c.key) })}>
                      {c.label}
                      {active && <span className="ast-arrow">{state.sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                    </button>
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr
                key={r.ruleId}
                className={r.ruleId === state.ruleId ? 'selected' : ''}
                tabIndex={0}
                aria-selected={r.ruleId === state.ruleId}
                data-testid="as-row"
                data-rule-id={r.ruleId}
                onClick={() => select(r.ruleId)}
                onKeyDown={(ev) => {
                  if (ev.key === 'Enter' || ev.key === ' ') {
                    ev.preventDefault()
                    select(r.ruleId)
                  }
                }}
              >
                <td className="ast-rule">{r.ruleName}</td>
                <td className="num">{formatCount(r.fired)}</td>
                <td className="num">{formatCount(r.delivered)}</td>
                <td className={`num ${r.failed > 0 ? 'ast-bad' : ''}`}>{formatCount(r.failed)}</td>
                <td className="num">{formatCount(r.suppressed)}</td>
                <td className="num">{formatCount(r.acknowledged)}</td>
                <td className="num" data-testid="as-useful">
                  {formatUseful(r)}
                </td>
                <td className={`num ${outcomeTone(r.outcome.after1h)}`} data-testid="as-after1h">
                  {formatOutcome(r.outcome.after1h)}
                </td>
                <td className={`num ${outcomeTone(r.outcome.after1d)}`} data-testid="as-after1d">
                  {formatOutcome(r.outcome.after1d)}
                </td>
                <td className={`num ${outcomeTone(r.outcome.after5d)}`} data-testid="as-after5d">
                  {formatOutcome(r.outcome.after5d)}
                </td>
                <td className="num">{formatCount(r.outcome.measured)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows && rows.length === 0 && <div className="dim ast-empty">No rule has fired yet.</div>}
        {!rows && !error && <div className="dim ast-empty">loading…</div>}
      </div>
      {state.ruleId !== null && (
        <RuleHistory
          key={state.ruleId}
          api={api}
          ruleId={state.ruleId}
          ruleName={selected?.ruleName ?? state.ruleId}
          refresh={tick}
          onEdit={() => {
            bus.getState().open(state.ruleId!)
            setAsked(true)
          }}
          hint={asked && editors === 0 ? 'Open Panels › Alert rules: it will show this rule.' : null}
          onClose={() => setState({ ...state, ruleId: null })}
        />
      )}
    </div>
  )
}

function RuleHistory({
  api,
  ruleId,
  ruleName,
  refresh,
  onEdit,
  onClose,
  hint,
}: {
  api: AlertStatsPanelProps['api']
  ruleId: string
  ruleName: string
  /** Moves when the table refetched: the history follows. */
  refresh: number
  onEdit(): void
  onClose(): void
  hint: string | null
}) {
  const [alerts, setAlerts] = useState<Alert[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let stopped = false
    api.invoke('alerts.history', { ruleId, limit: HISTORY_LIMIT }).then(
      (r) => {
        if (stopped) return
        if (r.ok) setAlerts(r.value.alerts)
        else setError(r.error.message)
      },
      (err: unknown) => {
        if (!stopped) setError(err instanceof Error ? err.message : String(err))
      },
    )
    return () => {
      stopped = true
    }
  }, [api, ruleId, refresh])
  return (
    <section className="ast-history" aria-label={`Recent alerts of ${ruleName}`} data-testid="as-history" data-rule-id={ruleId}>
      <div className="ast-history-head">
        <span className="ast-title">{ruleName}</span>
        <span className="dim">recent alerts</span>
        <span className="ast-spacer" />
        {hint && (
          <span className="ast-hint" data-testid="as-open-hint">
            {hint}
          </span>
        )}
        <button type="button" data-testid="as-edit" onClick={onEdit}>
          Edit rule
        </button>
        <button type="button" className="ast-x" aria-label="Close the history" onClick={onClose}>
          ×
        </button>
      </div>
      {error && <div className="ast-bad">{error}</div>}
      {alerts && alerts.length === 0 && <div className="dim ast-empty">No alerts from this rule yet.</div>}
      {alerts && alerts.length > 0 && (
        <table className="ast-table ast-alerts" data-testid="as-alerts">
          <thead>
            <tr>
              <th>Fired (NY)</th>
              <th>Symbol</th>
              <th>Pattern</th>
              <th>Tier</th>
              <th className="num">Conf.</th>
              <th>Delivery</th>
              <th>Ack</th>
              <th>Feedback</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => {
              const entry = lookupPattern(a.pattern)
              const d = deliveryOf(a)
              return (
                <tr key={a.id} data-testid="as-alert" data-id={a.id}>
                  <td className="num">{nyShort(a.firedAt)}</td>
                  <td className="ast-rule">
                    {a.symbol}
                    {a.test && <span className="ast-badge"> test</span>}
                  </td>
                  <td>
                    <span className="ast-inline">
                      {entry && <PatternGlyph entry={entry} />}
                      {entry && <DirectionIcon direction={entry.direction} />}
                      {entry?.name ?? a.pattern}
                    </span>
                  </td>
                  <td>{a.tier}</td>
                  <td className="num">{Math.round(a.confidence * 100)}%</td>
                  <td className={d.tone === 'bad' ? 'ast-bad' : d.tone === 'ok' ? 'ast-ok' : 'dim'} title={a.matched.join(' · ')}>
                    {d.text}
                  </td>
                  <td>{a.acknowledged ? '✓' : ''}</td>
                  <td>{a.feedback === 'useful' ? 'useful' : a.feedback === 'not_useful' ? 'not useful' : ''}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
