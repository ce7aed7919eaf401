/**
 * Noise control: whether a rule that matched an event is delivered or held
 * back, and by what. The first control that applies wins, in this order:
 * disabled, expired, snoozed, quiet hours, first per symbol per day, cooldown
 * (per symbol and pattern), rate limit (a rolling hour).
 *
 * `check` has no side effects and `record` counts a delivered alert, so the
 * editor's preview runs a gate of its own over stored events without touching
 * the live one. Time is always given (or read from the injected clock): the
 * live engine passes arrival times, the preview the events' receivedAt.
 *
 * A delivered alert is remembered for the controls its rule has when it is
 * recorded (a rule without a cooldown keeps no cooldown entries): a control
 * an edit turns on counts from the edit, unless the engine replays the rule's
 * recent alerts with `restore`, as it does for every rule after a restart.
 *
 * Memory stays bounded: entries older than their window are dropped (cooldown
 * entries after the rule's cooldown, first-per-day entries once their New
 * York day is over, rate entries after an hour). The sweep runs at most once
 * a minute of (given) time, and only once enough has been recorded since the
 * last one (a quarter of what it kept) or an hour has passed, so its cost
 * stays proportional to what is recorded.
 *
 * The global mute is not a noise control: it silences sounds only.
 */
import type { RuleId, RuleNoise, Suppression } from '../../../shared/alerts'
import { canonicalPatternKey } from './evaluate'
import { inDailyWindow, minutesOf, nyDay, nyMinuteOfDay } from './session'

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const SWEEP_AT_MOST_EVERY_MS = MINUTE_MS
const SWEEP_AT_LEAST_EVERY_MS = HOUR_MS

/** What the gate needs of a rule. */
export interface NoiseRule {
  readonly id: RuleId
  /** Absent: enabled. */
  readonly enabled?: boolean
  readonly noise: RuleNoise
}

/** What a noise control tells events apart by. Pass one object for all the rules an event matched (its key is built once). */
export interface NoiseSubject {
  readonly symbol: string
  /** Any spelling: compared by the catalogue's key (HOD and HighOfDay alike). */
  readonly patternKey: string
}

/** A delivered alert, as the engine replays them after a restart. */
export interface DeliveredAlert extends NoiseSubject {
  readonly ruleId: RuleId | string
  readonly at: number
}

export interface NoiseGateOptions {
  /** The clock used when a call gives no time. */
  now?: () => number
}

export interface NoiseGateStats {
  rules: number
  cooldownEntries: number
  dayEntries: number
  hourEntries: number
}

/** What a rule's alerts are remembered for. */
const KEEP_COOLDOWN = 1
const KEEP_DAY = 2
const KEEP_HOUR = 4
const KEEP_ALL = KEEP_COOLDOWN | KEEP_DAY | KEEP_HOUR

function keepFor(n: RuleNoise): number {
  return (n.cooldownMinutes > 0 ? KEEP_COOLDOWN : 0) | (n.firstPerSymbolPerDay ? KEEP_DAY : 0) | (n.maxPerHour !== null ? KEEP_HOUR : 0)
}

/** Delivered times of one rule, ascending, from `head` on (the rate limit's rolling hour). */
class Times {
  times: number[] = []
  head = 0

  get size(): number {
    return this.times.length - this.head
  }

  /** Delivered alerts in (at - 1 h, at]. */
  countInHour(at: number): number {
    return upperBound(this.times, this.head, at) - upperBound(this.times, this.head, at - HOUR_MS)
  }

  add(at: number): void {
    const t = this.times
    if (this.head >= t.length || t[t.length - 1]! <= at) t.push(at)
    else t.splice(upperBound(t, this.head, at), 0, at)
  }

  /** Drop entries at or before `before`. */
  trim(before: number): void {
    const t = this.times
    if (this.head >= t.length || t[this.head]! > before) return
    this.head = upperBound(t, this.head, before)
    if (this.head >= t.length) {
      this.times = []
      this.head = 0
    } else if (this.head > 64 && this.head * 2 > t.length) {
      this.times = t.slice(this.head)
      this.head = 0
    }
  }
}

