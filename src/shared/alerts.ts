/**
 * Alert rules and alerts: the data model shared by the engine (evaluation,
 * storage, delivery), the hosts (desktop notifications) and the renderer
 * (the rule editor, the Alerts panel). Rules are data: serialisable
 * conditions in AND/OR groups, actions and noise controls; evaluation is
 * pure (engine/alerts/evaluate.ts). Validated with zod wherever a rule comes
 * in (the contract, stored rows of an older schema, imported files), with a
 * message per field. Pure TypeScript: no Node, no DOM.
 */
import { z } from 'zod'
import { PRIORITIES, ROTATION_QUADRANTS, SECTOR_FUNDS, TIERS, type EpochMs, type MarketRegime, type Priority, type Tier } from './domain'

/** The version of the rule format this build writes; older stored rules are upgraded on read (see upgradeRule). */
export const ALERT_RULE_SCHEMA_VERSION = 1

export type RuleId = string & { readonly __brand: 'RuleId' }
export const ruleId = (s: string): RuleId => s as RuleId

export const MARKET_REGIMES = ['Bull', 'Bear', 'Consolidation'] as const satisfies readonly MarketRegime[]
export const PATTERN_DIRECTIONS = ['bullish', 'bearish', 'neutral'] as const
export const PATTERN_KINDS = ['candlestick', 'chart', 'breakout', 'volume', 'trend'] as const
/** Pre-market 04:00-09:30, regular 09:30-16:00, after hours 16:00-20:00, New York time, on weekdays. */
export const SESSIONS = ['pre', 'regular', 'after'] as const
export type TradingSession = (typeof SESSIONS)[number]
export const URGENCIES = ['low', 'normal', 'critical'] as const
export type Urgency = (typeof URGENCIES)[number]
/** Sounds bundled in resources/sounds (file name without extension). */
export const ALERT_SOUNDS = ['chime', 'ping', 'alarm', 'soft'] as const
export type AlertSound = (typeof ALERT_SOUNDS)[number]

// ---------------------------------------------------------------- conditions

const symbolItem = z
  .string()
  .trim()
  .min(1)
  .max(16)
  .regex(/^[A-Za-z0-9.\-^/]+$/, 'a symbol holds letters, digits, ".", "-", "^" and "/"')
  .transform((s) => s.toUpperCase())
const symbolList = z.array(symbolItem).max(2000)
const fraction = z.number().min(0).max(1)

/** One condition on an event (with its market stamp) or the time it arrives. Each is an "any of" over its lists. */
export const conditionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('pattern'),
      /** Pattern names or aliases (compared by normalized key). */
      names: z.array(z.string().trim().min(1).max(64)).max(200).optional(),
      /** Catalogue groups. */
      kinds: z.array(z.enum(PATTERN_KINDS)).min(1).optional(),
      directions: z.array(z.enum(PATTERN_DIRECTIONS)).min(1).optional(),
    })
    .strict()
    .refine((c) => (c.names?.length ?? 0) > 0 || c.kinds !== undefined || c.directions !== undefined, 'a pattern condition needs names, kinds or directions'),
  z.object({ kind: z.literal('tier'), tiers: z.array(z.enum(TIERS)).min(1) }).strict(),
  z
    .object({ kind: z.literal('symbol'), include: symbolList.optional(), exclude: symbolList.optional() })
    .strict()
    .refine((c) => (c.include?.length ?? 0) + (c.exclude?.length ?? 0) > 0, 'list symbols to include or exclude'),
  z
    .object({ kind: z.literal('watchlist'), include: z.array(z.string().trim().min(1).max(64)).max(50).optional(), exclude: z.array(z.string().trim().min(1).max(64)).max(50).optional() })
    .strict()
    .refine((c) => (c.include?.length ?? 0) + (c.exclude?.length ?? 0) > 0, 'name watchlists to include or exclude'),
  z
    .object({ kind: z.literal('sector'), include: z.array(z.enum(SECTOR_FUNDS)).optional(), exclude: z.array(z.enum(SECTOR_FUNDS)).optional() })
    .strict()
    .refine((c) => (c.include?.length ?? 0) + (c.exclude?.length ?? 0) > 0, 'pick sectors to include or exclude'),
  z
    .object({ kind: z.literal('confidence'), min: fraction.optional(), max: fraction.optional() })
    .strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'give a minimum or a maximum')
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'the minimum is above the maximum'),
  z.object({ kind: z.literal('priority'), min: z.enum(PRIORITIES) }).strict(),
  z
    .object({ kind: z.literal('price'), min: z.number().nonnegative().optional(), max: z.number().positive().optional() })
    .strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'give a minimum or a maximum')
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'the minimum is above the maximum'),
  z.object({ kind: z.literal('relVolume'), min: z.number().positive().max(1000) }).strict(),
  /** The symbol hit in at least this many tiers within the confluence window (the event's own tier counts). */
  z.object({ kind: z.literal('confluence'), minTiers: z.number().int().min(2).max(3) }).strict(),
  z.object({ kind: z.literal('regime'), in: z.array(z.enum(MARKET_REGIMES)).min(1) }).strict(),
  z
    .object({ kind: z.literal('risk'), above: z.number().min(-1).max(1).optional(), below: z.number().min(-1).max(1).optional() })
    .strict()
    .refine((c) => c.above !== undefined || c.below !== undefined, 'give "above" or "below"'),
  z.object({ kind: z.literal('quadrant'), in: z.array(z.enum(ROTATION_QUADRANTS)).min(1) }).strict(),
  z.object({ kind: z.literal('session'), in: z.array(z.enum(SESSIONS)).min(1) }).strict(),
])
export type Condition = z.output<typeof conditionSchema>
export type ConditionKind = Condition['kind']
export const CONDITION_KINDS = [
  'pattern',
  'tier',
  'symbol',
  'watchlist',
  'sector',
  'confidence',
  'priority',
  'price',
  'relVolume',
  'confluence',
  'regime',
  'risk',
  'quadrant',
  'session',
] as const satisfies readonly ConditionKind[]

