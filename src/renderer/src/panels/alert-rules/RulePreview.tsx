/**
 * The live preview: what the rule being edited would have done over the last
 * week of stored events. Asked once the edits pause (a burst of edits, one
 * request); an answer to an older draft is dropped.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { alertRuleInputSchema, SUPPRESSIONS, type AlertRuleInput, type RulePreview, type Suppression } from '../../../../shared/alerts'
import type { TerminalApi } from '../../../../shared/contract'
import { lookupPattern } from '../../../../shared/pattern-catalogue'
import { formatCount } from '../format'
import { nyShort } from './ny-time'
import { DirectionIcon, PatternGlyph } from './pattern-glyph'
import { stableJson } from './rule-model'

export const PREVIEW_DAYS = 7
export const PREVIEW_DEBOUNCE_MS = 400
export const PREVIEW_EXAMPLES = 5

export const SUPPRESSION_WORDS: Record<Suppression, string> = {
  disabled: 'the rule being off',
  expired: 'its expiry',
  snoozed: 'the snooze',
  quiet_hours: 'quiet hours',
  cooldown: 'cooldown',
  rate_limit: 'the hourly cap',
  first_per_day: 'first per symbol per day',
  muted: 'mute',
}

export type PreviewState =
  | { status: 'idle' }
  /** The draft does not validate yet: no request. */
  | { status: 'invalid' }
  | { status: 'loading'; last: RulePreview | null }
  | { status: 'done'; preview: RulePreview }
  | { status: 'error'; message: string; last: RulePreview | null }

/**
 * What the preview is asked about: the conditions and noise controls (a
 * change of channels does not change what would have fired). A blank name
 * is not a reason to wait.
 */
export function previewRule(input: AlertRuleInput): { key: string; rule: AlertRuleInput } | null {
  const rule: AlertRuleInput = { ...input, name: input.name.trim() === '' ? 'Untitled rule' : input.name }
  if (!alertRuleInputSchema.safeParse(rule).success) return null
  return { key: stableJson({ when: rule.when, noise: rule.noise, enabled: rule.enabled }), rule }
}

export function usePreview(api: TerminalApi, input: AlertRuleInput, visible: boolean, delayMs = PREVIEW_DEBOUNCE_MS): PreviewState {
  const target = useMemo(() => previewRule(input), [input])
  const key = target?.key ?? null
  const latest = useRef(target)
  latest.current = target
  const [state, setState] = useState<PreviewState>({ status: 'idle' })
  const generation = useRef(0)

  useEffect(() => {
    const gen = ++generation.current
    if (key === null) {
      setState({ status: 'invalid' })
      return
    }
    if (!visible) return
    setState((s) => ({ status: 'loading', last: s.status === 'done' ? s.preview : s.status === 'loading' || s.status === 'error' ? s.last : null }))
    const timer = setTimeout(() => {
      const rule = latest.current?.rule
      if (!rule) return
      api.invoke('alerts.rules.preview', { rule, days: PREVIEW_DAYS }).then(
        (r) => {
          if (gen !== generation.current) return
          setState((s) => {
            const last = s.status === 'loading' || s.status === 'error' ? s.last : null
            return r.ok ? { status: 'done', preview: r.value } : { status: 'error', message: r.error.message, last }
          })
        },
        (err: unknown) => {
          if (gen !== generation.current) return
          setState({ status: 'error', message: err instanceof Error ? err.message : String(err), last: null })
        },
      )
    }, delayMs)
    return () => clearTimeout(timer)
  }, [api, key, visible, delayMs])

  return state
}

/** "20 minutes", "5 hours", "3 days". */
export function spanWords(days: number): string {
  const minutes = Math.max(1, Math.round(days * 1440))
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} hours`
  return `${Math.round(days)} days`
}

const perDay = (n: number) => (n < 10 ? n.toFixed(1) : formatCount(Math.round(n)))
const times = (n: number) => `${formatCount(n)} ${n === 1 ? 'time' : 'times'}`

/** "Would have fired 42 times in 7 days (≈ 6.0/day), 30 delivered; 9 suppressed by cooldown, 3 by quiet hours." */
export function previewSentence(p: RulePreview): string {
  // A terminal recording for less than the window says over how long: "in the 20 minutes stored".
  const span = p.coveredDays < p.days - 1e-6 ? `the ${spanWords(p.coveredDays)} stored` : `${p.days} days`
  if (p.matched === 0) return `Nothing in ${p.coveredDays < p.days - 1e-6 ? span : `the last ${p.days} days`} would have matched (${formatCount(p.scanned)} events checked).`
  let s = `Would have fired ${times(p.matched)} in ${span} (≈ ${perDay(p.perDay)}/day)`
  // The biggest reason first.
  const held = SUPPRESSIONS.filter((k) => (p.suppressed[k] ?? 0) > 0)
    .sort((a, b) => p.suppressed[b]! - p.suppressed[a]!)
    .map((k, i) => `${formatCount(p.suppressed[k]!)} ${i === 0 ? 'suppressed by ' : 'by '}${SUPPRESSION_WORDS[k]}`)
  if (p.delivered !== p.matched) s += `, ${formatCount(p.delivered)} delivered`
  if (held.length > 0) s += `; ${held.join(', ')}`
  return `${s}.`
}

export function PreviewBox({ state }: { state: PreviewState }) {
  const shown = state.status === 'done' ? state.preview : state.status === 'loading' || state.status === 'error' ? state.last : null
  return (
    <section className="ar-section ar-preview" aria-label="Preview" aria-busy={state.status === 'loading'} data-testid="ar-preview" data-status={state.status}>
      <h3>
        Preview <span className="dim">last {PREVIEW_DAYS} days</span>
        {state.status === 'loading' && <span className="dim"> · checking…</span>}
      </h3>
      {state.status === 'invalid' && <p className="dim">The preview waits for a valid rule: fix the marked fields.</p>}
      {state.status === 'error' && (
        <p className="ar-bad" data-testid="ar-preview-error">
          Preview failed: {state.message}
        </p>
      )}
      {shown && (
        <div className={state.status === 'done' ? '' : 'ar-stale'}>
          <p className="ar-preview-sentence" data-testid="ar-preview-sentence">
            {previewSentence(shown)}
          </p>
          {shown.examples.length > 0 && (
            <table className="ar-examples" data-testid="ar-preview-examples">
              <thead>
                <tr>
                  <th>Time (ET)</th>
                  <th>Symbol</th>
                  <th>Pattern</th>
                  <th className="num">Conf.</th>
                  <th>Matched</th>
                </tr>
              </thead>
              <tbody>
                {shown.examples.slice(0, PREVIEW_EXAMPLES).map((e) => {
                  const entry = lookupPattern(e.pattern)
                  return (
                    <tr key={e.eventId} data-testid="ar-preview-example" className={e.suppressedBy ? 'dim' : ''}>
                      <td className="num">{nyShort(e.detectedAt)}</td>
                      <td className="ar-sym">{e.symbol}</td>
                      <td>
                        <span className="ar-inline">
                          {entry && <PatternGlyph entry={entry} />}
                          {entry && <DirectionIcon direction={entry.direction} />}
                          {entry?.name ?? e.pattern} <span className="dim">{e.tier}</span>
                        </span>
                      </td>
                      <td className="num">{Math.round(e.confidence * 100)}%</td>
                      <td>
                        {e.matched.join(' · ')}
                        {e.suppressedBy && <span className="ar-badge"> held back: {SUPPRESSION_WORDS[e.suppressedBy]}</span>}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  )
}
