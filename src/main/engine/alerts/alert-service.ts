/**
 * Alerts in the engine: each accepted pattern event is checked against the
 * trader's rules (an index picks the candidates; evaluation is pure), noise
 * controls decide whether a match is delivered, and every match is written
 * to SQLite, with its channels' states, before anything is delivered. The
 * clients deliver what they own (the desktop notification, toasts, sounds)
 * and report back; email and webhooks go out from here with retries and a
 * dead-letter list. A detection seen twice (a redelivery after a reconnect)
 * never alerts twice: (rule, detection) is unique in the store.
 */
import {
  alertSettingsSchema,
  type Alert,
  type AlertRule,
  type AlertRuleParsed,
  type AlertSettings,
  type ChannelStatus,
  type RulePreview,
  type RuleStats,
  type Suppression,
  type Urgency,
  type Webhook,
} from '../../../shared/alerts'
import type { DeadLetter } from '../../../shared/contract'
import { epochMs, TIERS, type PatternEvent, type Priority } from '../../../shared/domain'
import { patternDirection } from '../../../shared/pattern-catalogue'
import { patternKey } from '../../../shared/patterns'
import type { Database } from '../store/db'
import type { PatternStore } from '../store/pattern-store'
import { AlertStore, detectionKey, type StoredSettings } from './alert-store'
import { DeliveryError } from './delivery/delivery-error'
import { DigestQueue, type Digest } from './delivery/digest'
import { createSmtpSender, formatAlertEmail, type SmtpSender } from './delivery/email'
import { DeliveryQueue, type AttemptReport, type DeadLetter as QueueDeadLetter } from './delivery/retry'
import { renderWebhook, sendWebhook, validateWebhookTemplate } from './delivery/webhook'
import type { EvalContext } from './evaluate'
import { NoiseGate } from './noise'
import { previewRule } from './preview'
import { RuleIndex, matchEvent } from './rule-index'
import type { SecretStore } from './secrets'

/** Why a request about alerts was refused (bad input the schema cannot see, a missing rule). */
export class AlertRequestError extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found',
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message)
    this.name = 'AlertRequestError'
  }
}

export interface AlertServiceDeps {
  db: Database
  patterns: PatternStore
  secrets: SecretStore
  now: () => number
  log: (level: 'info' | 'warn' | 'error', msg: string) => void
  /** New alerts and updated ones, to the clients. */
  publish: (alerts: Alert[]) => void
  /** The stored rules changed (any window's editor reloads). */
  publishRules?: (version: number) => void
  publishUnread: (unread: number) => void
  /** The symbol's sector fund from the sector table (events without a market stamp). */
  sectorOf: (symbol: string) => string | null
  /** A symbol's price at or just after `t` (epoch ms) from stored bars, null when there are none: how alerted patterns turned out. */
  priceAt?: (symbol: string, t: number) => number | null
  /** Tests inject these; production uses the real ones. */
  fetch?: typeof fetch
  smtp?: SmtpSender
  deliveryTimeoutMs?: number
}

/** A job for the delivery queue: one email (one alert, or a digest) or one webhook post. */
interface DeliveryJob {
  channel: 'email' | 'webhook'
  target: string
  alertIds: number[]
  firstAt: number
}

/** How long a claimed desktop notification is remembered (ids only, bounded). */
const MAX_CLAIMS = 10_000
/** A toast, sound or desktop notification no window took within this long is recorded failed. */
export const CLIENT_DELIVERY_TIMEOUT_MS = 30_000
/** Alerts waiting for a window to deliver them (bounded: beyond it the oldest are settled early). */
const MAX_AWAITING = 50_000
/** At most this many are settled per call (the engine's timer calls it every second). */
const SETTLE_PER_TICK = 200
/** Rule statistics are recomputed at most this often. */
const STATS_CACHE_MS = 10_000
/** Stored events scanned at most by a preview (newest first): a busy week can hold millions. */
const PREVIEW_MAX_EVENTS = 200_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export function urgencyOf(priority: Priority, override: Urgency | null): Urgency {
  if (override) return override
  return priority === 'CRITICAL' ? 'critical' : priority === 'LOW' ? 'low' : 'normal'
}

