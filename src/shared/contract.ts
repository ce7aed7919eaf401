/**
 * The one contract between the engine and every client (Electron preload,
 * WebSocket client, REST handlers). Every request and pushed topic is declared
 * here once; hosts and clients are generic over these maps.
 */
import { z } from 'zod'
import {
  TIERS,
  PRIORITIES,
  type ConfluenceEvent,
  type HealthReport,
  type PatternEvent,
  type PerformanceReport,
  type Tier,
  type EpochMs,
  BAR_TIMEFRAMES,
  type BarSeries,
  type LayoutSummary,
  type Prefs,
  type SavedLayout,
  type Bar,
  type EtfSnapshot,
  type MarketRegime,
  type MarketState,
  type SectorRotation,
  ROTATION_QUADRANTS,
  SECTOR_FUNDS,
  type MarketPulse,
  type RegimeChangeEvent,
  type RegimePeriod,
  type SectorTableEntry,
} from './domain'
import {
  alertRuleInputSchema,
  alertSettingsSchema,
  type Alert,
  type AlertRule,
  type AlertSettings,
  type RulePreview,
  type RuleStats,
} from './alerts'

// ---------------------------------------------------------------- results

export interface ContractError {
  code: 'bad_request' | 'not_found' | 'unknown_method' | 'internal' | 'unauthorized' | 'unavailable'
  message: string
  /** Per-field messages for bad input, keyed by dotted path. */
  fields?: Record<string, string>
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError }
export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ContractError['code'], message: string, fields?: Record<string, string>): Result<never> => ({
  ok: false,
  error: fields ? { code, message, fields } : { code, message },
})

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] }

/**
 * A union's "Invalid input" names no field. When exactly one of its branches
 * got past the discriminator (`kind`: the item is a regime condition, not a
 * group), that branch's issues are the ones that matter: report them, under
 * the union's path.
 */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = []
  for (const issue of issues) {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'invalid_union' && issue.errors) {
      const matched = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 1 && i.path[0] === 'kind'))
      if (matched.length === 1) {
        out.push(...flattenIssues(matched[0] as Issue[], path))
        continue
      }
    }
    out.push({ path, message: issue.message })
  }
  return out
}

/** Turn a zod error into a contract error that names each field. */
export function zodFailure(error: z.ZodError, what: string): Result<never> {
  const fields: Record<string, string> = {}
  for (const issue of flattenIssues(error.issues as unknown as Issue[])) fields[issue.path.map(String).join('.') || '(root)'] = issue.message
  const first = Object.entries(fields)[0]
  return fail('bad_request', `invalid ${what}: ${first ? `${first[0]}: ${first[1]}` : 'bad input'}`, fields)
}

// ---------------------------------------------------------------- params

const symbolSchema = z
  .string()
  .trim()
  .min(1)
  .max(16)
  .regex(/^[A-Za-z0-9.\-^/]+$/, 'symbol may hold letters, digits, ".", "-", "^" and "/"')
  .transform((s) => s.toUpperCase())

export const tierSchema = z.enum(TIERS)
/** The sector funds (XLK...), as the sector table and the rotation graph name sectors. */
export const sectorFundSchema = z.enum(SECTOR_FUNDS)
const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD')
export const prioritySchema = z.enum(PRIORITIES)

export const patternQuerySchema = z.object({
  tier: tierSchema,
  symbols: z.array(symbolSchema).max(500).optional(),
  confidenceMin: z.number().min(0).max(1).optional(),
  /** Pattern name or key; compared after normalization. */
  patterns: z.array(z.string().min(1).max(64)).max(100).optional(),
  since: z.number().int().nonnegative().optional(),
  /** Paging: return events strictly older than this (detectedAt, id) cursor. */
  before: z.object({ detectedAt: z.number().int(), id: z.number().int() }).optional(),
  /** Only events stamped as aligned with the regime at their arrival. */
  aligned: z.boolean().optional(),
  /** Only events whose symbol's sector was in one of these rotation quadrants at arrival. */
  quadrants: z.array(z.enum(ROTATION_QUADRANTS)).min(1).max(4).optional(),
  /** Only events whose symbol's sector fund (stamped at arrival) is one of these. */
  sectors: z.array(sectorFundSchema).min(1).max(11).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
})
export type PatternQuery = z.input<typeof patternQuerySchema>
export type PatternQueryParsed = z.output<typeof patternQuerySchema>

export interface PatternQueryResult {
  patterns: PatternEvent[]
  /** Named as the seed's tier API names them (`metadata.count`, `metadata.response_time_ms`): engine time, query to serialized answer. */
  metadata: { tier: Tier; count: number; limit: number; response_time_ms: number; nextBefore: { detectedAt: number; id: number } | null }
}

