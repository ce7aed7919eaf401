/**
 * The editor's live preview: what a rule (saved or not) would have done over
 * stored events, with a noise gate of its own simulated on the events'
 * arrival times, so the live gate is never touched.
 *
 * Snooze and expiry are left out of the simulation: they are absolute times
 * set for the future ("quiet until tomorrow", "stop on Friday"), and applied
 * to last week's events they would say the rule never fires (snoozed) or
 * always fires (not expired yet). The preview answers how often the rule's
 * conditions and its shaping controls (quiet hours, first per day, cooldown,
 * rate limit) let alerts through.
 */
import { ruleId, type AlertRuleParsed, type RulePreview, type Suppression } from '../../../shared/alerts'
import type { PatternEvent } from '../../../shared/domain'
import { EventFacts, compileRule, evaluateCompiled, type EvalContext } from './evaluate'
import { NoiseGate, type NoiseRule } from './noise'

const DAY_MS = 86_400_000
const EXAMPLES = 5

export type PreviewableRule = Pick<AlertRuleParsed, 'when' | 'noise'>

export interface PreviewOptions {
  /** The window asked for (e.g. the last 7 days); default: the events' own span (at least one day). */
  days?: number
  /** Where stored history starts within the window (epoch ms): a store younger than the window covers less, and the per-day rate is over what it covers. */
  historyFrom?: number
  now?: number
}

/** `events` oldest first (by arrival). */
export function previewRule(rule: PreviewableRule, events: readonly PatternEvent[], ctx: EvalContext, opts: PreviewOptions = {}): RulePreview {
  const node = compileRule(rule)
  const simulated: NoiseRule = { id: ruleId('preview'), noise: { ...rule.noise, snoozeUntil: null, expiresAt: null } }
  const gate = new NoiseGate({ now: () => 0 })
  const suppressed: Partial<Record<Suppression, number>> = {}
  const recent: RulePreview['examples'] = []
  let matched = 0
  let delivered = 0
  for (const event of events) {
    const facts = new EventFacts(event, ctx)
    const m = evaluateCompiled(node, facts)
    if (!m) continue
    matched++
    const subject = { symbol: event.symbol, patternKey: facts.key }
    const why = gate.check(simulated, subject, event.receivedAt)
    if (why === null) {
      gate.record(simulated, subject, event.receivedAt)
      delivered++
    } else suppressed[why] = (suppressed[why] ?? 0) + 1
    recent.push({ eventId: event.id, symbol: event.symbol, pattern: event.pattern, tier: event.tier, confidence: event.confidence, detectedAt: event.detectedAt, matched: m.matched, suppressedBy: why })
    if (recent.length > EXAMPLES) recent.shift()
  }
  const span = events.length > 1 ? (events[events.length - 1]!.receivedAt - events[0]!.receivedAt) / DAY_MS : 0
  const days = opts.days ?? Math.max(1, Math.ceil(span))
  // The part of the window that stored history covers (a terminal started an hour ago covers an hour), at least a minute.
  const covered = opts.historyFrom !== undefined && opts.now !== undefined ? Math.min(days, Math.max(60_000, opts.now - opts.historyFrom) / DAY_MS) : days
  return {
    days,
    coveredDays: covered,
    scanned: events.length,
    matched,
    delivered,
    suppressed,
    perDay: Math.round((delivered / covered) * 10) / 10,
    examples: recent.reverse(),
  }
}
