/**
 * Alert rules, alerts, dead letters and alert settings in SQLite (migration
 * 5). Rules are kept as JSON in the format of their schema version and
 * upgraded on read: a rule this build cannot read is reported, never
 * deleted. An alert is written before any delivery; its (rule, detection)
 * pair is unique, so an event delivered twice (a redelivery, a reconnect)
 * never makes a second alert.
 */
import { randomUUID } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import {
  ALERT_RULE_SCHEMA_VERSION,
  alertSettingsSchema,
  ruleId,
  upgradeRule,
  type Alert,
  type AlertFeedback,
  type AlertRule,
  type AlertRuleParsed,
  type ChannelStatus,
  type RuleId,
  type Suppression,
  type Urgency,
} from '../../../shared/alerts'
import type { DeadLetter } from '../../../shared/contract'
import { epochMs, type Priority, type Tier } from '../../../shared/domain'
import type { Database } from '../store/db'

const SETTINGS_KEY = 'alertSettings'

export type StoredSettings = ReturnType<typeof alertSettingsSchema.parse>

/** An alert about to be written: everything but the id, plus what makes it unique. */
export interface NewAlert extends Omit<Alert, 'id'> {
  /** The detection's identity (symbol, pattern key, tier, timeframe, detection time). */
  eventKey: string
  patternKey: string
}

export interface HistoryQuery {
  ruleId?: string
  symbol?: string
  unreadOnly?: boolean
  includeTests?: boolean
  before?: number
  limit: number
}

export interface RuleCounts {
  ruleId: RuleId
  ruleName: string
  fired: number
  delivered: number
  failed: number
  suppressed: number
  acknowledged: number
  useful: number
  notUseful: number
}

interface AlertRow {
  id: number
  rule_id: string
  rule_name: string
  event_id: number
  symbol: string
  pattern: string
  pattern_key: string
  tier: string
  confidence: number
  priority: string
  price: number | null
  detected_at: number
  fired_at: number
  urgency: string
  matched: string
  suppressed_by: string | null
  channels: string
  read: number
  acknowledged: number
  feedback: string | null
  test: number
}

interface DeadLetterRow {
  id: number
  alert_id: number
  channel: string
  target: string
  reason: string
  attempts: number
  first_at: number
  last_at: number
  resolved: number
}

const ALERT_COLUMNS =
  'id, rule_id, rule_name, event_id, symbol, pattern, pattern_key, tier, confidence, priority, price, detected_at, fired_at, urgency, matched, suppressed_by, channels, read, acknowledged, feedback, test'

/** The identity of a detection: the same one re-published (or redelivered after a reconnect) has the same key. */
export function detectionKey(e: { symbol: string; patternKey: string; tier: Tier; timeframe: string | null; detectedAt: number }): string {
  return `${e.symbol}|${e.patternKey}|${e.tier}|${e.timeframe ?? ''}|${e.detectedAt}`
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: ruleId(r.rule_id),
    ruleName: r.rule_name,
    eventId: r.event_id,
    symbol: r.symbol,
    pattern: r.pattern,
    tier: r.tier as Tier,
    confidence: r.confidence,
    priority: r.priority as Priority,
    price: r.price,
    detectedAt: epochMs(r.detected_at),
    firedAt: epochMs(r.fired_at),
    urgency: r.urgency as Urgency,
    matched: JSON.parse(r.matched) as string[],
    suppressedBy: r.suppressed_by as Suppression | null,
    channels: JSON.parse(r.channels) as ChannelStatus[],
    read: r.read === 1,
    acknowledged: r.acknowledged === 1,
    feedback: r.feedback as AlertFeedback | null,
    test: r.test === 1,
  }
}

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  return {
    id: r.id,
    alertId: r.alert_id,
    channel: r.channel as DeadLetter['channel'],
    target: r.target,
    reason: r.reason,
    attempts: r.attempts,
    firstAt: epochMs(r.first_at),
    lastAt: epochMs(r.last_at),
    resolved: r.resolved === 1,
  }
}

