/**
 * The Alerts panel: every alert, live, newest first (the window's alert
 * store, plus older pages and filtered results from history). Unread rows are
 * bold; each row shows where the alert went (channel icons with the reason in
 * the tooltip) and offers acknowledge, snooze the rule, useful / not useful and
 * open in the chart (the panel's link group). A click on a row opens the
 * symbol and marks the alert read.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useDismiss } from '../../app/use-dismiss'
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react'
import { createPortal } from 'react-dom'
import { useStore } from 'zustand'
import type { Alert, AlertFeedback } from '../../../../shared/alerts'
import type { PanelProps } from '../../app/panel-types'
import { mergeAlerts, type AlertController } from '../../alerts/alert-controller'
import { alertTime, alertTimeFull, CHANNEL_GLYPH, channelTooltip, parseEtLocal, SUPPRESSION_TEXT, TIER_TEXT, toEtLocal } from '../../alerts/alert-format'
import { useAlertsController } from '../../alerts/alerts-context'
import { formatConfidence, formatCount } from '../format'
import { filterAlerts, hasFilters, historyFilter, HOUR_MS, ruleOptions, snoozeChoices, type AlertsPanelState, type RuleOption } from './alerts-model'
import './alerts-panel.css'

export const ROW_H = 26
const OVERSCAN = 8
/** Alerts per history page. */
export const PAGE = 200
/** Older alerts kept by one panel beyond the store's newest. */
const MAX_EXTRAS = 5000

export function AlertsPanel(props: PanelProps<AlertsPanelState>) {
  return <AlertsView {...props} controller={useAlertsController()} />
}

export interface AlertsViewProps extends PanelProps<AlertsPanelState> {
  controller: AlertController
  now?: () => number
}

type Patch = Partial<Pick<Alert, 'read' | 'acknowledged' | 'feedback'>>