export class AlertService {
  private readonly store: AlertStore
  private rules: AlertRule[] = []
  private rulesById = new Map<string, AlertRule>()
  private index = new RuleIndex<AlertRule>([])
  private noise: NoiseGate
  /** Batches of alerts that could not be written (disk full...). */
  writeFailures = 0
  private lastWriteErrorLog = -Infinity
  private ctx: EvalContext
  private settings: StoredSettings
  private readonly claims = new Set<number>()
  /** Dead letters being retried now. */
  private readonly retrying = new Set<number>()
  /** Alert id -> when it was handed out, while a channel a window delivers (desktop, toast, sound) is pending. */
  private readonly awaiting = new Map<number, number>()
  private readonly queue: DeliveryQueue<DeliveryJob>
  private readonly digests: DigestQueue
  private readonly smtp: SmtpSender
  private disposed = false
  /** Moves with every change to the stored rules. */
  rulesVersion = 0
  private statsCache: { at: number; rulesVersion: number; value: RuleStats[] } | null = null

  constructor(private readonly deps: AlertServiceDeps) {
    this.store = new AlertStore(deps.db)
    const s = this.store.getSettings()
    if (s.problem) deps.log('warn', `alerts: ${s.problem}`)
    this.settings = s.settings
    this.ctx = this.makeContext()
    this.smtp = deps.smtp ?? createSmtpSender({ timeoutMs: deps.deliveryTimeoutMs ?? 15_000 })
    this.queue = new DeliveryQueue<DeliveryJob>({
      now: deps.now,
      onAttempt: (r) => this.onAttempt(r),
      onDeadLetter: (d) => this.onDeadLetter(d),
      onDropped: (d) => {
        deps.log('warn', `alerts: delivery queue full, dropped a ${d.job.channel} delivery for alert ${d.job.alertIds.join(', ')}`)
        this.onDeadLetter({ job: d.job, attempts: d.attempts, reason: 'the delivery queue was full', at: d.at })
        this.updateChannel(d.job.alertIds, d.job.channel, d.job.channel === 'webhook' ? d.job.target : null, { state: 'failed', reason: 'the delivery queue was full (on the dead-letter list)', at: d.at })
      },
      onCallbackError: (e) => deps.log('error', `alerts: delivery callback failed: ${(e as Error).message}`),
    })
    this.digests = new DigestQueue({ now: deps.now, send: (d) => this.sendDigest(d) })
    this.reloadRules(false)
    // Cooldowns, hourly caps and "first per day" survive a restart: replay what was delivered.
    this.noise = this.restoredNoise()
    this.settleAfterRestart()
  }

  /** The noise controls' memory as the store has it: what was delivered within the longest window any rule needs. */
  private restoredNoise(): NoiseGate {
    const gate = new NoiseGate({ now: this.deps.now })
    gate.restore(this.store.deliveredSince(this.deps.now() - NoiseGate.replayWindowMs(this.rules)), this.rules)
    return gate
  }

  /**
   * Channels still pending from before a restart will not be delivered by
   * anyone now (the windows only deliver new alerts; the delivery queue was
   * in memory): recorded failed, with email and webhooks on the dead-letter
   * list so they can be retried.
   */
  private settleAfterRestart(): void {
    const now = this.deps.now()
    const stale = this.store.pendingSince(now - DAY_MS)
    if (stale.length === 0) return
    this.store.transaction(() => {
      for (const a of stale) {
        const channels = a.channels.map((c) => (c.state === 'pending' ? { ...c, state: 'failed' as const, reason: 'the terminal stopped before it was delivered', at: epochMs(now) } : c))
        this.store.setChannels(a.id, channels)
        for (const c of a.channels) {
          if (c.state === 'pending' && (c.channel === 'email' || c.channel === 'webhook')) {
            this.store.addDeadLetter({ alertId: a.id, channel: c.channel, target: c.target ?? '', reason: 'the terminal stopped before it was delivered', attempts: c.attempts, firstAt: a.firedAt, lastAt: now })
          }
        }
      }
    })
    this.deps.log('info', `alerts: ${stale.length} alert(s) had channels still pending from before the restart; recorded as failed`)
  }