export interface ConditionGroup {
  kind: 'group'
  op: 'and' | 'or'
  items: (Condition | ConditionGroup)[]
}

/** Nesting deeper than this is refused (a rule a person can read). */
export const MAX_GROUP_DEPTH = 4
export const MAX_GROUP_ITEMS = 50

export const conditionGroupSchema: z.ZodType<ConditionGroup, ConditionGroup> = z.lazy(() =>
  z
    .object({
      kind: z.literal('group'),
      op: z.enum(['and', 'or']),
      items: z.array(z.union([conditionSchema, conditionGroupSchema])).max(MAX_GROUP_ITEMS),
    })
    .strict(),
)

function groupDepth(g: ConditionGroup): number {
  let d = 1
  for (const it of g.items) if (it.kind === 'group') d = Math.max(d, 1 + groupDepth(it))
  return d
}

// ---------------------------------------------------------------- actions and noise control

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM (24 h, New York time)')

export const ruleActionsSchema = z
  .object({
    /** OS notification (Electron Notification on the desktop, Web Notifications in a browser). */
    desktop: z.boolean().default(true),
    /** In-app toast (and the Alerts panel, which always lists every alert). */
    toast: z.boolean().default(true),
    sound: z.enum(ALERT_SOUNDS).nullable().default(null),
    email: z.boolean().default(false),
    /** Webhook ids from the alert settings. */
    webhooks: z.array(z.string().min(1).max(64)).max(10).default([]),
    /** Overrides the urgency taken from the event's priority. */
    urgency: z.enum(URGENCIES).nullable().default(null),
  })
  .strict()
export type RuleActions = z.output<typeof ruleActionsSchema>

export const ruleNoiseSchema = z
  .object({
    /** Per symbol and pattern: a second alert within this many minutes is suppressed. 0: none. */
    cooldownMinutes: z.number().int().min(0).max(7 * 24 * 60).default(0),
    /** At most this many alerts in any rolling hour; null: no cap. */
    maxPerHour: z.number().int().min(1).max(10_000).nullable().default(null),
    /** Suppressed until this time (epoch ms); null: not snoozed. */
    snoozeUntil: z.number().int().nonnegative().nullable().default(null),
    /** A daily window in New York time with no alerts (may wrap past midnight); null: none. */
    quietHours: z
      .object({ from: hhmm, to: hhmm })
      .strict()
      .refine((q) => q.from !== q.to, 'quiet hours need a from and a to that differ')
      .nullable()
      .default(null),
    /** The rule stops firing at this time (epoch ms); null: never. */
    expiresAt: z.number().int().nonnegative().nullable().default(null),
    /** Only the first alert per symbol per New York trading day. */
    firstPerSymbolPerDay: z.boolean().default(false),
    /** Email digest: collect this rule's alerts for N minutes and send one email; null: one email per alert. */
    digestMinutes: z.number().int().min(1).max(24 * 60).nullable().default(null),
  })
  .strict()
