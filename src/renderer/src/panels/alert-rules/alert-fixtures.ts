/**
 * The engine's alert rules faked for the panel tests: rules kept in memory,
 * saved through the contract's schema (a bad rule is refused with a message
 * per field, as the engine does), and canned previews, tests and stats. Not
 * used by the app.
 */
import {
  alertRuleInputSchema,
  ruleId,
  type Alert,
  type AlertRule,
  type AlertSettings,
  type RulePreview,
  type RuleStats,
} from '../../../../shared/alerts'
import { fail, ok, zodFailure, type RequestParams, type RequestResult, type Result } from '../../../../shared/contract'
import { epochMs } from '../../../../shared/domain'
import { FakeTerminalApi } from '../chart/fake-terminal-api'

/** 2026-11-25 15:00 UTC = 10:00 New York. */
export const NOW = Date.UTC(2026, 10, 25, 15, 0, 0)

export function storedRule(id: string, over: Partial<AlertRule> = {}): AlertRule {
  return {
    id: ruleId(id),
    name: `Rule ${id}`,
    enabled: true,
    when: { kind: 'group', op: 'and', items: [{ kind: 'confidence', min: 0.8 }] },
    actions: { desktop: true, toast: true, sound: null, email: false, webhooks: [], urgency: null },
    noise: { cooldownMinutes: 0, maxPerHour: null, snoozeUntil: null, quietHours: null, expiresAt: null, firstPerSymbolPerDay: false, digestMinutes: null },
    schemaVersion: 1,
    createdAt: epochMs(NOW - 86_400_000),
    updatedAt: epochMs(NOW - 86_400_000),
    ...over,
  }
}

export function alert(id: number, rule: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: ruleId(rule),
    ruleName: `Rule ${rule}`,
    eventId: 1000 + id,
    symbol: 'AAPL',
    pattern: 'Hammer',
    tier: 'intraday',
    confidence: 0.85,
    priority: 'HIGH',
    price: 190.5,
    detectedAt: epochMs(NOW - 60_000 * id),
    firedAt: epochMs(NOW - 60_000 * id),
    urgency: 'normal',
    matched: ['Hammer', 'confidence ≥ 0.80'],
    suppressedBy: null,
    channels: [{ channel: 'toast', target: null, state: 'sent', reason: null, attempts: 1, at: epochMs(NOW) }],
    read: false,
    acknowledged: false,
    feedback: null,
    test: false,
    ...over,
  }
}

export function preview(over: Partial<RulePreview> = {}): RulePreview {
  return {
    days: 7,
    coveredDays: 7,
    scanned: 1200,
    matched: 42,
    delivered: 30,
    suppressed: { cooldown: 9, quiet_hours: 3 },
    perDay: 6,
    examples: [
      { eventId: 1, symbol: 'NVDA', pattern: 'Hammer', tier: 'intraday', confidence: 0.86, detectedAt: epochMs(NOW - 3_600_000), matched: ['Hammer', 'confidence ≥ 0.80'], suppressedBy: null },
      { eventId: 2, symbol: 'AMD', pattern: 'ShootingStar', tier: 'daily', confidence: 0.81, detectedAt: epochMs(NOW - 7_200_000), matched: ['ShootingStar'], suppressedBy: 'cooldown' },
    ],
    ...over,
  }
}

export function stats(id: string, over: Partial<RuleStats> = {}): RuleStats {
  return {
    ruleId: ruleId(id),
    ruleName: `Rule ${id}`,
    fired: 10,
    delivered: 8,
    failed: 0,
    suppressed: 2,
    acknowledged: 3,
    useful: 3,
    notUseful: 1,
    usefulShare: 0.75,
    outcome: { after1h: 0.0125, after1d: -0.004, after5d: null, measured: 7 },
    ...over,
  }
}

export const SETTINGS: AlertSettings = {
  mute: false,
  smtp: null,
  webhooks: [{ id: 'ntfy-phone', name: 'Phone', preset: 'ntfy', url: 'https://ntfy.sh/x', template: null, headers: {}, enabled: true }],
  watchlists: [{ name: 'Core', symbols: ['AAPL', 'MSFT'] }],
  smtpPasswordSet: false,
}