  private makeContext(): EvalContext {
    const watchlists = new Map<string, ReadonlySet<string>>()
    for (const w of this.settings.watchlists) watchlists.set(w.name, new Set(w.symbols))
    return { watchlists, sectorOf: this.deps.sectorOf }
  }

  /** Read the rules again after a change (`tell`: and tell the clients; not while constructing). */
  private reloadRules(tell = true): void {
    this.rulesVersion++
    if (tell) this.deps.publishRules?.(this.rulesVersion)
    const { rules, unreadable } = this.store.listRules()
    for (const u of unreadable) this.deps.log('warn', `alerts: rule ${u.id} cannot be read by this version (${u.reason}); kept, not used`)
    this.rules = rules
    this.rulesById = new Map(rules.map((r) => [r.id as string, r]))
    this.index = new RuleIndex(rules)
  }

  /** Whether any rule can fire (the ingest path skips alerts entirely otherwise). */
  get active(): boolean {
    return this.index.size > 0
  }

  // ------------------------------------------------------------ the event path

  /** Accepted, stamped events (already deduplicated by the engine). Writes alerts, then hands them out. */
  onEvents(events: readonly PatternEvent[]): void {
    if (this.index.size === 0) return
    const now = this.deps.now()
    let created: Alert[] | null = null
    // Matching is cheap and usually finds nothing; the writes of a batch's alerts are one commit.
    const hits: { e: PatternEvent; rule: AlertRule; matched: string[] }[] = []
    for (const e of events) for (const h of matchEvent(this.index, e, this.ctx)) hits.push({ e, rule: h.rule, matched: h.matched })
    if (hits.length === 0) return
    try {
      this.store.transaction(() => {
        for (const { e, rule, matched } of hits) {
          const subject = { symbol: e.symbol, patternKey: e.patternKey }
          const suppressedBy = this.noise.check(rule, subject, now)
          // A rule past its expiry date records nothing (it would write a row per match for ever).
          if (suppressedBy === 'expired') continue
          const alert = this.store.insertAlert({
            ...this.alertFields(rule, e, now),
            // Held back: in history, not in the unread count (the badge is what needs attention).
            read: suppressedBy !== null,
            matched,
            suppressedBy,
            channels: this.channelsFor(rule, suppressedBy, now),
            test: false,
          })
          if (!alert) continue // this rule already alerted on this detection
          if (suppressedBy === null) this.noise.record(rule, subject, now)
          ;(created ??= []).push(alert)
        }
      })
    } catch (e) {
      // Disk full, a locked database: the batch's alerts are not stored (its events are, by their own writer).
      // What the noise controls counted in this batch was rolled back with it: rebuild them from the store.
      created = null
      this.writeFailures++
      this.noise = this.restoredNoise()
      this.store.recountUnread()
      const t = this.deps.now()
      if (t - this.lastWriteErrorLog > 60_000) {
        this.lastWriteErrorLog = t
        this.deps.log('error', `alerts: writing ${hits.length} alert(s) failed, they are lost (${this.writeFailures} batches so far): ${(e as Error).message}`)
      }
    }
    if (created) this.handOut(created)
  }

  private alertFields(rule: AlertRule, e: PatternEvent, now: number) {
    return {
      ruleId: rule.id,
      ruleName: rule.name,
      eventId: e.id,
      eventKey: detectionKey(e),
      symbol: e.symbol,
      pattern: e.pattern,
      patternKey: e.patternKey,
      tier: e.tier,
      confidence: e.confidence,
      priority: e.priority,
      price: e.price,
      detectedAt: e.detectedAt,
      firedAt: epochMs(now),
      urgency: urgencyOf(e.priority, rule.actions.urgency),
      read: false,
      acknowledged: false,
      feedback: null,
    }
  }