export class AlertStore {
  private readonly s: {
    listRules: Statement<[], { id: string; schema_version: number; body: string; created_at: number; updated_at: number }>
    getRule: Statement<[string], { id: string; schema_version: number; body: string; created_at: number; updated_at: number }>
    upsertRule: Statement<[string, number, string, number, number]>
    deleteRule: Statement<[string]>
    insertAlert: Statement<unknown[]>
    getAlert: Statement<[number], AlertRow>
    setChannels: Statement<[string, number]>
    unread: Statement<[], number>
    markAllRead: Statement<[]>
    delivered: Statement<[number], { rule_id: string; symbol: string; pattern_key: string; fired_at: number }>
    counts: Statement<[], { rule_id: string; rule_name: string; fired: number; delivered: number; failed: number; suppressed: number; acknowledged: number; useful: number; not_useful: number }>
    outcomes: Statement<[], { rule_id: string; symbol: string; pattern: string; pattern_key: string; price: number | null; detected_at: number }>
    addDead: Statement<[number, string, string, string, number, number, number]>
    listDead: Statement<[number], DeadLetterRow>
    getDead: Statement<[number], DeadLetterRow>
    resolveDead: Statement<[number, number]>
    prune: Statement<[number, number]>
    getMeta: Statement<[string], string>
    setMeta: Statement<[string, string]>
  }
  private unreadCount: number

