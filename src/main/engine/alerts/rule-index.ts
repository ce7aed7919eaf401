/**
 * The rule index: for an event, the rules that could match it, so thousands
 * of rules naming symbols, patterns or tiers cost a few map lookups per event
 * (Actual Budget's rule indexer, for the same reason).
 *
 * A rule is filed under what its conditions require of every event it
 * matches (an AND requires what any of its items requires, an OR what all
 * its branches share): its symbols crossed with its pattern names, else its
 * symbols, else its pattern names crossed with its tiers, else its pattern
 * names, else its tiers. A rule requiring none of these (a broad
 * "confidence >= 0.9 in Bull", most top-level ORs) is checked on every event.
 * A rule whose requirements contradict each other (tier daily AND tier
 * intraday) can never match and is filed nowhere.
 *
 * Each entry also carries the rest of what the rule requires in a form read
 * without touching the compiled rule: its confidence floor (buckets are sorted
 * by it, so an event stops reading a bucket at the first rule that wants more
 * confidence than it has), its priority, relative volume and confluence
 * floors, and bit masks of the tiers, directions, kinds, regimes, quadrants,
 * sessions and sectors it accepts. Most candidates are turned away there, a
 * few comparisons on one small object instead of a walk through the compiled
 * rule's objects and sets (at 10,000 rules that walk is memory-bound).
 * Evaluation decides for the rest: the index only narrows.
 */
import { MARKET_REGIMES, PATTERN_KINDS, SESSIONS, type AlertRule, type Condition, type ConditionGroup } from '../../../shared/alerts'
import { PRIORITIES, ROTATION_QUADRANTS, SECTOR_FUNDS, TIERS, type PatternEvent } from '../../../shared/domain'
import { assertNever } from '../../../shared/assert'
import { EventFacts, canonicalPatternKey, compileRule, explainCompiled, testCompiled, type CompiledRule, type EvalContext } from './evaluate'

/** What the index needs of a rule. */
export type IndexableRule = Pick<AlertRule, 'id' | 'enabled' | 'when'>

// ---------------------------------------------------------------- event bits
//
// The small enumerations a rule can require (tier, direction, kind, regime,
// quadrant, session) packed into one number: a bit per value plus one for an
// event without a value or with one outside the list (which no condition on
// the field accepts); the sector in a second number. An event sets exactly one
// bit per field, so "the rule accepts the event on every field" is a single
// subset test: (event & ~rule) === 0.

const FIELDS = {
  tier: TIERS,
  direction: ['bullish', 'bearish', 'neutral'],
  kind: PATTERN_KINDS,
  regime: MARKET_REGIMES,
  quadrant: ROTATION_QUADRANTS,
  session: SESSIONS,
} as const satisfies Record<string, readonly string[]>
type FieldName = keyof typeof FIELDS

interface FieldBits {
  /** Value -> its bit. */
  readonly bits: ReadonlyMap<string, number>
  /** The bit of a missing or unknown value. */
  readonly other: number
  /** Every bit of the field. */
  readonly all: number
}

const PACKED: Readonly<Record<FieldName, FieldBits>> = (() => {
  const out = {} as Record<FieldName, FieldBits>
  let at = 0
  for (const [name, values] of Object.entries(FIELDS) as [FieldName, readonly string[]][]) {
    const bits = new Map(values.map((v, i) => [v, 1 << (at + i)]))
    const other = 1 << (at + values.length)
    out[name] = { bits, other, all: ((other << 1) - 1) & ~((1 << at) - 1) }
    at += values.length + 1
  }
  if (at > 31) throw new Error('rule index: packed fields need more than 31 bits')
  return out
})()
const PACKED_ALL = Object.values(PACKED).reduce((m, f) => m | f.all, 0)
const SECTORS: FieldBits = (() => {
  const bits = new Map(SECTOR_FUNDS.map((v, i) => [v as string, 1 << i]))
  const other = 1 << SECTOR_FUNDS.length
  return { bits, other, all: (other << 1) - 1 }
})()
/** An event without a sector (a sector condition never matches it); `other` is a sector that is not a fund. */
const NO_SECTOR = SECTORS.all + 1
const SECTOR_ALL = SECTORS.all | NO_SECTOR