  /** The channels an alert starts with: pending where it will be delivered, suppressed (with why) or failed (with why) otherwise. */
  private channelsFor(rule: AlertRule, suppressedBy: Suppression | null, now: number): ChannelStatus[] {
    const at = epochMs(now)
    const ch = (channel: ChannelStatus['channel'], target: string | null, state: ChannelStatus['state'] = 'pending', reason: string | null = null): ChannelStatus => ({
      channel,
      target,
      state: suppressedBy ? 'suppressed' : state,
      reason: suppressedBy ?? reason,
      attempts: 0,
      at,
    })
    const a = rule.actions
    const out: ChannelStatus[] = []
    if (a.desktop) out.push(ch('desktop', null))
    if (a.toast) out.push(ch('toast', null))
    if (a.sound) out.push(this.settings.mute ? ch('sound', a.sound, 'suppressed', 'muted') : ch('sound', a.sound))
    if (a.email) out.push(this.settings.smtp ? ch('email', this.settings.smtp.to.join(', ')) : ch('email', null, 'failed', 'no SMTP server in the alert settings'))
    for (const id of a.webhooks) {
      const w = this.settings.webhooks.find((x) => x.id === id)
      out.push(!w ? ch('webhook', id, 'failed', `no webhook "${id}" in the alert settings`) : !w.enabled ? ch('webhook', id, 'failed', `webhook "${w.name}" is disabled`) : ch('webhook', id))
    }
    return out
  }

  /** Tell the clients, and start the deliveries this engine owns (email, webhooks). */
  private handOut(alerts: Alert[]): void {
    this.deps.publish(alerts)
    this.deps.publishUnread(this.store.unread())
    for (const a of alerts) {
      if (a.suppressedBy !== null) continue
      if (a.channels.some((c) => c.state === 'pending' && (c.channel === 'desktop' || c.channel === 'toast' || c.channel === 'sound'))) {
        this.awaiting.set(a.id, this.deps.now())
        // Far beyond any real rate (30 s of alerts): the oldest is forgotten here and settled by the next restart.
        if (this.awaiting.size > MAX_AWAITING) this.awaiting.delete(this.awaiting.keys().next().value as number)
      }
      const rule = this.rulesById.get(a.ruleId)
      for (const c of a.channels) {
        if (c.state !== 'pending') continue
        if (c.channel === 'email') {
          const digest = rule?.noise.digestMinutes ?? null
          if (digest !== null && !a.test) this.digests.add(a, digest)
          else this.enqueue({ channel: 'email', target: c.target ?? '', alertIds: [a.id], firstAt: this.deps.now() })
        } else if (c.channel === 'webhook' && c.target) {
          this.enqueue({ channel: 'webhook', target: c.target, alertIds: [a.id], firstAt: this.deps.now() })
        }
      }
    }
  }

  // ------------------------------------------------------------ email and webhooks

  private enqueue(job: DeliveryJob): void {
    if (this.disposed) return
    this.queue.enqueue(job, (signal) => this.run(job, signal))
  }

  private async run(job: DeliveryJob, signal: AbortSignal): Promise<void> {
    const alerts = job.alertIds.map((id) => this.store.getAlert(id)).filter((a): a is Alert => a !== null)
    if (alerts.length === 0) return
    if (job.channel === 'email') {
      const smtp = this.settings.smtp
      if (!smtp) throw new DeliveryError('no SMTP server in the alert settings', { retryable: false })
      const first = alerts[0] as Alert
      const message = alerts.length === 1 ? formatAlertEmail(alerts) : formatAlertEmail(alerts, { from: first.firedAt, to: (alerts.at(-1) as Alert).firedAt })
      await this.smtp.send(message, smtp, this.deps.secrets.get().smtpPassword)
      return
    }
    const hook = this.settings.webhooks.find((w) => w.id === job.target)
    if (!hook) throw new DeliveryError(`no webhook "${job.target}" in the alert settings`, { retryable: false })
    const req = renderWebhook(hook, alerts[0] as Alert)
    if (!req.ok) throw new DeliveryError(req.error.message, { retryable: false })
    await sendWebhook(req.value, { fetch: this.deps.fetch ?? fetch, timeoutMs: this.deps.deliveryTimeoutMs ?? 15_000, signal, now: this.deps.now })
  }

  private sendDigest(d: Digest): void {
    const smtp = this.settings.smtp
    this.enqueue({ channel: 'email', target: smtp ? smtp.to.join(', ') : '', alertIds: d.alerts.map((a) => a.id), firstAt: d.from })
  }