export type RuleNoise = z.output<typeof ruleNoiseSchema>

/** Why an alert was not delivered. */
export const SUPPRESSIONS = ['disabled', 'expired', 'snoozed', 'quiet_hours', 'cooldown', 'rate_limit', 'first_per_day', 'muted'] as const
export type Suppression = (typeof SUPPRESSIONS)[number]

// ---------------------------------------------------------------- rules

const ruleNameSchema = z.string().trim().min(1, 'a rule needs a name').max(80, 'rule names are at most 80 characters')

/** A rule as the editor sends it: no id for a new rule. */
export const alertRuleInputSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: ruleNameSchema,
    enabled: z.boolean().default(true),
    when: conditionGroupSchema
      .refine((g) => groupDepth(g) <= MAX_GROUP_DEPTH, `groups nest at most ${MAX_GROUP_DEPTH} deep`)
      // An empty rule would fire on every event (AND) or never (OR): neither is what a trader means.
      .refine((g) => g.items.length > 0, { message: 'a rule needs at least one condition', path: ['items'] }),
    actions: ruleActionsSchema.default(() => ruleActionsSchema.parse({})),
    noise: ruleNoiseSchema.default(() => ruleNoiseSchema.parse({})),
  })
  .strict()
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>
export type AlertRuleParsed = z.output<typeof alertRuleInputSchema>

export interface AlertRule extends Omit<AlertRuleParsed, 'id'> {
  id: RuleId
  schemaVersion: number
  createdAt: EpochMs
  updatedAt: EpochMs
}

/**
 * A stored rule's JSON brought to the current format. Version 1 is the
 * first; later versions add a case here (never edit a shipped one), so rules
 * survive upgrades. Returns the rule or the reason it cannot be read.
 */
export function upgradeRule(stored: unknown): { ok: true; rule: AlertRuleParsed; from: number } | { ok: false; reason: string } {
  if (!stored || typeof stored !== 'object') return { ok: false, reason: 'not an object' }
  const o = stored as Record<string, unknown>
  const version = typeof o.schemaVersion === 'number' ? o.schemaVersion : 1
  if (version > ALERT_RULE_SCHEMA_VERSION) return { ok: false, reason: `written by a newer version (rule format ${version}, this build reads up to ${ALERT_RULE_SCHEMA_VERSION})` }
  const { schemaVersion: _v, createdAt: _c, updatedAt: _u, ...rest } = o
  const parsed = alertRuleInputSchema.safeParse(rest)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reason: issue ? `${issue.path.join('.') || '(rule)'}: ${issue.message}` : 'invalid rule' }
  }
  return { ok: true, rule: parsed.data, from: version }
}

// ---------------------------------------------------------------- alerts

export const ALERT_CHANNELS = ['desktop', 'toast', 'sound', 'email', 'webhook'] as const
export type AlertChannelKind = (typeof ALERT_CHANNELS)[number]
export type ChannelState = 'pending' | 'sent' | 'failed' | 'suppressed'

export interface ChannelStatus {
  channel: AlertChannelKind
  /** The webhook's id for 'webhook'. */
  target: string | null
  state: ChannelState
  /** Why it failed or was suppressed (a noise control, a delivery error). */
  reason: string | null
  attempts: number
  at: EpochMs
}

export type AlertFeedback = 'useful' | 'not_useful'

/** One rule firing on one event, recorded before delivery. */
export interface Alert {
  id: number
  ruleId: RuleId
  ruleName: string
  eventId: number
  symbol: string
  pattern: string
  tier: Tier
  confidence: number
  priority: Priority
  price: number | null
  detectedAt: EpochMs
  firedAt: EpochMs
  urgency: Urgency
  /** The conditions that matched, as a trader reads them ("confidence >= 0.80", "regime Bull"). */
  matched: string[]
  /** Set when a noise control held the whole alert back: the channels say 'suppressed' with this reason. */
  suppressedBy: Suppression | null
  channels: ChannelStatus[]
  read: boolean
  acknowledged: boolean
  feedback: AlertFeedback | null
  /** True for a "send test" alert (never counted in a rule's statistics). */
  test: boolean
}