export function AlertsView({ state, setState, link, api, controller, now = Date.now }: AlertsViewProps) {
  const alerts = useStore(controller.store, (s) => s.alerts)
  const unread = useStore(controller.store, (s) => s.unread)
  const status = useStore(controller.store, (s) => s.status)
  const loadError = useStore(controller.store, (s) => s.loadError)
  const actionError = useStore(controller.store, (s) => s.actionError)
  const permission = useStore(controller.store, (s) => s.permission)

  /** Alerts from history this panel asked for (older pages, filtered results): the store's copies win. */
  const [extras, setExtras] = useState<Alert[]>([])
  const [exhausted, setExhausted] = useState(false)
  const [paging, setPaging] = useState(false)
  const [rules, setRules] = useState<RuleOption[]>([])
  const [notice, setNotice] = useState<string | null>(null)
  const [menu, setMenu] = useState<{ alert: Alert; anchor: DOMRect } | null>(null)

  useEffect(() => {
    let live = true
    void api.invoke('alerts.rules.list', {}).then((r) => {
      if (live && r.ok) setRules(r.value.rules.map((x) => ({ id: x.id, name: x.name })))
    })
    return () => {
      live = false
    }
  }, [api])

  // Filtered views ask the engine too: the store holds only the newest alerts.
  const filterKey = JSON.stringify(historyFilter(state))
  useEffect(() => {
    setExhausted(false)
    if (!hasFilters(state)) return
    let live = true
    void api.invoke('alerts.history', { ...historyFilter(state), limit: PAGE }).then((r) => {
      if (!live) return
      if (r.ok) setExtras((x) => mergeAlerts(x, r.value.alerts, MAX_EXTRAS))
      else setNotice(`Loading alerts failed: ${r.error.message}`)
    })
    return () => {
      live = false
    }
    // Keyed by the request it makes, not by the state object.
  }, [api, filterKey])

  const combined = useMemo(() => (extras.length > 0 ? mergeAlerts(extras, alerts, Number.MAX_SAFE_INTEGER) : alerts), [extras, alerts])
  const rows = useMemo(() => filterAlerts(combined, state), [combined, state])
  const options = useMemo(() => ruleOptions(rules, combined), [rules, combined])

  const loadOlder = async () => {
    if (paging) return
    const oldest = rows[rows.length - 1]
    setPaging(true)
    const r = await api.invoke('alerts.history', { ...historyFilter(state), ...(oldest ? { before: oldest.id } : {}), limit: PAGE })
    setPaging(false)
    if (!r.ok) {
      setNotice(`Loading older alerts failed: ${r.error.message}`)
      return
    }
    setExtras((x) => mergeAlerts(x, r.value.alerts, MAX_EXTRAS))
    if (r.value.alerts.length < PAGE) setExhausted(true)
  }

  // Alerts older than the store's are only in `extras`: change them here as well.
  const patchLocal = (id: number, p: Patch) => setExtras((x) => (x.some((a) => a.id === id) ? x.map((a) => (a.id === id ? { ...a, ...p } : a)) : x))

  const actions = useRef<RowActions>(null!)
  actions.current = {
    open(a) {
      link.setSymbol(a.symbol)
      if (!a.read) {
        patchLocal(a.id, { read: true })
        void controller.markRead([a.id])
      }
    },
    acknowledge(a) {
      patchLocal(a.id, { acknowledged: true, read: true })
      void controller.acknowledge(a.id)
    },
    feedback(a, fb) {
      const next = a.feedback === fb ? null : fb
      patchLocal(a.id, { feedback: next })
      void controller.setFeedback(a.id, next)
    },
    snoozeMenu(a, anchor) {
      setMenu({ alert: a, anchor })
    },
  }
  const stableActions = useMemo<RowActions>(
    () => ({
      open: (a) => actions.current.open(a),
      acknowledge: (a) => actions.current.acknowledge(a),
      feedback: (a, fb) => actions.current.feedback(a, fb),
      snoozeMenu: (a, r) => actions.current.snoozeMenu(a, r),
    }),
    [],
  )

  const snooze = async (a: Alert, until: number | null) => {
    setMenu(null)
    const r = await controller.snoozeRule(a.ruleId, until)
    if (r.ok) setNotice(until === null ? `"${a.ruleName}" is no longer snoozed.` : `"${a.ruleName}" is snoozed until ${alertTimeFull(until)}.`)
  }

  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: OVERSCAN,
    getItemKey: (i) => rows[i]!.id,
  })
  const nowMs = now()
  const message = actionError ?? notice

  return (
    <div className="al" data-testid="alerts-panel">
      <div className="al-toolbar">
        <label className="al-check">
          <input type="checkbox" data-testid="alerts-unread-only" checked={state.unreadOnly} onChange={(e) => setState({ ...state, unreadOnly: e.target.checked })} />
          Unread only
        </label>
        <select data-testid="alerts-rule-filter" aria-label="Rule" value={state.ruleId ?? ''} onChange={(e) => setState({ ...state, ruleId: e.target.value === '' ? null : e.target.value })}>
          <option value="">All rules</option>
          {options.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <input
          className="al-symbol-filter"
          data-testid="alerts-symbol-filter"
          aria-label="Symbol"
          placeholder="Symbol"
          value={state.symbol}
          maxLength={16}
          spellCheck={false}
          onChange={(e) => setState({ ...state, symbol: e.target.value.toUpperCase() })}
        />
        {hasFilters(state) && (
          <button type="button" onClick={() => setState({ unreadOnly: false, ruleId: null, symbol: '' })}>
            Clear
          </button>
        )}
        <span className="al-spacer" />
        <span className="al-unread" data-testid="alerts-unread">
          {formatCount(unread)} unread
        </span>
        <button type="button" data-testid="alerts-mark-all-read" disabled={unread === 0} onClick={() => void controller.markAllRead()}>
          Mark all read
        </button>
        <button type="button" data-testid="alerts-open-settings" title="Mute, email, webhooks, watchlists, failed deliveries" onClick={() => controller.openSettings()}>
          Settings…
        </button>
      </div>

      <PermissionBanner controller={controller} permission={permission} />

      {message && (
        <div className="al-message" role="status" data-testid="alerts-message">
          <span>{message}</span>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => {
              setNotice(null)
              controller.clearActionError()
            }}
          >
            ×
          </button>
        </div>
      )}

      <div className="al-head" role="row">
        <span>Time (ET)</span>
        <span>Symbol</span>
        <span>Pattern</span>
        <span>Tier</span>
        <span className="al-num">Conf</span>
        <span>Rule</span>
        <span>Sent</span>
        <span />
      </div>
      <div className="al-scroll" ref={scrollRef} role="rowgroup" data-testid="alerts-scroll">
        {rows.length === 0 ? (
          <div className="al-empty" data-testid="alerts-empty">
            {status === 'loading' ? 'Loading alerts…' : loadError ? loadError : hasFilters(state) ? 'No alerts match the filters.' : 'No alerts yet. They appear here when a rule fires.'}
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((vi) => {
              const a = rows[vi.index]!
              return <AlertRow key={a.id} alert={a} now={nowMs} actions={stableActions} style={{ transform: `translateY(${vi.start}px)` }} />
            })}
          </div>
        )}
      </div>
      <div className="al-foot">
        <span data-testid="alerts-count">{formatCount(rows.length)} shown</span>
        {!exhausted && rows.length > 0 && (
          <button type="button" data-testid="alerts-load-older" disabled={paging} onClick={() => void loadOlder()}>
            {paging ? 'Loading…' : 'Load older'}
          </button>
        )}
      </div>
      {menu && <SnoozeMenu alert={menu.alert} anchor={menu.anchor} now={nowMs} onSnooze={(until) => void snooze(menu.alert, until)} onClose={() => setMenu(null)} />}
    </div>
  )
}