/** The bit of a value in a field. */
function bit(field: FieldName, value: string | null): number {
  const f = PACKED[field]
  return (value === null ? undefined : f.bits.get(value)) ?? f.other
}

/** The mask accepting `values` in one field and anything in the others. */
function only(field: FieldName, values: readonly string[]): number {
  let m = PACKED_ALL & ~PACKED[field].all
  for (const v of values) m |= bit(field, v)
  return m
}

function sectorBit(sector: string | null): number {
  if (sector === null) return NO_SECTOR
  return SECTORS.bits.get(sector) ?? SECTORS.other
}

// ---------------------------------------------------------------- requirements

/** What an event must have for a condition tree to match: null sets mean any; an empty set, nothing. */
export interface Required {
  symbols: ReadonlySet<string> | null
  keys: ReadonlySet<string> | null
  tiers: ReadonlySet<string> | null
  /** Accepted tiers, directions, kinds, regimes, quadrants and sessions (packed bits). */
  mask: number
  /** Accepted sectors (bits). */
  sectorMask: number
  /** -Infinity: no floor. */
  minConfidence: number
  /** Index in PRIORITIES; -1: no floor. */
  minPriority: number
  minRelVolume: number
  minTiers: number
}

const ANY: Required = { symbols: null, keys: null, tiers: null, mask: PACKED_ALL, sectorMask: SECTOR_ALL, minConfidence: -Infinity, minPriority: -1, minRelVolume: -Infinity, minTiers: 0 }
const NOTHING: Required = { symbols: new Set(), keys: new Set(), tiers: new Set(), mask: 0, sectorMask: 0, minConfidence: Infinity, minPriority: PRIORITIES.length, minRelVolume: Infinity, minTiers: Infinity }

function intersect<T>(a: ReadonlySet<T> | null, b: ReadonlySet<T> | null): ReadonlySet<T> | null {
  if (a === null) return b
  if (b === null) return a
  return new Set([...a].filter((x) => b.has(x)))
}

function union<T>(a: ReadonlySet<T> | null, b: ReadonlySet<T> | null): ReadonlySet<T> | null {
  if (a === null || b === null) return null
  return new Set([...a, ...b])
}

function requiredOfCondition(c: Condition): Required {
  switch (c.kind) {
    case 'symbol':
      return c.include && c.include.length > 0 ? { ...ANY, symbols: new Set(c.include) } : ANY
    case 'pattern': {
      let mask = PACKED_ALL
      if (c.directions && c.directions.length > 0) mask &= only('direction', c.directions)
      if (c.kinds && c.kinds.length > 0) mask &= only('kind', c.kinds)
      return { ...ANY, keys: c.names && c.names.length > 0 ? new Set(c.names.map(canonicalPatternKey)) : null, mask }
    }
    case 'tier':
      return { ...ANY, tiers: new Set(c.tiers), mask: only('tier', c.tiers) }
    case 'regime':
      return { ...ANY, mask: only('regime', c.in) }
    case 'quadrant':
      return { ...ANY, mask: only('quadrant', c.in) }
    case 'session':
      return { ...ANY, mask: only('session', c.in) }
    case 'sector': {
      // A sector condition never matches an event without one.
      let m = SECTOR_ALL & ~NO_SECTOR
      if (c.include && c.include.length > 0) m = c.include.reduce((acc, s) => acc | sectorBit(s), 0)
      for (const s of c.exclude ?? []) m &= ~sectorBit(s)
      return { ...ANY, sectorMask: m }
    }
    case 'confidence':
      return c.min !== undefined ? { ...ANY, minConfidence: c.min } : ANY
    case 'priority':
      return { ...ANY, minPriority: PRIORITIES.indexOf(c.min) }
    case 'relVolume':
      return { ...ANY, minRelVolume: c.min }
    case 'confluence':
      return { ...ANY, minTiers: c.minTiers }
    default:
      return ANY
  }
}

/**
 * What a condition tree requires of every event it matches: an AND what any
 * of its items requires (intersected, the highest floors), an OR what all of
 * its branches share (united, the lowest floors).
 */