  private onAttempt(r: AttemptReport<DeliveryJob>): void {
    const state = r.outcome === 'sent' ? 'sent' : r.nextAttemptAt === null ? 'failed' : 'pending'
    const reason = r.outcome === 'sent' ? null : r.nextAttemptAt === null ? r.reason : `${r.reason}; retrying`
    this.updateChannel(r.job.alertIds, r.job.channel, r.job.channel === 'webhook' ? r.job.target : null, { state, reason, attempts: r.attempt, at: r.at })
  }

  private onDeadLetter(d: QueueDeadLetter<DeliveryJob>): void {
    for (const id of d.job.alertIds) {
      this.store.addDeadLetter({ alertId: id, channel: d.job.channel, target: d.job.target, reason: d.reason, attempts: d.attempts, firstAt: d.job.firstAt, lastAt: d.at })
    }
    this.deps.log('warn', `alerts: ${d.job.channel} delivery ${d.job.channel === 'webhook' ? `to "${d.job.target}" ` : ''}failed after ${d.attempts} attempt(s): ${d.reason}`)
  }

  /** Change one channel of some alerts (matched by kind and, for webhooks, target) and tell the clients. */
  private updateChannel(alertIds: readonly number[], channel: ChannelStatus['channel'], target: string | null, change: Partial<ChannelStatus>): Alert[] {
    const changed: Alert[] = []
    for (const id of alertIds) {
      const a = this.store.getAlert(id)
      if (!a) continue
      let hit = false
      const channels = a.channels.map((c) => {
        if (c.channel !== channel || (target !== null && c.target !== target)) return c
        hit = true
        return { ...c, ...change }
      })
      if (!hit) continue
      this.store.setChannels(id, channels)
      changed.push({ ...a, channels })
    }
    if (changed.length > 0) this.deps.publish(changed)
    return changed
  }

  // ------------------------------------------------------------ requests

  listRules(): { rules: AlertRule[]; unreadable: { id: string; reason: string }[] } {
    return this.store.listRules()
  }

  saveRule(input: AlertRuleParsed): AlertRule {
    if (input.id !== undefined && !this.store.getRule(input.id) && !this.store.listRules().unreadable.some((u) => u.id === input.id)) {
      throw new AlertRequestError('not_found', `no rule with id ${JSON.stringify(input.id)}`, { 'rule.id': 'no such rule' })
    }
    for (const [i, id] of input.actions.webhooks.entries()) {
      if (!this.settings.webhooks.some((w) => w.id === id)) throw new AlertRequestError('bad_request', `no webhook "${id}" in the alert settings`, { [`rule.actions.webhooks.${i}`]: 'no such webhook' })
    }
    const saved = this.store.saveRule(input, this.deps.now())
    this.reloadRules()
    return saved
  }

  deleteRule(id: string): boolean {
    const deleted = this.store.deleteRule(id)
    if (deleted) {
      this.noise.forgetRule(id)
      // Its open email digest goes out now rather than being dropped.
      this.digests.flush(id as AlertRule['id'])
      this.reloadRules()
    }
    return deleted
  }

  snoozeRule(id: string, until: number | null): AlertRule {
    const rule = this.store.getRule(id)
    if (!rule) throw new AlertRequestError('not_found', `no rule with id ${JSON.stringify(id)}`, { id: 'no such rule' })
    const { schemaVersion: _v, createdAt: _c, updatedAt: _u, ...body } = rule
    const saved = this.store.saveRule({ ...body, noise: { ...body.noise, snoozeUntil: until } }, this.deps.now())
    this.reloadRules()
    return saved
  }

  /** A test alert through every channel of the rule (no noise control), recorded as a test. */
  testRule(id: string): Alert {
    const rule = this.store.getRule(id)
    if (!rule) throw new AlertRequestError('not_found', `no rule with id ${JSON.stringify(id)}`, { id: 'no such rule' })
    const now = this.deps.now()
    const pattern = firstPatternName(rule) ?? 'Hammer'
    const symbol = firstSymbol(rule) ?? 'TEST'
    const event = {
      id: 0,
      symbol,
      pattern,
      patternKey: patternKey(pattern),
      tier: 'intraday' as const,
      confidence: 0.9,
      priority: 'CRITICAL' as const,
      price: null,
      timeframe: null,
      detectedAt: epochMs(now),
    } as PatternEvent
    const alert = this.store.insertAlert({
      ...this.alertFields(rule, event, now),
      eventKey: `test|${now}|${Math.random()}`,
      matched: ['test alert ("Send test" in the rule editor)'],
      suppressedBy: null,
      channels: this.channelsFor(rule, null, now),
      test: true,
    }) as Alert
    this.handOut([alert])
    return alert
  }