/** What a rule would have done over stored events (the editor's live preview). */
export interface RulePreview {
  days: number
  /** Events examined. */
  scanned: number
  /** Events the conditions matched, before noise control. */
  matched: number
  /** Alerts that would have been delivered after noise control. */
  delivered: number
  suppressed: Partial<Record<Suppression, number>>
  /** The part of `days` the stored history covers (less when the terminal has been recording for less than the window). */
  coveredDays: number
  /** Alerts delivered per day over the covered span. */
  perDay: number
  /** A few of the matches, newest first. */
  examples: { eventId: number; symbol: string; pattern: string; tier: Tier; confidence: number; detectedAt: EpochMs; matched: string[]; suppressedBy: Suppression | null }[]
}

export interface RuleStats {
  ruleId: RuleId
  ruleName: string
  fired: number
  delivered: number
  failed: number
  suppressed: number
  acknowledged: number
  useful: number
  notUseful: number
  /** useful / (useful + notUseful); null without feedback. */
  usefulShare: number | null
  /** Mean move of the alerted patterns' price after 1 h / 1 day / 5 days as a fraction (0.0125 = +1.25%), signed the pattern's way (bullish up = positive, bearish down = positive, neutral as is), where bars exist; null without. */
  outcome: { after1h: number | null; after1d: number | null; after5d: number | null; measured: number }
}

// ---------------------------------------------------------------- settings

export const WEBHOOK_PRESETS = ['ntfy', 'pushover', 'slack', 'discord', 'custom'] as const
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number]

export const webhookSchema = z
  .object({
    id: z.string().trim().min(1).max(64).regex(/^[a-z0-9-]+$/, 'an id holds lower-case letters, digits and "-"'),
    name: z.string().trim().min(1).max(64),
    preset: z.enum(WEBHOOK_PRESETS),
    /** For ntfy, the topic URL (https://ntfy.sh/mytopic); for Pushover, ?token=...&user=... may carry the keys. */
    url: z
      .string()
      .trim()
      .url('a webhook needs a full URL')
      .refine((u) => /^https?:\/\//.test(u), 'a webhook URL starts with http:// or https://'),
    /** JSON body template with {{symbol}}, {{pattern}}, {{tier}}, {{confidence}}, {{price}}, {{rule}}, {{title}}, {{body}}, {{url}}, {{detectedAt}}, {{priority}}, {{urgency}} (text placeholders inside quotes; {{confidence}} and {{price}} are numbers); the preset's body when absent. */
    template: z.string().max(4000).nullable().default(null),
    /** Extra headers (e.g. an auth token); never logged. */
    headers: z.record(z.string().max(64), z.string().max(1000)).default({}),
    enabled: z.boolean().default(true),
  })
  .strict()
export type Webhook = z.output<typeof webhookSchema>

export const smtpSettingsSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    /** TLS from the start (465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean(),
    user: z.string().max(256).nullable(),
    from: z.string().trim().email('"from" must be an email address'),
    to: z.array(z.string().trim().email('every recipient must be an email address')).min(1).max(20),
  })
  .strict()
export type SmtpSettings = z.output<typeof smtpSettingsSchema>

export const watchlistSchema = z.object({ name: z.string().trim().min(1).max(64), symbols: symbolList }).strict()
export type Watchlist = z.output<typeof watchlistSchema>

export const alertSettingsSchema = z
  .object({
    /** Global mute: sounds off (alerts are still recorded and shown). */
    mute: z.boolean().default(false),
    smtp: smtpSettingsSchema.nullable().default(null),
    webhooks: z.array(webhookSchema).max(20).default([]),
    watchlists: z.array(watchlistSchema).max(50).default([]),
  })
  .strict()
export type AlertSettings = z.output<typeof alertSettingsSchema> & {
  /** Whether an SMTP password is stored (it is never sent back). */
  smtpPasswordSet: boolean
}