export function requiredOf(g: ConditionGroup): Required {
  const parts = g.items.map((it) => (it.kind === 'group' ? requiredOf(it) : requiredOfCondition(it)))
  if (g.op === 'and')
    return parts.reduce<Required>(
      (acc, r) => ({
        symbols: intersect(acc.symbols, r.symbols),
        keys: intersect(acc.keys, r.keys),
        tiers: intersect(acc.tiers, r.tiers),
        mask: acc.mask & r.mask,
        sectorMask: acc.sectorMask & r.sectorMask,
        minConfidence: Math.max(acc.minConfidence, r.minConfidence),
        minPriority: Math.max(acc.minPriority, r.minPriority),
        minRelVolume: Math.max(acc.minRelVolume, r.minRelVolume),
        minTiers: Math.max(acc.minTiers, r.minTiers),
      }),
      ANY,
    )
  return parts.reduce<Required>(
    (acc, r) => ({
      symbols: union(acc.symbols, r.symbols),
      keys: union(acc.keys, r.keys),
      tiers: union(acc.tiers, r.tiers),
      mask: acc.mask | r.mask,
      sectorMask: acc.sectorMask | r.sectorMask,
      minConfidence: Math.min(acc.minConfidence, r.minConfidence),
      minPriority: Math.min(acc.minPriority, r.minPriority),
      minRelVolume: Math.min(acc.minRelVolume, r.minRelVolume),
      minTiers: Math.min(acc.minTiers, r.minTiers),
    }),
    NOTHING,
  )
}

/** Whether a requirement can be met at all (every field accepts some value, every floor is reachable). */
function satisfiable(r: Required): boolean {
  if (r.symbols?.size === 0 || r.keys?.size === 0 || r.tiers?.size === 0 || r.sectorMask === 0) return false
  if (r.minConfidence === Infinity || r.minPriority >= PRIORITIES.length || r.minRelVolume === Infinity || r.minTiers > TIERS.length) return false
  for (const f of Object.values(PACKED)) if ((r.mask & f.all) === 0) return false
  return true
}

/**
 * Whether the entry checks decide a rule on their own: an AND (nested ANDs
 * too) of conditions the index checks exactly, so evaluating it again would
 * only repeat them. Symbol and pattern-name lists count only when the rule is
 * filed by them; an OR, price, risk, watchlists, a symbol exclude list and a
 * confidence maximum always need evaluation.
 */
function decidedByIndex(g: ConditionGroup, bySymbols: boolean, byKeys: boolean): boolean {
  if (g.op === 'or' && g.items.length !== 1) return false
  return g.items.every((it) => {
    if (it.kind === 'group') return decidedByIndex(it, bySymbols, byKeys)
    switch (it.kind) {
      case 'tier':
      case 'regime':
      case 'quadrant':
      case 'session':
      case 'sector':
      case 'priority':
      case 'relVolume':
      case 'confluence':
        return true
      case 'confidence':
        return it.max === undefined
      case 'pattern':
        return !(it.names && it.names.length > 0) || byKeys
      case 'symbol':
        return !(it.exclude && it.exclude.length > 0) && (!(it.include && it.include.length > 0) || bySymbols)
      case 'price':
      case 'risk':
      case 'watchlist':
        return false
      default:
        return assertNever(it)
    }
  })
}

interface Entry<R> {
  readonly rule: R
  readonly node: CompiledRule
  /** Position in the list given: matches come back in rule order. */
  readonly seq: number
  readonly minConfidence: number
  readonly minPriority: number
  readonly minRelVolume: number
  readonly minTiers: number
  readonly mask: number
  readonly sectorMask: number
  /** The entry checks decide the rule: no evaluation needed. */
  readonly decided: boolean
}

/** The event's side of the entry checks. */
interface EventBits {
  confidence: number
  priority: number
  relVolume: number
  tiers: number
  mask: number
  sector: number
}

function bitsOf(f: EventFacts): EventBits {
  return {
    confidence: f.confidence,
    priority: f.priorityRank,
    relVolume: f.relativeVolume ?? -Infinity,
    tiers: f.tierCount,
    mask: bit('tier', f.tier) | bit('direction', f.direction) | bit('kind', f.kind) | bit('regime', f.regime) | bit('quadrant', f.quadrant) | bit('session', f.session),
    sector: sectorBit(f.sector),
  }
}

/**
 * Every bucket's entries, sorted by confidence floor within each bucket, laid
 * out one bucket after another in typed arrays: a scan reads a few contiguous
 * arrays and touches an entry only when it passes. (One array per bucket
 * would cost more than the entries: most symbol x pattern buckets hold one.)
 */