function PermissionBanner({ controller, permission }: { controller: AlertController; permission: string }) {
  if (controller.notifications.owner !== 'renderer' || permission === 'granted') return null
  if (permission === 'default') {
    return (
      <div className="al-banner" data-testid="alerts-permission-banner">
        <span>Desktop notifications are off in this browser.</span>
        <button type="button" data-testid="alerts-enable-notifications" onClick={() => void controller.requestNotificationPermission()}>
          Enable desktop notifications
        </button>
      </div>
    )
  }
  return (
    <div className="al-banner al-banner-note" data-testid="alerts-permission-note">
      {permission === 'denied'
        ? 'Desktop notifications are blocked for this site: allow them in the browser’s site settings to get them.'
        : 'This browser cannot show desktop notifications here (they need https or localhost).'}
    </div>
  )
}

interface RowActions {
  open(a: Alert): void
  acknowledge(a: Alert): void
  feedback(a: Alert, fb: AlertFeedback): void
  snoozeMenu(a: Alert, anchor: DOMRect): void
}

const AlertRow = memo(function AlertRow({ alert: a, now, actions, style }: { alert: Alert; now: number; actions: RowActions; style: CSSProperties }) {
  const cls = ['al-row', a.read ? 'read' : 'unread', a.suppressedBy ? 'suppressed' : '', a.acknowledged ? 'acked' : ''].filter(Boolean).join(' ')
  return (
    <div className={cls} role="row" data-testid="alert-row" data-id={a.id} data-read={a.read} style={style} onClick={() => actions.open(a)} title={a.matched.length ? `Matched: ${a.matched.join('; ')}` : undefined}>
      <span className="al-time" title={alertTimeFull(a.firedAt)}>
        {alertTime(a.firedAt, now)}
      </span>
      <span className="al-sym">{a.symbol}</span>
      <span className="al-pattern">
        {a.pattern}
        {a.test && <span className="alert-tag">test</span>}
      </span>
      <span>{TIER_TEXT[a.tier]}</span>
      <span className="al-num">{formatConfidence(a.confidence)}%</span>
      <span className="al-rule">{a.ruleName}</span>
      <span className="al-channels">
        {a.channels.map((c) => {
          const tip = channelTooltip(c, a)
          return (
            <span key={`${c.channel}:${c.target ?? ''}`} className={`al-ch al-ch-${c.state}`} data-testid="alert-channel" data-channel={c.channel} data-state={c.state} title={tip} aria-label={tip}>
              {CHANNEL_GLYPH[c.channel]}
            </span>
          )
        })}
        {a.suppressedBy && (
          <span className="al-suppressed" title={`Held back by ${SUPPRESSION_TEXT[a.suppressedBy]}`}>
            held
          </span>
        )}
      </span>
      <span className="al-actions" onClick={(e) => e.stopPropagation()}>
        <button type="button" data-action="ack" aria-pressed={a.acknowledged} disabled={a.acknowledged} title={a.acknowledged ? 'Acknowledged' : 'Acknowledge'} aria-label="Acknowledge" onClick={() => actions.acknowledge(a)}>
          ✓
        </button>
        <button type="button" data-action="snooze" title={`Snooze the rule "${a.ruleName}"`} aria-label="Snooze the rule" onClick={(e) => actions.snoozeMenu(a, e.currentTarget.getBoundingClientRect())}>
          Zz
        </button>
        <button type="button" data-action="useful" aria-pressed={a.feedback === 'useful'} title="Useful" aria-label="Useful" onClick={() => actions.feedback(a, 'useful')}>
          +
        </button>
        <button type="button" data-action="not-useful" aria-pressed={a.feedback === 'not_useful'} title="Not useful" aria-label="Not useful" onClick={() => actions.feedback(a, 'not_useful')}>
          −
        </button>
        <button type="button" data-action="chart" title={`Open ${a.symbol} in the linked panels`} aria-label="Open in chart" onClick={() => actions.open(a)}>
          ↗
        </button>
      </span>
    </div>
  )
})