const emptyParams = z.object({}).strict()

export interface EngineInfo {
  mode: 'live' | 'demo'
  version: string
  thresholds: Record<Tier, number>
  confluenceWindowMs: number
  retentionDays: number
  dataDir: string | null
}

export const barTimeframeSchema = z.enum(BAR_TIMEFRAMES)

const layoutNameSchema = z
  .string()
  .trim()
  .min(1, 'a layout needs a name')
  .max(64, 'layout names are at most 64 characters')
  .regex(/^[^\u0000-\u001f]+$/, 'layout names cannot hold control characters')

/** Largest layout the engine stores (serialized): far above any real one, a bound on bad input. */
export const MAX_LAYOUT_BYTES = 512 * 1024

export const prefsSchema = z.object({
  theme: z.enum(['dark', 'light']),
  currentLayout: layoutNameSchema.nullable(),
})

/** Requests: name -> params schema (validated at the edge) and result type. */
export const requestSchemas = {
  'patterns.query': patternQuerySchema,
  /** One symbol's events across tiers, newest first (chart markers, linked panels). */
  'patterns.symbol': z.object({ symbol: symbolSchema, since: z.number().int().nonnegative().optional(), limit: z.number().int().min(1).max(2000).default(500) }),
  'patterns.performance': emptyParams,
  'health.get': emptyParams,
  'engine.info': emptyParams,
  'bars.get': z.object({
    symbol: symbolSchema,
    timeframe: barTimeframeSchema,
    limit: z.number().int().min(1).max(5000).default(500),
    /** Bars starting strictly before this time (paging back). */
    before: z.number().int().nonnegative().optional(),
  }),
  'layouts.list': emptyParams,
  'layouts.get': z.object({ name: layoutNameSchema }),
  'layouts.save': z.object({ name: layoutNameSchema, version: z.number().int().min(1), config: z.unknown() }),
  'layouts.rename': z.object({ from: layoutNameSchema, to: layoutNameSchema }),
  'layouts.delete': z.object({ name: layoutNameSchema }),
  'prefs.get': emptyParams,
  'prefs.set': prefsSchema.partial(),
  /** Regime, risk-on/off with components, breadth, key levels: from the stored daily ETF bars. */
  'market.state': emptyParams,
  /** The ETF universe by period, trend, volatility, drawdown and relative strength. */
  'market.etfs': emptyParams,
  /** Relative rotation of the sector funds against SPY, with weekly tails. */
  'market.sectors': z.object({ tailWeeks: z.number().int().min(1).max(52).default(8) }),
  /** Rolling correlation across the universe. */
  'market.correlation': z.object({ window: z.union([z.literal(20), z.literal(60)]).default(60) }),
  /** Recent patterns with the market state: optionally only those aligned with the regime, or of one sector. */
  'market.patterns': z.object({
    tier: tierSchema.optional(),
    alignedOnly: z.boolean().default(false),
    sector: z.string().trim().min(1).max(40).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  /** The regime as stretches of days (for the regime band on a chart), oldest first. */
  'market.regimes': z.object({ from: isoDateSchema.optional(), to: isoDateSchema.optional() }),
  /** Stored regime changes, newest first. */
  'market.regimeEvents': z.object({ limit: z.number().int().min(1).max(1000).default(100) }),
  /** The symbol -> sector table: the bundled one with the trader's edits over it. */
  'sectors.table': emptyParams,
  /** Edit the sector table: a fund puts the symbol in that sector, null removes the trader's edit (back to the bundled entry, if any). */
  'sectors.set': z.object({
    entries: z.array(z.object({ symbol: symbolSchema, fund: sectorFundSchema.nullable() }).strict()).min(1).max(5000),
  }),
  /** Drop every edit: back to the bundled table. */
  'sectors.reset': emptyParams,

  /** Every rule, and the stored ones this build cannot read (kept, not lost). */
  'alerts.rules.list': emptyParams,
  /** Create (no id) or replace a rule; a bad rule is refused with a message per field. */
  'alerts.rules.save': z.object({ rule: alertRuleInputSchema }).strict(),
  'alerts.rules.delete': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** Send a test alert through the rule's channels (recorded as a test, never counted in its statistics). */
  'alerts.rules.test': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** How often a rule (saved or not) would have fired over the stored events of the last `days`, with examples. */
  'alerts.rules.preview': z.object({ rule: alertRuleInputSchema, days: z.number().int().min(1).max(30).default(7) }).strict(),
  /** Snooze a rule until a time (epoch ms); null ends the snooze. */
  'alerts.rules.snooze': z.object({ id: z.string().min(1).max(64), until: z.number().int().nonnegative().nullable() }).strict(),
  /** Alerts, newest first; page with `before` (an alert id). */
  'alerts.history': z
    .object({
      ruleId: z.string().min(1).max(64).optional(),
      symbol: symbolSchema.optional(),
      unreadOnly: z.boolean().default(false),
      includeTests: z.boolean().default(true),
      before: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  /** Mark alerts read / acknowledged / with feedback; `ids: 'all'` marks every unread one read. */
  'alerts.mark': z
    .object({
      ids: z.union([z.array(z.number().int().positive()).min(1).max(1000), z.literal('all')]),
      read: z.boolean().optional(),
      acknowledged: z.boolean().optional(),
      feedback: z.enum(['useful', 'not_useful']).nullable().optional(),
    })
    .strict(),
  /** A client delivered (or failed to deliver) an alert on a channel it owns: the desktop notification, the toast, the sound. */
  'alerts.report': z
    .object({
      id: z.number().int().positive(),
      channel: z.enum(['desktop', 'toast', 'sound']),
      state: z.enum(['sent', 'failed']),
      reason: z.string().max(300).nullable().default(null),
    })
    .strict(),
  /** Claim the desktop notification of an alert: true for the first client that asks (one notification however many windows are open). */
  'alerts.claim': z.object({ id: z.number().int().positive() }).strict(),
  /** Per rule: fired, delivered, failed, suppressed, acknowledged, useful share, and how the alerted patterns moved after 1 h / 1 day / 5 days. */
  'alerts.stats': emptyParams,
  'alerts.settings.get': emptyParams,
  /** Replace settings; `smtpPassword`: a new password (stored encrypted on the desktop), null to remove it, absent to keep it. */
  'alerts.settings.set': z.object({ settings: alertSettingsSchema, smtpPassword: z.string().max(1000).nullable().optional() }).strict(),
  /** Webhook and email deliveries that failed after their retries. */
  'alerts.deadLetters': z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
  /** Try a dead letter again now. */
  'alerts.deadLetters.retry': z.object({ id: z.number().int().positive() }).strict(),
} as const

export interface RequestResults {
  'patterns.query': PatternQueryResult
  'patterns.symbol': { patterns: PatternEvent[] }
  'patterns.performance': PerformanceReport
  'health.get': HealthReport
  'engine.info': EngineInfo
  'bars.get': BarSeries
  'layouts.list': { layouts: LayoutSummary[] }
  'layouts.get': SavedLayout
  'layouts.save': LayoutSummary
  'layouts.rename': LayoutSummary
  'layouts.delete': { deleted: boolean }
  'prefs.get': Prefs
  'prefs.set': Prefs
  'market.state': MarketState
  'market.etfs': { asOf: string | null; etfs: EtfSnapshot[] }
  'market.sectors': { asOf: string | null; sectors: SectorRotation[] }
  'market.correlation': { asOf: string | null; window: 20 | 60; symbols: string[]; matrix: (number | null)[][] }
  'market.patterns': { regime: MarketRegime | null; patterns: PatternEvent[] }
  'market.regimes': { periods: RegimePeriod[] }
  'market.regimeEvents': { events: RegimeChangeEvent[] }
  'sectors.table': { funds: { fund: string; name: string }[]; entries: SectorTableEntry[] }
  'sectors.set': { entries: SectorTableEntry[] }
  'sectors.reset': { entries: SectorTableEntry[] }
  'alerts.rules.list': { rules: AlertRule[]; unreadable: { id: string; reason: string }[] }
  'alerts.rules.save': { rule: AlertRule }
  'alerts.rules.delete': { deleted: boolean }
  'alerts.rules.test': { alert: Alert }
  'alerts.rules.preview': RulePreview
  'alerts.rules.snooze': { rule: AlertRule }
  'alerts.history': { alerts: Alert[]; unread: number }
  'alerts.mark': { updated: number; unread: number }
  'alerts.report': { alert: Alert }
  'alerts.claim': { claimed: boolean }
  'alerts.stats': { rules: RuleStats[] }
  'alerts.settings.get': AlertSettings
  'alerts.settings.set': AlertSettings
  'alerts.deadLetters': { items: DeadLetter[] }
  'alerts.deadLetters.retry': { item: DeadLetter | null; alert: Alert | null }
}

/** An email or webhook delivery that failed after its retries. */
export interface DeadLetter {
  id: number
  alertId: number
  channel: 'email' | 'webhook'
  /** The webhook's id, or the email recipients. */
  target: string
  reason: string
  attempts: number
  firstAt: EpochMs
  lastAt: EpochMs
  /** Retried successfully later. */
  resolved: boolean
}

export type RequestName = keyof typeof requestSchemas
export type RequestParams<K extends RequestName> = z.input<(typeof requestSchemas)[K]>
export type RequestParsed<K extends RequestName> = z.output<(typeof requestSchemas)[K]>
export type RequestResult<K extends RequestName> = RequestResults[K]
export const isRequestName = (s: string): s is RequestName => Object.hasOwn(requestSchemas, s)

// ---------------------------------------------------------------- topics

export const patternFilterSchema = z.object({
  tiers: z.array(tierSchema).optional(),
  symbols: z.array(symbolSchema).max(500).optional(),
  confidenceMin: z.number().min(0).max(1).optional(),
  patterns: z.array(z.string().min(1).max(64)).max(100).optional(),
})
export type PatternFilter = z.output<typeof patternFilterSchema>

export const confluenceFilterSchema = z.object({ symbols: z.array(symbolSchema).max(500).optional() })

/** Topics: name -> filter schema, and how pushes coalesce within one frame. */
export const topicDefs = {
  /** New pattern events, after tiering; coalesced into arrays. */
  patterns: { filter: patternFilterSchema, merge: 'append' },
  /** Cross-tier confluence events. */
  confluence: { filter: confluenceFilterSchema, merge: 'append' },
  /** Health snapshot; only the latest in a frame is sent. */
  health: { filter: emptyParams, merge: 'latest' },
  /** New and updated bars of one symbol and timeframe (the last bar updates as it forms). */
  bars: { filter: z.object({ symbol: symbolSchema, timeframe: barTimeframeSchema }), merge: 'append' },
  /** The market state changed (new daily or 1-minute bars, sector table edits); only the latest in a frame is sent, at most one a second. */
  market: { filter: emptyParams, merge: 'latest' },
  /** New alerts and changes to stored ones (a channel delivered, read, acknowledged); merge by id. */
  alerts: { filter: emptyParams, merge: 'append' },
  /** The number of unread alerts (window title, tray, the Alerts panel's tab). */
  alertsUnread: { filter: emptyParams, merge: 'latest' },
  /** The stored rules changed (saved, deleted, snoozed from any window or REST): editors reload when the version moves. */
  alertRules: { filter: emptyParams, merge: 'latest' },
} as const

export interface TopicPayloads {
  patterns: PatternEvent[]
  confluence: ConfluenceEvent[]
  health: HealthReport
  bars: Bar[]
  market: MarketPulse
  alerts: Alert[]
  alertsUnread: { unread: number }
  alertRules: { version: number }
}

export type TopicName = keyof typeof topicDefs
export type TopicFilter<T extends TopicName> = z.input<(typeof topicDefs)[T]['filter']>
export type TopicFilterParsed<T extends TopicName> = z.output<(typeof topicDefs)[T]['filter']>
export type TopicPayload<T extends TopicName> = TopicPayloads[T]
export const isTopicName = (s: string): s is TopicName => Object.hasOwn(topicDefs, s)

/** Frame length for push coalescing, ms. */
export const PUSH_FRAME_MS = 16

// ---------------------------------------------------------------- client API

/** What the renderer gets from its host (preload bridge or WebSocket client). */
export interface TerminalApi {
  readonly host: 'electron' | 'browser'
  invoke<K extends RequestName>(method: K, params: RequestParams<K>): Promise<Result<RequestResult<K>>>
  /** Subscribe to a topic; returns the unsubscribe. */
  subscribe<T extends TopicName>(topic: T, filter: TopicFilter<T>, listener: (payload: TopicPayload<T>) => void): () => void
  /** Connection state of the transport itself (the WebSocket, or always 'open' for IPC). */
  onConnection(listener: (state: 'open' | 'closed') => void): () => void
  /**
   * Commands from the desktop host's application menu: the id of one of the
   * renderer's own commands (`layout.save`, `panel.open:chart`...). Absent in a browser.
   */
  onHostCommand?(listener: (commandId: string) => void): () => void
}

// ---------------------------------------------------------------- wire protocol

/** Client -> server messages (WebSocket text frames, IPC payloads). Validated at the edge. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.number().int(), method: z.string().max(64), params: z.unknown() }),
  z.object({ t: z.literal('sub'), sid: z.number().int(), topic: z.string().max(64), filter: z.unknown() }),
  z.object({ t: z.literal('unsub'), sid: z.number().int() }),
])
export type ClientMessage = z.infer<typeof clientMessageSchema>

/** One subscription's share of a push. */
export interface PushPart {
  sid: number
  payload: unknown
}

/** Server -> client messages. */
export type ServerMessage =
  | { t: 'res'; id: number; result: Result<unknown> }
  /** One message per topic per frame per client: the payload of each of its subscriptions on that topic. */
  | { t: 'push'; topic: TopicName; parts: PushPart[] }
  | { t: 'suberr'; sid: number; error: ContractError }

export type { EpochMs }