class Arena<R> {
  readonly entries: Entry<R>[] = []
  readonly minConfidence: Float64Array
  readonly minPriority: Int8Array
  readonly minRelVolume: Float64Array
  readonly minTiers: Int8Array
  readonly mask: Int32Array
  readonly sectorMask: Int32Array
  private readonly starts: Int32Array
  private readonly ends: Int32Array

  /** `buckets`: each bucket's entries; bucket i is read by id i. */
  constructor(buckets: readonly (readonly Entry<R>[])[]) {
    const total = buckets.reduce((n, b) => n + b.length, 0)
    this.minConfidence = new Float64Array(total)
    this.minPriority = new Int8Array(total)
    this.minRelVolume = new Float64Array(total)
    this.minTiers = new Int8Array(total)
    this.mask = new Int32Array(total)
    this.sectorMask = new Int32Array(total)
    this.starts = new Int32Array(buckets.length)
    this.ends = new Int32Array(buckets.length)
    let at = 0
    buckets.forEach((bucket, id) => {
      this.starts[id] = at
      for (const e of bucket) {
        this.entries.push(e)
        this.minConfidence[at] = e.minConfidence
        this.minPriority[at] = e.minPriority
        this.minRelVolume[at] = e.minRelVolume
        this.minTiers[at] = e.minTiers
        this.mask[at] = e.mask
        this.sectorMask[at] = e.sectorMask
        at++
      }
      this.ends[id] = at
    })
  }

  size(id: number): number {
    return this.ends[id]! - this.starts[id]!
  }

  /** Push the entries of bucket `id` whose checks the event passes (floors sorted: stop at the first too high). */
  collect(id: number, b: EventBits, out: Entry<R>[]): void {
    const { minConfidence, minPriority, minRelVolume, minTiers, mask, sectorMask, entries } = this
    const end = this.ends[id]!
    for (let i = this.starts[id]!; i < end; i++) {
      if (minConfidence[i]! > b.confidence) break
      if ((b.mask & ~mask[i]!) === 0 && (b.sector & ~sectorMask[i]!) === 0 && minPriority[i]! <= b.priority && minRelVolume[i]! <= b.relVolume && minTiers[i]! <= b.tiers) out.push(entries[i]!)
    }
  }
}

const pairKey = (a: string, b: string): string => `${a}|${b}`

/** Where a rule is filed (none: it can never match). */
type Filing = 'symbolPattern' | 'symbol' | 'patternTier' | 'pattern' | 'tier' | 'always' | 'none'
/** A rule naming more symbol x pattern pairs than this is filed by symbol only. */
const MAX_PAIRS = 4000

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

export class RuleIndex<R extends IndexableRule = AlertRule> {
  // Key -> bucket id in the arena, per way of filing.
  private readonly bySymbolPattern = new Map<string, number>()
  private readonly bySymbol = new Map<string, number>()
  private readonly byPatternTier = new Map<string, number>()
  private readonly byPattern = new Map<string, number>()
  private readonly byTier = new Map<string, number>()
  private readonly always: number
  private readonly arena: Arena<R>
  /** Enabled rules indexed. */
  readonly size: number
  /** Rules that can never match (contradictory requirements), filed nowhere. */
  readonly unmatchable: number