function SnoozeMenu({ alert: a, anchor, now, onSnooze, onClose }: { alert: Alert; anchor: DOMRect; now: number; onSnooze(until: number | null): void; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null)
  const [custom, setCustom] = useState<string | null>(null)
  const customMs = custom === null ? null : parseEtLocal(custom)
  const customOk = customMs !== null && customMs > now

  useDismiss(ref, onClose, 'button')

  return createPortal(
    <div
      ref={ref}
      className="popover al-snooze"
      role="menu"
      aria-label={`Snooze "${a.ruleName}"`}
      data-testid="alerts-snooze-menu"
      style={{ left: Math.max(4, Math.min(anchor.left - 120, window.innerWidth - 240)), top: anchor.bottom + 4 }}
    >
      <div className="al-snooze-title">Snooze “{a.ruleName}”</div>
      {snoozeChoices(now).map((c) => (
        <button key={c.id} type="button" role="menuitem" className="menu-entry" data-snooze={c.id} onClick={() => onSnooze(c.until)}>
          <span className="menu-entry-title">{c.label}</span>
        </button>
      ))}
      {custom === null ? (
        <button type="button" role="menuitem" className="menu-entry" data-snooze="custom" onClick={() => setCustom(toEtLocal(now + 2 * HOUR_MS))}>
          <span className="menu-entry-title">Until… (New York time)</span>
        </button>
      ) : (
        <form
          className="al-snooze-custom"
          onSubmit={(e) => {
            e.preventDefault()
            if (customOk) onSnooze(customMs)
          }}
        >
          <input type="datetime-local" aria-label="Snooze until (New York time)" data-testid="alerts-snooze-until" value={custom} onChange={(e) => setCustom(e.target.value)} />
          <button type="submit" data-testid="alerts-snooze-custom" disabled={!customOk}>
            Snooze
          </button>
          {!customOk && <span className="al-snooze-error">pick a time in the future</span>}
        </form>
      )}
      <button type="button" role="menuitem" className="menu-entry" data-snooze="end" onClick={() => onSnooze(null)}>
        <span className="menu-entry-title">End the snooze</span>
      </button>
    </div>,
    document.body,
  )
}
