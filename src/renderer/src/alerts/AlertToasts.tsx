/**
 * New alerts as toasts, bottom right over the docking area: newest on top,
 * at most MAX_VISIBLE_TOASTS shown (+N more). Each goes after TOAST_MS unless
 * the stack is hovered or holds the focus (the clock pauses); critical ones
 * stay until dismissed. Click (or Enter) opens the symbol in the linked
 * panels and marks the alert read; Escape or Delete dismisses.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useStore } from 'zustand'
import type { Alert } from '../../../shared/alerts'
import { formatConfidence, formatPrice } from '../panels/format'
import type { AlertController } from './alert-controller'
import { TIER_TEXT } from './alert-format'

export const TOAST_MS = 8000
export const MAX_VISIBLE_TOASTS = 4

export function AlertToasts({ controller }: { controller: AlertController }) {
  const toasts = useStore(controller.store, (s) => s.toasts)
  const [paused, setPaused] = useState({ hover: false, focus: false })
  const isPaused = paused.hover || paused.focus
  /** When each non-critical toast goes (epoch ms), shifted on by every pause. */
  const expiry = useRef(new Map<number, number>())
  const pausedAt = useRef<number | null>(null)

  // Give new toasts their time; forget the ones gone.
  const ids = new Set(toasts.map((t) => t.id))
  for (const id of expiry.current.keys()) if (!ids.has(id)) expiry.current.delete(id)
  for (const t of toasts) if (t.urgency !== 'critical' && !expiry.current.has(t.id)) expiry.current.set(t.id, (pausedAt.current ?? Date.now()) + TOAST_MS)

  useEffect(() => {
    if (isPaused) {
      pausedAt.current ??= Date.now()
      return
    }
    if (pausedAt.current !== null) {
      const held = Date.now() - pausedAt.current
      pausedAt.current = null
      for (const [id, at] of expiry.current) expiry.current.set(id, at + held)
    }
    if (expiry.current.size === 0) return
    const next = Math.min(...expiry.current.values())
    const timer = setTimeout(() => {
      const t = Date.now()
      for (const [id, at] of [...expiry.current]) if (at <= t) controller.dismissToast(id)
    }, Math.max(0, next - Date.now()))
    return () => clearTimeout(timer)
  }, [toasts, isPaused, controller])

  // The live region stays mounted (empty) so screen readers announce what is added to it.
  const visible = toasts.slice(0, MAX_VISIBLE_TOASTS)
  const more = toasts.length - visible.length
  return (
    <section
      className="alert-toasts"
      data-testid="alert-toasts"
      aria-label="New alerts"
      aria-live="polite"
      onMouseEnter={() => setPaused((p) => ({ ...p, hover: true }))}
      onMouseLeave={() => setPaused((p) => ({ ...p, hover: false }))}
      onFocus={() => setPaused((p) => ({ ...p, focus: true }))}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setPaused((p) => ({ ...p, focus: false }))
      }}
    >
      {visible.map((a) => (
        <AlertToast key={a.id} alert={a} controller={controller} />
      ))}
      {more > 0 && (
        <div className="alert-toasts-more" data-testid="alert-toasts-more">
          <span>+{more} more</span>
          <button type="button" onClick={() => controller.dismissAllToasts()}>
            Dismiss all
          </button>
        </div>
      )}
    </section>
  )
}

function AlertToast({ alert: a, controller }: { alert: Alert; controller: AlertController }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' || e.key === 'Delete') {
      e.preventDefault()
      e.stopPropagation()
      controller.dismissToast(a.id)
    }
  }
  const label = `${a.urgency === 'critical' ? 'Critical alert' : 'Alert'}: ${a.symbol} ${a.pattern}, ${TIER_TEXT[a.tier]}, ${formatConfidence(a.confidence)}% confidence, rule ${a.ruleName}. Enter opens ${a.symbol}; Escape dismisses.`
  return (
    <div className={`alert-toast urgency-${a.urgency}`} data-testid="alert-toast" data-alert-id={a.id} data-urgency={a.urgency} onKeyDown={onKeyDown}>
      <button type="button" className="alert-toast-body" data-testid="alert-toast-open" aria-label={label} onClick={() => controller.openAlert(a)}>
        <span className="alert-toast-head">
          <b className="alert-toast-symbol">{a.symbol}</b>
          <span className="alert-toast-pattern">{a.pattern}</span>
          {a.urgency === 'critical' && <span className="alert-tag critical">critical</span>}
          {a.test && <span className="alert-tag">test</span>}
        </span>
        <span className="alert-toast-meta">
          <span>{TIER_TEXT[a.tier]}</span>
          <span>{formatConfidence(a.confidence)}%</span>
          {a.price !== null && <span>${formatPrice(a.price)}</span>}
        </span>
        <span className="alert-toast-rule">{a.ruleName}</span>
      </button>
      <button type="button" className="alert-toast-close" data-testid="alert-toast-dismiss" aria-label={`Dismiss ${a.symbol} ${a.pattern}`} onClick={() => controller.dismissToast(a.id)}>
        ×
      </button>
    </div>
  )
}