  /** Enabled rules only: a disabled rule never fires. */
  constructor(rules: Iterable<R>) {
    const lists = {
      bySymbolPattern: new Map<string, Entry<R>[]>(),
      bySymbol: new Map<string, Entry<R>[]>(),
      byPatternTier: new Map<string, Entry<R>[]>(),
      byPattern: new Map<string, Entry<R>[]>(),
      byTier: new Map<string, Entry<R>[]>(),
    }
    const always: Entry<R>[] = []
    let seq = 0
    let unmatchable = 0
    for (const rule of rules) {
      if (!rule.enabled) continue
      const req = requiredOf(rule.when)
      const { symbols, keys, tiers } = req
      const filing: Filing = !satisfiable(req)
        ? 'none'
        : symbols && keys && symbols.size * keys.size <= MAX_PAIRS
          ? 'symbolPattern'
          : symbols
            ? 'symbol'
            : keys && tiers
              ? 'patternTier'
              : keys
                ? 'pattern'
                : tiers
                  ? 'tier'
                  : 'always'
      const entry: Entry<R> = {
        rule,
        node: compileRule(rule),
        seq: seq++,
        minConfidence: req.minConfidence,
        minPriority: req.minPriority,
        minRelVolume: req.minRelVolume,
        minTiers: req.minTiers,
        mask: req.mask,
        sectorMask: req.sectorMask,
        decided: decidedByIndex(rule.when, filing === 'symbolPattern' || filing === 'symbol', filing === 'symbolPattern' || filing === 'patternTier' || filing === 'pattern'),
      }
      switch (filing) {
        case 'none':
          unmatchable++
          break
        case 'symbolPattern':
          for (const s of symbols!) for (const k of keys!) push(lists.bySymbolPattern, pairKey(s, k), entry)
          break
        case 'symbol':
          for (const s of symbols!) push(lists.bySymbol, s, entry)
          break
        case 'patternTier':
          for (const k of keys!) for (const t of tiers!) push(lists.byPatternTier, pairKey(k, t), entry)
          break
        case 'pattern':
          for (const k of keys!) push(lists.byPattern, k, entry)
          break
        case 'tier':
          for (const t of tiers!) push(lists.byTier, t, entry)
          break
        case 'always':
          always.push(entry)
          break
        default:
          assertNever(filing)
      }
    }
    this.size = seq
    this.unmatchable = unmatchable
    const byFloor = (a: Entry<R>, b: Entry<R>): number => a.minConfidence - b.minConfidence || a.seq - b.seq
    const buckets: Entry<R>[][] = []
    const file = (from: Map<string, Entry<R>[]>, to: Map<string, number>): void => {
      for (const [k, list] of from) {
        to.set(k, buckets.length)
        buckets.push(list.sort(byFloor))
      }
    }
    file(lists.bySymbolPattern, this.bySymbolPattern)
    file(lists.bySymbol, this.bySymbol)
    file(lists.byPatternTier, this.byPatternTier)
    file(lists.byPattern, this.byPattern)
    file(lists.byTier, this.byTier)
    this.always = buckets.length
    buckets.push(always.sort(byFloor))
    this.arena = new Arena(buckets)
  }

  /** Rules checked on every event (no symbol, pattern name or tier required). */
  get alwaysChecked(): number {
    return this.arena.size(this.always)
  }

  /** The rules that could match `event` (those the index does not rule out), in rule order; each at most once. */
  candidates(event: PatternEvent, ctx: EvalContext): R[] {
    const out: Entry<R>[] = []
    this.collect(new EventFacts(event, ctx), out)
    return out.sort((a, b) => a.seq - b.seq).map((e) => e.rule)
  }

  /**
   * @internal the entries an event has to evaluate, pushed to `out`. A rule
   * sits in one bucket family and an event has one symbol, pattern key and
   * tier, so none comes twice.
   */
  collect(facts: EventFacts, out: Entry<R>[]): void {
    const b = bitsOf(facts)
    const arena = this.arena
    const ids = [
      this.bySymbolPattern.get(pairKey(facts.symbol, facts.key)),
      this.bySymbol.get(facts.symbol),
      this.byPatternTier.get(pairKey(facts.key, facts.tier)),
      this.byPattern.get(facts.key),
      this.byTier.get(facts.tier),
      this.always,
    ]
    for (const id of ids) if (id !== undefined) arena.collect(id, b, out)
  }
}

export interface RuleHit<R> {
  rule: R
  matched: string[]
}

/** Every indexed rule that matches `event`, in rule order, with the conditions that matched. */
export function matchEvent<R extends IndexableRule>(index: RuleIndex<R>, event: PatternEvent, ctx: EvalContext): RuleHit<R>[] {
  const facts = new EventFacts(event, ctx)
  const candidates: Entry<R>[] = []
  index.collect(facts, candidates)
  const hits: Entry<R>[] = []
  for (let i = 0; i < candidates.length; i++) {
    const e = candidates[i]!
    if (e.decided || testCompiled(e.node, facts)) hits.push(e)
  }
  if (hits.length > 1) hits.sort((a, b) => a.seq - b.seq)
  return hits.map((e) => ({ rule: e.rule, matched: explainCompiled(e.node, facts) }))
}