  constructor(private readonly db: Database) {
    this.s = {
      listRules: db.prepare('SELECT id, schema_version, body, created_at, updated_at FROM alert_rules ORDER BY created_at, id'),
      getRule: db.prepare('SELECT id, schema_version, body, created_at, updated_at FROM alert_rules WHERE id = ?'),
      upsertRule: db.prepare(
        'INSERT INTO alert_rules (id, schema_version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (id) DO UPDATE SET schema_version = excluded.schema_version, body = excluded.body, updated_at = excluded.updated_at',
      ),
      deleteRule: db.prepare('DELETE FROM alert_rules WHERE id = ?'),
      insertAlert: db.prepare(
        `INSERT INTO alerts (rule_id, rule_name, event_id, event_key, symbol, pattern, pattern_key, tier, confidence, priority, price, detected_at, fired_at, urgency, matched, suppressed_by, channels, read, acknowledged, feedback, test)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      getAlert: db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`),
      setChannels: db.prepare('UPDATE alerts SET channels = ? WHERE id = ?'),
      unread: db.prepare<[], number>('SELECT count(*) FROM alerts WHERE read = 0').pluck(),
      markAllRead: db.prepare('UPDATE alerts SET read = 1 WHERE read = 0'),
      delivered: db.prepare('SELECT rule_id, symbol, pattern_key, fired_at FROM alerts WHERE fired_at >= ? AND suppressed_by IS NULL AND test = 0 ORDER BY fired_at'),
      counts: db.prepare(
        `SELECT rule_id, max(rule_name) AS rule_name, count(*) AS fired,
                sum(suppressed_by IS NULL AND channels LIKE '%"state":"sent"%') AS delivered,
                sum(channels LIKE '%"state":"failed"%') AS failed,
                sum(suppressed_by IS NOT NULL) AS suppressed,
                sum(acknowledged) AS acknowledged,
                sum(feedback = 'useful') AS useful,
                sum(feedback = 'not_useful') AS not_useful
         FROM alerts WHERE test = 0 GROUP BY rule_id`,
      ),
      outcomes: db.prepare("SELECT rule_id, symbol, pattern, pattern_key, price, detected_at FROM alerts WHERE test = 0 AND suppressed_by IS NULL AND price IS NOT NULL ORDER BY id DESC LIMIT 5000"),
      addDead: db.prepare('INSERT INTO alert_dead_letters (alert_id, channel, target, reason, attempts, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      listDead: db.prepare('SELECT id, alert_id, channel, target, reason, attempts, first_at, last_at, resolved FROM alert_dead_letters ORDER BY id DESC LIMIT ?'),
      getDead: db.prepare('SELECT id, alert_id, channel, target, reason, attempts, first_at, last_at, resolved FROM alert_dead_letters WHERE id = ?'),
      resolveDead: db.prepare('UPDATE alert_dead_letters SET resolved = ? WHERE id = ?'),
      prune: db.prepare('DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE fired_at < ? LIMIT ?)'),
      getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    }
    this.unreadCount = this.s.unread.get() ?? 0
  }

  /** Run `fn` in one transaction (a batch of alerts or channel changes is one commit). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  // ------------------------------------------------------------ rules

  /** Every stored rule in the current format; the ones this build cannot read are listed with the reason (and kept). */
  listRules(): { rules: AlertRule[]; unreadable: { id: string; reason: string }[] } {
    const rules: AlertRule[] = []
    const unreadable: { id: string; reason: string }[] = []
    for (const r of this.s.listRules.all()) {
      let body: unknown
      try {
        body = { ...(JSON.parse(r.body) as object), schemaVersion: r.schema_version }
      } catch (e) {
        unreadable.push({ id: r.id, reason: `not JSON: ${(e as Error).message}` })
        continue
      }
      const up = upgradeRule(body)
      if (!up.ok) {
        unreadable.push({ id: r.id, reason: up.reason })
        continue
      }
      rules.push({ ...up.rule, id: ruleId(r.id), schemaVersion: ALERT_RULE_SCHEMA_VERSION, createdAt: epochMs(r.created_at), updatedAt: epochMs(r.updated_at) })
    }
    return { rules, unreadable }
  }

  getRule(id: string): AlertRule | null {
    const r = this.s.getRule.get(id)
    if (!r) return null
    const up = upgradeRule({ ...(JSON.parse(r.body) as object), schemaVersion: r.schema_version })
    return up.ok ? { ...up.rule, id: ruleId(r.id), schemaVersion: ALERT_RULE_SCHEMA_VERSION, createdAt: epochMs(r.created_at), updatedAt: epochMs(r.updated_at) } : null
  }

  /** Create (a new id when it has none) or replace a rule, written in the current format. */
  saveRule(rule: AlertRuleParsed, now: number): AlertRule {
    const id = rule.id ?? randomUUID()
    const existing = this.s.getRule.get(id)
    const createdAt = existing?.created_at ?? now
    const { id: _id, ...body } = rule
    this.s.upsertRule.run(id, ALERT_RULE_SCHEMA_VERSION, JSON.stringify(body), createdAt, now)
    return { ...body, id: ruleId(id), schemaVersion: ALERT_RULE_SCHEMA_VERSION, createdAt: epochMs(createdAt), updatedAt: epochMs(now) }
  }

  deleteRule(id: string): boolean {
    return this.s.deleteRule.run(id).changes > 0
  }

  // ------------------------------------------------------------ alerts

  /** Write an alert; null when this rule already alerted on this detection. */
  insertAlert(a: NewAlert): Alert | null {
    const r = this.s.insertAlert.run(
      a.ruleId,
      a.ruleName,
      a.eventId,
      a.eventKey,
      a.symbol,
      a.pattern,
      a.patternKey,
      a.tier,
      a.confidence,
      a.priority,
      a.price,
      a.detectedAt,
      a.firedAt,
      a.urgency,
      JSON.stringify(a.matched),
      a.suppressedBy,
      JSON.stringify(a.channels),
      a.read ? 1 : 0,
      a.acknowledged ? 1 : 0,
      a.feedback,
      a.test ? 1 : 0,
    )
    if (r.changes === 0) return null
    if (!a.read) this.unreadCount++
    const { eventKey: _k, patternKey: _p, ...alert } = a
    return { ...alert, id: Number(r.lastInsertRowid) }
  }

  /** Recount unread alerts (after a rolled-back batch). */
  recountUnread(): void {
    this.unreadCount = this.s.unread.get() ?? 0
  }

  /** Alerts fired since `since` with a channel still pending (what a restart must settle). */
  pendingSince(since: number): Alert[] {
    return (this.db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE fired_at >= ? AND channels LIKE '%"state":"pending"%'`).all(since) as AlertRow[]).map(toAlert)
  }

  getAlert(id: number): Alert | null {
    const r = this.s.getAlert.get(id)
    return r ? toAlert(r) : null
  }

  setChannels(id: number, channels: readonly ChannelStatus[]): void {
    this.s.setChannels.run(JSON.stringify(channels), id)
  }

  history(q: HistoryQuery): Alert[] {
    const where: string[] = []
    const params: unknown[] = []
    if (q.ruleId !== undefined) {
      where.push('rule_id = ?')
      params.push(q.ruleId)
    }
    if (q.symbol !== undefined) {
      where.push('symbol = ?')
      params.push(q.symbol)
    }
    if (q.unreadOnly) where.push('read = 0')
    if (q.includeTests === false) where.push('test = 0')
    if (q.before !== undefined) {
      where.push('id < ?')
      params.push(q.before)
    }
    params.push(q.limit)
    const sql = `SELECT ${ALERT_COLUMNS} FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')} ` : ''}ORDER BY id DESC LIMIT ?`
    return (this.db.prepare(sql).all(...params) as AlertRow[]).map(toAlert)
  }

  unread(): number {
    return this.unreadCount
  }

  /** Mark alerts; returns how many rows changed. */
  mark(ids: readonly number[] | 'all', m: { read?: boolean; acknowledged?: boolean; feedback?: AlertFeedback | null }): number {
    let changed = 0
    this.db.transaction(() => {
      if (ids === 'all') {
        changed = this.s.markAllRead.run().changes
        return
      }
      const sets: string[] = []
      const values: unknown[] = []
      // Acknowledging an alert also reads it.
      const read = m.read ?? (m.acknowledged === true ? true : undefined)
      if (read !== undefined) {
        sets.push('read = ?')
        values.push(read ? 1 : 0)
      }
      if (m.acknowledged !== undefined) {
        sets.push('acknowledged = ?')
        values.push(m.acknowledged ? 1 : 0)
      }
      if (m.feedback !== undefined) {
        sets.push('feedback = ?')
        values.push(m.feedback)
      }
      if (sets.length === 0) return
      const marks = ids.map(() => '?').join(', ')
      changed = this.db.prepare(`UPDATE alerts SET ${sets.join(', ')} WHERE id IN (${marks})`).run(...values, ...ids).changes
    })()
    this.unreadCount = this.s.unread.get() ?? 0
    return changed
  }

  /** Delivered (not suppressed, not test) alerts fired since `since`, oldest first: what the noise controls replay after a restart. */
  deliveredSince(since: number): { ruleId: RuleId; symbol: string; patternKey: string; at: number }[] {
    return this.s.delivered.all(since).map((r) => ({ ruleId: ruleId(r.rule_id), symbol: r.symbol, patternKey: r.pattern_key, at: r.fired_at }))
  }

  /** Per-rule counts over every stored (non-test) alert. */
  counts(): RuleCounts[] {
    return this.s.counts.all().map((r) => ({
      ruleId: ruleId(r.rule_id),
      ruleName: r.rule_name,
      fired: r.fired,
      delivered: r.delivered ?? 0,
      failed: r.failed ?? 0,
      suppressed: r.suppressed ?? 0,
      acknowledged: r.acknowledged ?? 0,
      useful: r.useful ?? 0,
      notUseful: r.not_useful ?? 0,
    }))
  }

  /** The newest delivered alerts with a price (at most 5,000): how the alerted patterns turned out. */
  outcomeCandidates(): { ruleId: RuleId; symbol: string; pattern: string; patternKey: string; price: number; detectedAt: number }[] {
    return this.s.outcomes.all().map((r) => ({ ruleId: ruleId(r.rule_id), symbol: r.symbol, pattern: r.pattern, patternKey: r.pattern_key, price: r.price as number, detectedAt: r.detected_at }))
  }

  /** Retention: alerts fired before `cutoff`, `chunk` rows at a time; returns the rows deleted. */
  prune(cutoff: number, chunk = 1000): number {
    const n = this.s.prune.run(cutoff, chunk).changes
    if (n > 0) this.unreadCount = this.s.unread.get() ?? 0
    return n
  }

  // ------------------------------------------------------------ dead letters

  addDeadLetter(d: { alertId: number; channel: 'email' | 'webhook'; target: string; reason: string; attempts: number; firstAt: number; lastAt: number }): DeadLetter {
    const r = this.s.addDead.run(d.alertId, d.channel, d.target, d.reason, d.attempts, d.firstAt, d.lastAt)
    return toDeadLetter(this.s.getDead.get(Number(r.lastInsertRowid)) as DeadLetterRow)
  }

  deadLetters(limit: number): DeadLetter[] {
    return this.s.listDead.all(limit).map(toDeadLetter)
  }

  getDeadLetter(id: number): DeadLetter | null {
    const r = this.s.getDead.get(id)
    return r ? toDeadLetter(r) : null
  }

  setDeadLetterResolved(id: number, resolved: boolean): void {
    this.s.resolveDead.run(resolved ? 1 : 0, id)
  }

  // ------------------------------------------------------------ settings

  /** The stored settings; a stored value this build cannot read gives the defaults and the reason. */
  getSettings(): { settings: StoredSettings; problem: string | null } {
    const raw = this.s.getMeta.get(SETTINGS_KEY)
    const defaults = alertSettingsSchema.parse({})
    if (raw === undefined) return { settings: defaults, problem: null }
    try {
      const parsed = alertSettingsSchema.safeParse(JSON.parse(raw))
      if (parsed.success) return { settings: parsed.data, problem: null }
      const issue = parsed.error.issues[0]
      return { settings: defaults, problem: `stored alert settings are invalid (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad value'}); using defaults` }
    } catch (e) {
      return { settings: defaults, problem: `stored alert settings are not JSON (${(e as Error).message}); using defaults` }
    }
  }

  setSettings(settings: StoredSettings): void {
    this.s.setMeta.run(SETTINGS_KEY, JSON.stringify(settings))
  }
}