/** Rules in memory, saved the way the engine saves them. */
export class FakeRules {
  rules = new Map<string, AlertRule>()
  unreadable: { id: string; reason: string }[] = []
  private next = 1

  constructor(rules: AlertRule[] = []) {
    for (const r of rules) this.rules.set(r.id, r)
  }

  list = (): Result<RequestResult<'alerts.rules.list'>> => ok({ rules: [...this.rules.values()], unreadable: this.unreadable })

  save = (p: RequestParams<'alerts.rules.save'>): Result<RequestResult<'alerts.rules.save'>> => {
    const parsed = alertRuleInputSchema.safeParse(p.rule)
    if (!parsed.success) {
      // The engine validates the request's params: its paths start at `rule`.
      const f = zodFailure(parsed.error, 'rule')
      const fields = f.ok ? {} : (f.error.fields ?? {})
      return fail('bad_request', f.ok ? 'invalid rule' : f.error.message, Object.fromEntries(Object.entries(fields).map(([k, v]) => [`rule.${k}`, v])))
    }
    const { id, ...rest } = parsed.data
    const existing = id ? this.rules.get(id) : undefined
    if (id && !existing) return fail('not_found', `no rule ${id}`)
    const rule: AlertRule = {
      ...rest,
      id: ruleId(id ?? `r${100 + this.next++}`),
      schemaVersion: 1,
      createdAt: existing?.createdAt ?? epochMs(NOW),
      updatedAt: epochMs(NOW),
    }
    this.rules.set(rule.id, rule)
    return ok({ rule })
  }

  remove = (p: RequestParams<'alerts.rules.delete'>): Result<RequestResult<'alerts.rules.delete'>> => ok({ deleted: this.rules.delete(p.id) })

  snooze = (p: RequestParams<'alerts.rules.snooze'>): Result<RequestResult<'alerts.rules.snooze'>> => {
    const r = this.rules.get(p.id)
    if (!r) return fail('not_found', `no rule ${p.id}`)
    const rule = { ...r, noise: { ...r.noise, snoozeUntil: p.until } }
    this.rules.set(p.id, rule)
    return ok({ rule })
  }
}

/** A fake api over the rules, with a preview, a test alert, settings, history and stats. */
export function rulesApi(rules: FakeRules, opts: { preview?: RulePreview; history?: Alert[]; stats?: RuleStats[] } = {}): FakeTerminalApi {
  return new FakeTerminalApi()
    .handle('alerts.rules.list', rules.list)
    .handle('alerts.rules.save', rules.save)
    .handle('alerts.rules.delete', rules.remove)
    .handle('alerts.rules.snooze', rules.snooze)
    .handle('alerts.rules.test', (p) =>
      ok({
        alert: alert(900, p.id, {
          test: true,
          channels: [
            { channel: 'desktop', target: null, state: 'pending', reason: null, attempts: 0, at: epochMs(NOW) },
            { channel: 'webhook', target: 'ntfy-phone', state: 'failed', reason: 'HTTP 500', attempts: 3, at: epochMs(NOW) },
          ],
        }),
      }),
    )
    .answer('alerts.rules.preview', opts.preview ?? preview())
    .answer('alerts.settings.get', SETTINGS)
    .handle('alerts.history', (p) => {
      const all = opts.history ?? []
      const alerts = p.ruleId ? all.filter((a) => a.ruleId === p.ruleId) : all
      return ok({ alerts: alerts.slice(0, p.limit ?? 100), unread: 0 })
    })
    .answer('alerts.stats', { rules: opts.stats ?? [] })
    .answer('sectors.table', {
      funds: [
        { fund: 'XLK', name: 'Technology' },
        { fund: 'XLE', name: 'Energy' },
        { fund: 'XLF', name: 'Financials' },
      ],
      entries: [],
    })
}