/** First index in t[from..] whose value is > x. */
function upperBound(t: readonly number[], from: number, x: number): number {
  let lo = from
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

// The engine passes one subject object for every rule an event matched: its key is built once.
let lastSubject: NoiseSubject | null = null
let lastSubjectKey = ''
function subjectKey(s: NoiseSubject): string {
  if (s !== lastSubject) {
    lastSubjectKey = `${s.symbol}\0${canonicalPatternKey(s.patternKey)}`
    lastSubject = s
  }
  return lastSubjectKey
}

export class NoiseGate {
  // Keyed by subject (symbol) first, then rule: the rules an event matched
  // share its subject, so their checks read one small map kept in cache.
  /** Cooldown: symbol + "\0" + pattern key -> rule id -> last delivered at. */
  private readonly lastBySubject = new Map<string, Map<string, number>>()
  /** First per day: symbol -> rule id -> New York day of the last delivered alert. */
  private readonly dayBySymbol = new Map<string, Map<string, number>>()
  /** Rate limit: rule id -> delivered times. */
  private readonly hourByRule = new Map<string, Times>()
  /** How long a rule's cooldown entries are kept: its cooldown (a day for replayed alerts of a rule not given). */
  private readonly retainByRule = new Map<string, number>()
  private readonly now: () => number
  private lastSweep = -Infinity
  private recordedSinceSweep = 0
  private keptAtSweep = 0

  constructor(opts: NoiseGateOptions = {}) {
    this.now = opts.now ?? Date.now
  }

  /** How far back the engine should replay delivered alerts after a restart: 24 h, or the longest cooldown. */
  static replayWindowMs(rules: Iterable<{ readonly noise: RuleNoise }>): number {
    let ms = DAY_MS
    for (const r of rules) ms = Math.max(ms, r.noise.cooldownMinutes * MINUTE_MS)
    return ms
  }

  /** Whether a match at `at` would be delivered (null) or what holds it back. No side effects. */
  check(rule: NoiseRule, subject: NoiseSubject, at: number = this.now()): Suppression | null {
    if (rule.enabled === false) return 'disabled'
    const n = rule.noise
    if (n.expiresAt !== null && at >= n.expiresAt) return 'expired'
    if (n.snoozeUntil !== null && at < n.snoozeUntil) return 'snoozed'
    if (n.quietHours !== null && inDailyWindow(nyMinuteOfDay(at), minutesOf(n.quietHours.from), minutesOf(n.quietHours.to))) return 'quiet_hours'
    if (n.firstPerSymbolPerDay && this.dayBySymbol.get(subject.symbol)?.get(rule.id) === nyDay(at)) return 'first_per_day'
    if (n.cooldownMinutes > 0) {
      const last = this.lastBySubject.get(subjectKey(subject))?.get(rule.id)
      if (last !== undefined && at - last < n.cooldownMinutes * MINUTE_MS) return 'cooldown'
    }
    if (n.maxPerHour !== null) {
      const times = this.hourByRule.get(rule.id)
      if (times && times.countInHour(at) >= n.maxPerHour) return 'rate_limit'
    }
    return null
  }

  /** Count a delivered alert (for the controls the rule has). */
  record(rule: NoiseRule, subject: NoiseSubject, at: number = this.now()): void {
    const keep = keepFor(rule.noise)
    if (keep === 0) return
    this.remember(rule.id, subject, at, keep)
    if (keep & KEEP_COOLDOWN) this.retainByRule.set(rule.id, rule.noise.cooldownMinutes * MINUTE_MS)
    this.maybeSweep(at)
  }

  /** `check`, then `record` when delivered: the live path. */
  admit(rule: NoiseRule, subject: NoiseSubject, at: number = this.now()): Suppression | null {
    const why = this.check(rule, subject, at)
    if (why === null) this.record(rule, subject, at)
    return why
  }

  /** A deleted rule: drop what the gate remembers of it (a walk over everything remembered: deletions are rare). */
  forgetRule(id: RuleId | string): void {
    for (const [k, rules] of this.lastBySubject) if (rules.delete(id) && rules.size === 0) this.lastBySubject.delete(k)
    for (const [k, rules] of this.dayBySymbol) if (rules.delete(id) && rules.size === 0) this.dayBySymbol.delete(k)
    this.hourByRule.delete(id)
    this.retainByRule.delete(id)
  }

  /**
   * Replay delivered alerts (any order) so cooldowns, caps and first-per-day
   * survive a restart, or count from before an edit. With `rules`, each
   * rule's alerts are kept for its controls; a rule not given keeps all of
   * them for a day (or until its next alert tells the gate its controls).
   */
  restore(delivered: readonly DeliveredAlert[], rules: Iterable<NoiseRule> = []): void {
    const known = new Map<string, RuleNoise>()
    for (const r of rules) known.set(r.id, r.noise)
    const sorted = [...delivered].sort((a, b) => a.at - b.at)
    for (const d of sorted) {
      const noise = known.get(d.ruleId)
      const keep = noise ? keepFor(noise) : KEEP_ALL
      if (keep === 0) continue
      this.remember(d.ruleId, d, d.at, keep)
      if (keep & KEEP_COOLDOWN) this.retainByRule.set(d.ruleId, noise ? noise.cooldownMinutes * MINUTE_MS : Math.max(this.retainByRule.get(d.ruleId) ?? 0, DAY_MS))
    }
    this.recordedSinceSweep += sorted.length
  }

  /** Drop entries no window needs any more at `at`. Runs by itself as alerts are recorded. */
  prune(at: number = this.now()): void {
    this.lastSweep = at
    this.recordedSinceSweep = 0
    let kept = 0
    for (const [k, rules] of this.lastBySubject) {
      for (const [id, t] of rules) if (at - t >= (this.retainByRule.get(id) ?? 0)) rules.delete(id)
      if (rules.size === 0) this.lastBySubject.delete(k)
      else kept += rules.size
    }
    const today = nyDay(at)
    for (const [k, rules] of this.dayBySymbol) {
      for (const [id, d] of rules) if (d < today) rules.delete(id)
      if (rules.size === 0) this.dayBySymbol.delete(k)
      else kept += rules.size
    }
    for (const [id, times] of this.hourByRule) {
      times.trim(at - HOUR_MS)
      if (times.size === 0) this.hourByRule.delete(id)
      else kept += times.size
    }
    this.keptAtSweep = kept
  }

  stats(): NoiseGateStats {
    const ids = new Set<string>(this.hourByRule.keys())
    let cooldownEntries = 0
    let dayEntries = 0
    let hourEntries = 0
    for (const rules of this.lastBySubject.values()) {
      cooldownEntries += rules.size
      for (const id of rules.keys()) ids.add(id)
    }
    for (const rules of this.dayBySymbol.values()) {
      dayEntries += rules.size
      for (const id of rules.keys()) ids.add(id)
    }
    for (const times of this.hourByRule.values()) hourEntries += times.size
    return { rules: ids.size, cooldownEntries, dayEntries, hourEntries }
  }

  private remember(id: RuleId | string, subject: NoiseSubject, at: number, keep: number): void {
    if (keep & KEEP_COOLDOWN) setLatest(this.lastBySubject, subjectKey(subject), id, at)
    if (keep & KEEP_DAY) setLatest(this.dayBySymbol, subject.symbol, id, nyDay(at))
    if (keep & KEEP_HOUR) {
      let times = this.hourByRule.get(id)
      if (!times) {
        times = new Times()
        this.hourByRule.set(id, times)
      }
      times.add(at)
      times.trim(at - HOUR_MS)
    }
  }

  private maybeSweep(at: number): void {
    this.recordedSinceSweep++
    const elapsed = at - this.lastSweep
    if (elapsed >= SWEEP_AT_LEAST_EVERY_MS || (elapsed >= SWEEP_AT_MOST_EVERY_MS && this.recordedSinceSweep * 4 >= this.keptAtSweep)) this.prune(at)
  }
}

/** outer[k][id] = max(that, value). */
function setLatest(outer: Map<string, Map<string, number>>, k: string, id: string, value: number): void {
  let rules = outer.get(k)
  if (!rules) {
    rules = new Map()
    outer.set(k, rules)
  }
  const prior = rules.get(id)
  if (prior === undefined || prior < value) rules.set(id, value)
}
