/** Tests only: events, rules and New York times for the alert tests. */
import { ruleId, ruleNoiseSchema, ruleActionsSchema, type AlertRule, type Condition, type ConditionGroup, type RuleNoise } from '../../../shared/alerts'
import { epochMs, priorityFor, type PatternEvent, type PatternMarketStamp, type Tier } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'
import { etOffsetMs } from '../../../shared/exchange-time'

/** Epoch ms of a New York wall-clock time, "2025-03-12T10:15" (not for the skipped hour of a spring-forward day). */
export function ny(local: string): number {
  const [date, time = '00:00'] = local.split('T')
  const [y, mo, d] = date!.split('-').map(Number)
  const [h, mi, s = 0] = time.split(':').map(Number)
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s)
  let t = wall + 5 * 3_600_000
  for (let i = 0; i < 2; i++) t = wall - etOffsetMs(t)
  return t
}

let nextId = 1

export interface EventOver extends Partial<Omit<PatternEvent, 'market' | 'detectedAt' | 'receivedAt'>> {
  detectedAt?: number
  receivedAt?: number
  market?: Partial<PatternMarketStamp> | null
}

/** A pattern event: AAPL Hammer, intraday, 0.86, 12:00 on Wednesday 2025-03-12 in New York, Bull market in XLK unless told. */
export function ev(over: EventOver = {}): PatternEvent {
  const pattern = over.pattern ?? 'Hammer'
  const confidence = over.confidence ?? 0.86
  const at = over.detectedAt ?? ny('2025-03-12T12:00')
  const market: PatternMarketStamp | null =
    over.market === null ? null : { regime: 'Bull', risk: 0.35, sector: 'XLK', quadrant: 'Leading', aligned: true, ...(over.market ?? {}) }
  return {
    id: over.id ?? nextId++,
    symbol: over.symbol ?? 'AAPL',
    pattern,
    patternKey: over.patternKey ?? patternKey(pattern),
    tier: over.tier ?? 'intraday',
    confidence,
    priority: over.priority ?? priorityFor(confidence),
    detectedAt: epochMs(at),
    receivedAt: epochMs(over.receivedAt ?? at),
    expiresAt: epochMs(at + 3_600_000),
    timeframe: '1min',
    price: over.price === undefined ? 187.5 : over.price,
    changePct: null,
    relativeVolume: over.relativeVolume === undefined ? 2.4 : over.relativeVolume,
    relativeStrength: null,
    levels: [],
    channel: 'test',
    flowId: null,
    sessionId: null,
    confluence: over.confluence ?? ([] as Tier[]),
    market,
  }
}

export const and = (...items: (Condition | ConditionGroup)[]): ConditionGroup => ({ kind: 'group', op: 'and', items })
export const or = (...items: (Condition | ConditionGroup)[]): ConditionGroup => ({ kind: 'group', op: 'or', items })

let nextRule = 1

/** A full rule around a condition tree (enabled, default actions and noise unless told). */
export function rule(when: ConditionGroup, over: { id?: string; enabled?: boolean; noise?: Partial<RuleNoise>; name?: string } = {}): AlertRule {
  const id = over.id ?? `r${nextRule++}`
  return {
    id: ruleId(id),
    name: over.name ?? id,
    enabled: over.enabled ?? true,
    when,
    actions: ruleActionsSchema.parse({}),
    noise: { ...ruleNoiseSchema.parse({}), ...(over.noise ?? {}) },
    schemaVersion: 1,
    createdAt: epochMs(0),
    updatedAt: epochMs(0),
  }
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