  preview(rule: AlertRuleParsed, days: number): RulePreview {
    const since = this.deps.now() - days * DAY_MS
    const events: PatternEvent[] = []
    for (const tier of TIERS) {
      let before: { detectedAt: number; id: number } | undefined
      for (;;) {
        const page = this.deps.patterns.queryPatterns({ tier, since, limit: 1000, ...(before ? { before } : {}) })
        events.push(...page)
        const last = page[page.length - 1]
        if (page.length < 1000 || !last || events.length >= PREVIEW_MAX_EVENTS) break
        before = { detectedAt: last.detectedAt, id: last.id }
      }
    }
    events.sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id)
    const kept = events.length > PREVIEW_MAX_EVENTS ? events.slice(-PREVIEW_MAX_EVENTS) : events
    const oldest = this.deps.patterns.oldestReceivedAt()
    return previewRule(rule, kept, this.ctx, { days, now: this.deps.now(), historyFrom: oldest === null ? this.deps.now() : Math.max(since, oldest) })
  }

  history(q: { ruleId?: string; symbol?: string; unreadOnly: boolean; includeTests: boolean; before?: number; limit: number }): { alerts: Alert[]; unread: number } {
    return { alerts: this.store.history(q), unread: this.store.unread() }
  }

  mark(ids: number[] | 'all', m: { read?: boolean; acknowledged?: boolean; feedback?: 'useful' | 'not_useful' | null }): { updated: number; unread: number } {
    const updated = this.store.mark(ids, m)
    this.statsCache = null
    const unread = this.store.unread()
    if (ids !== 'all') this.deps.publish(ids.map((id) => this.store.getAlert(id)).filter((a): a is Alert => a !== null))
    this.deps.publishUnread(unread)
    return { updated, unread }
  }

  /** A client delivered (or failed to deliver) a channel it owns. */
  report(id: number, channel: 'desktop' | 'toast' | 'sound', state: 'sent' | 'failed', reason: string | null): Alert {
    const a = this.store.getAlert(id)
    if (!a) throw new AlertRequestError('not_found', `no alert ${id}`, { id: 'no such alert' })
    const c = a.channels.find((x) => x.channel === channel)
    if (!c) throw new AlertRequestError('bad_request', `alert ${id} has no ${channel} channel`, { channel: 'not a channel of this alert' })
    // The first report settles it; a second window's later report does not undo a "sent".
    if (c.state === 'sent' || c.state === 'suppressed') return a
    return this.updateChannel([id], channel, null, { state, reason, attempts: c.attempts + 1, at: epochMs(this.deps.now()) })[0] ?? a
  }

  /** The first client to ask shows the desktop notification. */
  claim(id: number): boolean {
    if (this.claims.has(id)) return false
    const a = this.store.getAlert(id)
    if (!a || a.suppressedBy !== null || !a.channels.some((c) => c.channel === 'desktop' && c.state === 'pending')) return false
    this.claims.add(id)
    if (this.claims.size > MAX_CLAIMS) this.claims.delete(this.claims.values().next().value as number)
    return true
  }

  /**
   * Channels a window delivers that no window delivered within
   * CLIENT_DELIVERY_TIMEOUT_MS are recorded failed, with why (no window open,
   * or none allowed to show notifications): history never shows "pending"
   * for something that will not happen. The engine calls it every second.
   */
  settleAwaiting(now: number, max = SETTLE_PER_TICK): void {
    const due: number[] = []
    for (const [id, at] of this.awaiting) {
      if (due.length >= max || now - at < CLIENT_DELIVERY_TIMEOUT_MS) break
      due.push(id)
    }
    if (due.length === 0) return
    const changed: Alert[] = []
    // One commit and one push for the lot, not one per channel.
    this.store.transaction(() => {
      for (const id of due) {
        this.awaiting.delete(id)
        const a = this.store.getAlert(id)
        if (!a) continue
        let hit = false
        const channels = a.channels.map((c) => {
          if (c.state !== 'pending' || (c.channel !== 'desktop' && c.channel !== 'toast' && c.channel !== 'sound')) return c
          hit = true
          // Not a delivery failure but nobody to deliver to (no window, or none allowed to show notifications):
          // recorded as not delivered with why, and not counted among failures.
          const reason = c.channel === 'desktop' ? 'not shown: no window open that may show notifications' : 'not shown: no terminal window was open'
          return { ...c, state: 'suppressed' as const, reason, at: epochMs(Number.isFinite(now) ? now : this.deps.now()) }
        })
        if (!hit) continue
        this.store.setChannels(id, channels)
        changed.push({ ...a, channels })
      }
    })
    if (changed.length > 0) this.deps.publish(changed)
  }

  stats(): RuleStats[] {
    // A full pass over the stored alerts (seconds at a million): at most once every STATS_CACHE_MS.
    const now = this.deps.now()
    if (this.statsCache && now - this.statsCache.at < STATS_CACHE_MS && this.statsCache.rulesVersion === this.rulesVersion) return this.statsCache.value
    const value = this.computeStats()
    this.statsCache = { at: now, rulesVersion: this.rulesVersion, value }
    return value
  }

  private computeStats(): RuleStats[] {
    const counts = new Map(this.store.counts().map((c) => [c.ruleId as string, c]))
    const outcomes = this.outcomes()
    const out: RuleStats[] = []
    const names = new Map(this.rules.map((r) => [r.id as string, r.name]))
    for (const id of new Set([...names.keys(), ...counts.keys()])) {
      const c = counts.get(id)
      const useful = c?.useful ?? 0
      const notUseful = c?.notUseful ?? 0
      out.push({
        ruleId: id as RuleStats['ruleId'],
        ruleName: names.get(id) ?? c?.ruleName ?? id,
        fired: c?.fired ?? 0,
        delivered: c?.delivered ?? 0,
        failed: c?.failed ?? 0,
        suppressed: c?.suppressed ?? 0,
        acknowledged: c?.acknowledged ?? 0,
        useful,
        notUseful,
        usefulShare: useful + notUseful > 0 ? useful / (useful + notUseful) : null,
        outcome: outcomes.get(id) ?? { after1h: null, after1d: null, after5d: null, measured: 0 },
      })
    }
    return out
  }

  /** Mean move after 1 h / 1 day / 5 days per rule, signed the pattern's way, over alerts with stored bars. */
  private outcomes(): Map<string, RuleStats['outcome']> {
    const priceAt = this.deps.priceAt
    const out = new Map<string, RuleStats['outcome']>()
    if (!priceAt) return out
    const now = this.deps.now()
    const sums = new Map<string, { h: number[]; d: number[]; w: number[] }>()
    for (const a of this.store.outcomeCandidates()) {
      if (a.price <= 0) continue
      const dir = patternDirection(a.pattern, a.patternKey)
      const sign = dir === 'bearish' ? -1 : 1
      const s = sums.get(a.ruleId) ?? { h: [], d: [], w: [] }
      sums.set(a.ruleId, s)
      const move = (ms: number, into: number[]): void => {
        if (a.detectedAt + ms > now) return
        const p = priceAt(a.symbol, a.detectedAt + ms)
        if (p !== null && p > 0) into.push(sign * (p / a.price - 1))
      }
      move(HOUR_MS, s.h)
      move(DAY_MS, s.d)
      move(5 * DAY_MS, s.w)
    }
    const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((x, y) => x + y, 0) / xs.length)
    for (const [id, s] of sums) out.set(id, { after1h: mean(s.h), after1d: mean(s.d), after5d: mean(s.w), measured: Math.max(s.h.length, s.d.length, s.w.length) })
    return out
  }

  getSettings(): AlertSettings {
    return { ...this.settings, smtpPasswordSet: this.deps.secrets.get().smtpPassword !== null }
  }

  setSettings(input: unknown, smtpPassword: string | null | undefined): AlertSettings {
    const parsed = alertSettingsSchema.parse(input)
    const fields: Record<string, string> = {}
    parsed.webhooks.forEach((w: Webhook, i: number) => {
      if (w.template !== null) {
        const problem = validateWebhookTemplate(w.template)
        if (problem) fields[`settings.webhooks.${i}.template`] = problem
      }
      if (parsed.webhooks.findIndex((x) => x.id === w.id) !== i) fields[`settings.webhooks.${i}.id`] = `the id "${w.id}" is used twice`
    })
    const first = Object.entries(fields)[0]
    if (first) throw new AlertRequestError('bad_request', `invalid alert settings: ${first[0]}: ${first[1]}`, fields)
    this.store.setSettings(parsed)
    this.settings = parsed
    this.ctx = this.makeContext()
    if (smtpPassword !== undefined) this.deps.secrets.set({ smtpPassword })
    return this.getSettings()
  }

  deadLetters(limit: number): DeadLetter[] {
    return this.store.deadLetters(limit)
  }

  /** Try a dead letter again now (a new round of attempts); it is marked resolved when that succeeds. */
  retryDeadLetter(id: number): { item: DeadLetter | null; alert: Alert | null } {
    const d = this.store.getDeadLetter(id)
    if (!d) throw new AlertRequestError('not_found', `no dead letter ${id}`, { id: 'no such dead letter' })
    // A double click, or two windows: one retry at a time, and none once it went through.
    if (d.resolved) throw new AlertRequestError('bad_request', `dead letter ${id} was already delivered on a retry`, { id: 'already delivered' })
    if (this.retrying.has(id)) throw new AlertRequestError('bad_request', `dead letter ${id} is being retried now`, { id: 'retry in progress' })
    const alert = this.store.getAlert(d.alertId)
    if (!alert) throw new AlertRequestError('not_found', `alert ${d.alertId} is no longer stored`, { id: 'its alert was deleted by retention' })
    this.updateChannel([alert.id], d.channel, d.channel === 'webhook' ? d.target : null, { state: 'pending', reason: 'retrying (from the dead-letter list)' })
    const job: DeliveryJob = { channel: d.channel, target: d.target, alertIds: [alert.id], firstAt: this.deps.now() }
    this.retrying.add(id)
    const queued = this.queue.enqueue(job, async (signal) => {
      try {
        await this.run(job, signal)
        this.store.setDeadLetterResolved(id, true)
      } finally {
        this.retrying.delete(id)
      }
    })
    if (!queued) this.retrying.delete(id)
    return { item: this.store.getDeadLetter(id), alert: this.store.getAlert(alert.id) }
  }

  unread(): number {
    return this.store.unread()
  }

  /** Retention: alerts older than the events' retention go with them. */
  prune(cutoff: number, chunk = 1000): number {
    return this.store.prune(cutoff, chunk)
  }

  /** Send the open digests, wait a little for deliveries in flight, then stop. */
  async dispose(waitMs = 3000): Promise<void> {
    if (this.disposed) return
    // Nothing a window has not delivered yet will be now.
    this.settleAwaiting(Infinity, Infinity)
    this.digests.flushAll()
    await Promise.race([this.queue.whenIdle(), new Promise((r) => setTimeout(r, waitMs))])
    this.disposed = true
    const undelivered = this.queue.dispose()
    for (const job of undelivered) this.updateChannel(job.alertIds, job.channel, job.channel === 'webhook' ? job.target : null, { state: 'failed', reason: 'the terminal stopped before it was delivered' })
    this.digests.dispose()
    this.smtp.close()
  }
}

function firstPatternName(rule: AlertRule): string | null {
  const walk = (items: AlertRule['when']['items']): string | null => {
    for (const it of items) {
      if (it.kind === 'group') {
        const r = walk(it.items)
        if (r) return r
      } else if (it.kind === 'pattern' && it.names && it.names.length > 0) return it.names[0] as string
    }
    return null
  }
  return walk(rule.when.items)
}

function firstSymbol(rule: AlertRule): string | null {
  const walk = (items: AlertRule['when']['items']): string | null => {
    for (const it of items) {
      if (it.kind === 'group') {
        const r = walk(it.items)
        if (r) return r
      } else if (it.kind === 'symbol' && it.include && it.include.length > 0) return it.include[0] as string
    }
    return null
  }
  return walk(rule.when.items)
}

