/**
 * Email digests: a rule with `noise.digestMinutes` collects its alerts for
 * that long and then sends one email. The window opens with the rule's first
 * alert and closes on a timer (or on `flushAll` at shutdown). A digest holds
 * at most `maxAlerts` alerts; the rest are counted ("and 123 more").
 */
import type { Alert, RuleId } from '../../../../shared/alerts'
import { epochMs, type EpochMs } from '../../../../shared/domain'
import { systemTimers, type DeliveryTimers } from './delivery-error'

export interface Digest {
  ruleId: RuleId
  /** The rule's name as of its latest alert (a rename mid-window shows the new name). */
  ruleName: string
  /** In the order they fired; at most `maxAlerts`. */
  alerts: Alert[]
  /** Alerts over the cap: counted, not listed. */
  omitted: number
  /** The window: its first alert's arrival to its close (or the flush, when earlier). */
  from: EpochMs
  to: EpochMs
}

export interface DigestQueueOptions {
  /** Called once per closed window with at least one alert; hand it to the delivery queue. */
  send(digest: Digest): void
  now(): number
  /** Default: the global setTimeout / clearTimeout. */
  timers?: DeliveryTimers
  /** Alerts listed in one digest (default 500). */
  maxAlerts?: number
}

interface OpenDigest {
  digest: Digest
  closesAt: number
  timer: unknown
}

export const DEFAULT_DIGEST_MAX_ALERTS = 500

export class DigestQueue {
  private readonly open = new Map<RuleId, OpenDigest>()
  private readonly timers: DeliveryTimers
  private readonly maxAlerts: number
  private disposed = false

  constructor(private readonly options: DigestQueueOptions) {
    this.timers = options.timers ?? systemTimers
    this.maxAlerts = Math.max(1, options.maxAlerts ?? DEFAULT_DIGEST_MAX_ALERTS)
  }

  /** Adds an alert to its rule's open window, opening one of `digestMinutes` if there is none. */
  add(alert: Alert, digestMinutes: number): void {
    if (this.disposed) return
    let entry = this.open.get(alert.ruleId)
    if (!entry) {
      const now = this.options.now()
      const windowMs = Math.max(1, digestMinutes) * 60_000
      const ruleId = alert.ruleId
      entry = {
        digest: { ruleId, ruleName: alert.ruleName, alerts: [], omitted: 0, from: epochMs(now), to: epochMs(now + windowMs) },
        closesAt: now + windowMs,
        timer: this.timers.setTimeout(() => this.flush(ruleId), windowMs),
      }
      this.open.set(ruleId, entry)
    }
    const { digest } = entry
    digest.ruleName = alert.ruleName
    if (digest.alerts.length < this.maxAlerts) digest.alerts.push(alert)
    else digest.omitted++
  }

  /** Closes the rule's window now and sends it; returns what was sent (null: nothing was open). */
  flush(ruleId: RuleId): Digest | null {
    const entry = this.open.get(ruleId)
    if (!entry) return null
    this.open.delete(ruleId)
    this.timers.clearTimeout(entry.timer)
    const digest = { ...entry.digest, to: epochMs(Math.min(entry.closesAt, Math.max(entry.digest.from, this.options.now()))) }
    if (digest.alerts.length > 0) this.options.send(digest)
    return digest
  }

  /** Sends every open window now (shutdown, or the email settings were switched off). */
  flushAll(): void {
    for (const ruleId of [...this.open.keys()]) this.flush(ruleId)
  }

  /** Drops a rule's open window without sending (the rule was deleted or its email action turned off). */
  discard(ruleId: RuleId): void {
    const entry = this.open.get(ruleId)
    if (!entry) return
    this.timers.clearTimeout(entry.timer)
    this.open.delete(ruleId)
  }

  /** Open windows and the alerts they hold (listed plus counted). */
  size(): { digests: number; alerts: number } {
    let alerts = 0
    for (const { digest } of this.open.values()) alerts += digest.alerts.length + digest.omitted
    return { digests: this.open.size, alerts }
  }

  /** Cancels the timers and forgets open windows without sending; call `flushAll` first to send them. */
  dispose(): void {
    this.disposed = true
    for (const entry of this.open.values()) this.timers.clearTimeout(entry.timer)
    this.open.clear()
  }
}
