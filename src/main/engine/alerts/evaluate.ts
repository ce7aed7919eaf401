/**
 * Pure rule evaluation: does a rule's condition tree match a pattern event,
 * and which conditions made it match, in a trader's words. No clock, no
 * state: the session comes from the event's detectedAt, the market from the
 * stamp the event carries, watchlists and the sector table from the context.
 *
 * A rule is compiled once (sets for its lists, cheap conditions first) and
 * the result memoized on its condition tree, so rules are treated as
 * immutable: an edited rule is a new object. Evaluation runs in two steps:
 * a test that answers yes/no without allocating, and only for a rule that
 * matched, its "matched" lines. The event's side of those lines is formatted
 * once per event (EventFacts), the rule's once per rule.
 *
 * Semantics worth knowing:
 * - A condition's lists are "any of"; an empty include list does not
 *   constrain. A pattern condition's names, kinds and directions must all hold
 *   when given ("bullish" + "candlestick" = bullish candlesticks).
 * - Market conditions (regime, risk, quadrant, sector) never match an event
 *   whose market data is missing, excludes included: "not in XLE" does not
 *   match a symbol whose sector nobody knows. The sector comes from the stamp;
 *   for events stored before stamping (market null), from ctx.sectorOf.
 * - Price and relative volume never match an event that lacks them.
 */
import type { Condition, ConditionGroup, TradingSession } from '../../../shared/alerts'
import { PRIORITIES, type PatternEvent, type Priority, type Tier } from '../../../shared/domain'
import { lookupPattern, patternDirection, type CatalogueEntry, type PatternDirection, type PatternKind } from '../../../shared/pattern-catalogue'
import { patternKey } from '../../../shared/patterns'
import { fmtConfidence, fmtPrice, fmtRelVolume, fmtRisk, sectorLabel, sessionWord } from '../../../shared/alert-describe'
import { assertNever } from '../../../shared/assert'
import { tradingSession } from './session'

/** What evaluation needs beyond the event. */
export interface EvalContext {
  /** Watchlist name -> its symbols (upper case). An unknown name is an empty list. */
  readonly watchlists: ReadonlyMap<string, ReadonlySet<string>>
  /** The sector fund of a symbol (the sector table), for events without a market stamp. */
  readonly sectorOf?: (symbol: string) => string | null
}

export interface RuleMatch {
  /** The conditions that made the rule match, as a trader reads them. */
  matched: string[]
}

// ---------------------------------------------------------------- pattern keys

const canonicalMemo = new Map<string, string>()
const CANONICAL_MEMO_MAX = 5000

/**
 * The key a pattern is compared by: the catalogue name's key for a known
 * pattern or alias (HOD and HighOfDay alike), else the normalized key.
 */
export function canonicalPatternKey(nameOrKey: string): string {
  const hit = canonicalMemo.get(nameOrKey)
  if (hit !== undefined) return hit
  const key = patternKey(nameOrKey)
  const entry = lookupPattern(nameOrKey, key)
  const canonical = entry ? patternKey(entry.name) : key
  if (canonicalMemo.size >= CANONICAL_MEMO_MAX) canonicalMemo.clear()
  canonicalMemo.set(nameOrKey, canonical)
  return canonical
}

// ---------------------------------------------------------------- event facts

/** Slots of the event's formatted values (EventFacts.text); pattern lines take 8 from `pattern` on. */
const TEXT = {
  tier: 0,
  symbol: 1,
  symbolNotExcluded: 2,
  sector: 3,
  confidence: 4,
  price: 5,
  relVolume: 6,
  confluence: 7,
  regime: 8,
  risk: 9,
  quadrant: 10,
  session: 11,
  pattern: 12,
} as const

const PRIORITY_RANK: Readonly<Record<Priority, number>> = Object.freeze(Object.fromEntries(PRIORITIES.map((p, i) => [p, i])) as Record<Priority, number>)

/**
 * What the conditions ask of an event, worked out once per event however many
 * rules look at it (the session and the sector only when a rule asks).
 */
export class EventFacts {
  readonly symbol: string
  readonly tier: Tier
  readonly confidence: number
  readonly priorityRank: number
  readonly price: number | null
  readonly relativeVolume: number | null
  readonly regime: string | null
  readonly risk: number | null
  readonly quadrant: string | null
  /** The pattern's canonical key (catalogue name's key for known patterns and aliases). */
  readonly key: string
  readonly entry: CatalogueEntry | null
  readonly direction: PatternDirection
  readonly kind: PatternKind | null
  private sessionValue: TradingSession | null | undefined = undefined
  private sectorValue: string | null | undefined = undefined
  private tierCountValue = 0

  constructor(
    readonly event: PatternEvent,
    readonly ctx: EvalContext,
  ) {
    this.symbol = event.symbol
    this.tier = event.tier
    this.confidence = event.confidence
    this.priorityRank = PRIORITY_RANK[event.priority] ?? -1
    this.price = event.price
    this.relativeVolume = event.relativeVolume
    const m = event.market
    this.regime = m ? m.regime : null
    this.risk = m ? m.risk : null
    this.quadrant = m ? m.quadrant : null
    this.key = canonicalPatternKey(event.patternKey)
    this.entry = lookupPattern(this.key, this.key)
    this.direction = this.entry ? this.entry.direction : patternDirection(event.patternKey, event.patternKey)
    this.kind = this.entry ? this.entry.kind : null
  }

  get patternName(): string {
    return this.entry ? this.entry.name : this.event.pattern
  }

  get session(): TradingSession | null {
    if (this.sessionValue === undefined) this.sessionValue = tradingSession(this.event.detectedAt)
    return this.sessionValue
  }

  get sector(): string | null {
    if (this.sectorValue === undefined) {
      const m = this.event.market
      this.sectorValue = m ? m.sector : (this.ctx.sectorOf?.(this.symbol) ?? null)
    }
    return this.sectorValue
  }

  private readonly texts: (string | undefined)[] = []

  /** The event's side of a matched line, formatted once per event however many rules match it. */
  text(slot: number): string {
    let t = this.texts[slot]
    if (t === undefined) {
      t = this.formatText(slot)
      this.texts[slot] = t
    }
    return t
  }

  private formatText(slot: number): string {
    if (slot >= TEXT.pattern) {
      // Pattern lines: bit 1 names, bit 2 kinds, bit 4 directions.
      const v = slot - TEXT.pattern
      const qual = [v & 4 ? this.direction : '', v & 2 ? this.kind! : ''].filter(Boolean).join(' ')
      if (v & 1) return qual ? `pattern ${this.patternName} (${qual})` : `pattern ${this.patternName}`
      return `${qual} pattern ${this.patternName}`
    }
    switch (slot) {
      case TEXT.tier:
        return `tier ${this.tier}`
      case TEXT.symbol:
        return `symbol ${this.symbol}`
      case TEXT.symbolNotExcluded:
        return `symbol ${this.symbol} (not excluded)`
      case TEXT.sector:
        return `sector ${sectorLabel(this.sector!)}`
      case TEXT.confidence:
        return `confidence ${fmtConfidence(this.confidence)}`
      case TEXT.price:
        return `price ${fmtPrice(this.price!)}`
      case TEXT.relVolume:
        return `relative volume ${fmtRelVolume(this.relativeVolume!)}`
      case TEXT.confluence:
        return `${this.tierCount} tiers within the window`
      case TEXT.regime:
        return `regime ${this.regime}`
      case TEXT.risk:
        return `risk ${fmtRisk(this.risk!)}`
      case TEXT.quadrant: {
        const sector = this.event.market?.sector
        return sector ? `${sector} ${this.quadrant}` : `quadrant ${this.quadrant}`
      }
      case TEXT.session:
        return `${sessionWord(this.session!)} session`
      default:
        return ''
    }
  }

  /** Distinct tiers the symbol hit within the window, the event's own included. */
  get tierCount(): number {
    if (this.tierCountValue === 0) {
      const c = this.event.confluence
      if (c.length === 0) this.tierCountValue = 1
      else {
        const tiers = new Set<Tier>(c)
        tiers.add(this.tier)
        this.tierCountValue = tiers.size
      }
    }
    return this.tierCountValue
  }
}

// ---------------------------------------------------------------- compiled rules
//
// Compiled conditions are one class with an op code, tested by one function
// with a switch: every call site sees one shape, which keeps the per-candidate
// cost to a few nanoseconds (closures per condition made the calls megamorphic).

const OP = {
  pattern: 0,
  tier: 1,
  symbol: 2,
  watchlist: 3,
  sector: 4,
  confidence: 5,
  priority: 6,
  price: 7,
  relVolume: 8,
  confluence: 9,
  regime: 10,
  risk: 11,
  quadrant: 12,
  session: 13,
} as const satisfies Record<Condition['kind'], number>

/** Rough cost of a test: an AND group tests cheap conditions first (it still lists them in the rule's order). */
const COST: Readonly<Record<Condition['kind'], number>> = {
  tier: 1,
  confidence: 1,
  priority: 1,
  price: 1,
  relVolume: 1,
  regime: 2,
  risk: 2,
  quadrant: 2,
  pattern: 3,
  symbol: 3,
  confluence: 4,
  sector: 5,
  session: 6,
  watchlist: 7,
}

/**
 * One compiled condition. The fields mean what the op says:
 * pattern: a = keys, b = kinds, c = directions; tier/regime/quadrant/session: a = the values;
 * symbol/sector: a = include, b = exclude; watchlist: lists = include, lists2 = exclude;
 * confidence/price/risk (exclusive)/relVolume/priority/confluence: min, max.
 */
class Leaf {
  readonly isGroup = false
  constructor(
    readonly op: number,
    readonly cond: Condition,
    readonly min: number,
    readonly max: number,
    readonly a: ReadonlySet<string> | null,
    readonly b: ReadonlySet<string> | null,
    readonly c: ReadonlySet<string> | null,
    readonly lists: readonly string[] | null,
    readonly lists2: readonly string[] | null,
    /** The rule's side of the matched line, formatted once ("  >= 0.80"). */
    readonly text: string,
  ) {}
}

/** A compiled group: `items` in the rule's order (for the matched lines), `leaves` cheapest first and `groups` (for the test). */
class Group {
  readonly isGroup = true
  /** For a tree of ANDs only: every condition in the rule's order (all of them are listed when it matches). */
  readonly flat: readonly Leaf[] | null
  constructor(
    readonly and: boolean,
    readonly items: readonly (Leaf | Group)[],
    readonly leaves: readonly Leaf[],
    readonly groups: readonly Group[],
  ) {
    this.flat = and && groups.every((g) => g.flat !== null) ? items.flatMap((it) => (it.isGroup ? it.flat! : [it])) : null
  }
}

/** A rule's conditions compiled for evaluation. */
export type CompiledRule = Group

function setOrNull(items: readonly string[] | undefined): ReadonlySet<string> | null {
  return items && items.length > 0 ? new Set(items) : null
}
const listOrNull = (items: readonly string[] | undefined): readonly string[] | null => (items && items.length > 0 ? items : null)

function bounds(min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return ` in ${fmt(min)}-${fmt(max)}`
  if (min !== undefined) return ` >= ${fmt(min)}`
  return max !== undefined ? ` <= ${fmt(max)}` : ''
}

function riskBounds(above: number | undefined, below: number | undefined): string {
  if (above !== undefined && below !== undefined) return ` between ${fmtRisk(above)} and ${fmtRisk(below)}`
  if (above !== undefined) return ` above ${fmtRisk(above)}`
  return below !== undefined ? ` below ${fmtRisk(below)}` : ''
}

/** The rule's side of a condition's matched line. */
function leafText(c: Condition): string {
  switch (c.kind) {
    case 'confidence':
      return bounds(c.min, c.max, fmtConfidence)
    case 'price':
      return bounds(c.min, c.max, fmtPrice)
    case 'relVolume':
      return ` >= ${fmtRelVolume(c.min)}`
    case 'risk':
      return riskBounds(c.above, c.below)
    case 'priority':
      return c.min
    case 'watchlist':
      return c.exclude ? c.exclude.join(', ') : ''
    default:
      return ''
  }
}

function compileCondition(c: Condition): Leaf {
  const text = leafText(c)
  const leaf = (min: number, max: number, a: ReadonlySet<string> | null = null, b: ReadonlySet<string> | null = null, cc: ReadonlySet<string> | null = null, lists: readonly string[] | null = null, lists2: readonly string[] | null = null): Leaf =>
    new Leaf(OP[c.kind], c, min, max, a, b, cc, lists, lists2, text)
  switch (c.kind) {
    case 'pattern':
      return leaf(0, 0, c.names && c.names.length > 0 ? new Set(c.names.map(canonicalPatternKey)) : null, setOrNull(c.kinds), setOrNull(c.directions))
    case 'tier':
      return leaf(0, 0, new Set(c.tiers))
    case 'symbol':
      return leaf(0, 0, setOrNull(c.include), setOrNull(c.exclude))
    case 'watchlist':
      return leaf(0, 0, null, null, null, listOrNull(c.include), listOrNull(c.exclude))
    case 'sector':
      return leaf(0, 0, setOrNull(c.include), setOrNull(c.exclude))
    case 'confidence':
    case 'price':
      return leaf(c.min ?? -Infinity, c.max ?? Infinity)
    case 'priority':
      return leaf(PRIORITY_RANK[c.min], Infinity)
    case 'relVolume':
      return leaf(c.min, Infinity)
    case 'confluence':
      return leaf(c.minTiers, Infinity)
    case 'regime':
    case 'quadrant':
    case 'session':
      return leaf(0, 0, new Set(c.in))
    case 'risk':
      return leaf(c.above ?? -Infinity, c.below ?? Infinity)
    default:
      return assertNever(c)
  }
}

function compileGroup(g: ConditionGroup): Group {
  const items = g.items.map((it) => (it.kind === 'group' ? compileGroup(it) : compileCondition(it)))
  const leaves = items.filter((it): it is Leaf => !it.isGroup).sort((x, y) => COST[x.cond.kind] - COST[y.cond.kind])
  const groups = items.filter((it): it is Group => it.isGroup)
  return new Group(g.op === 'and', items, leaves, groups)
}

function onAnyList(f: EventFacts, names: readonly string[]): string | null {
  for (let i = 0; i < names.length; i++) if (f.ctx.watchlists.get(names[i]!)?.has(f.symbol)) return names[i]!
  return null
}

function testLeaf(l: Leaf, f: EventFacts): boolean {
  switch (l.op) {
    case OP.confidence:
      return f.confidence >= l.min && f.confidence <= l.max
    case OP.tier:
      return l.a!.has(f.tier)
    case OP.pattern:
      return (l.a === null || l.a.has(f.key)) && (l.b === null || (f.kind !== null && l.b.has(f.kind))) && (l.c === null || l.c.has(f.direction))
    case OP.symbol:
      return (l.a === null || l.a.has(f.symbol)) && (l.b === null || !l.b.has(f.symbol))
    case OP.priority:
      return f.priorityRank >= l.min
    case OP.price:
      return f.price !== null && f.price >= l.min && f.price <= l.max
    case OP.relVolume:
      return f.relativeVolume !== null && f.relativeVolume >= l.min
    case OP.regime:
      return f.regime !== null && l.a!.has(f.regime)
    case OP.risk:
      return f.risk !== null && f.risk > l.min && f.risk < l.max
    case OP.quadrant:
      return f.quadrant !== null && l.a!.has(f.quadrant)
    case OP.confluence:
      return f.tierCount >= l.min
    case OP.sector: {
      const s = f.sector
      return s !== null && (l.a === null || l.a.has(s)) && (l.b === null || !l.b.has(s))
    }
    case OP.session: {
      const s = f.session
      return s !== null && l.a!.has(s)
    }
    case OP.watchlist:
      return (l.lists === null || onAnyList(f, l.lists) !== null) && (l.lists2 === null || onAnyList(f, l.lists2) === null)
    default:
      return false
  }
}

function testGroup(g: Group, f: EventFacts): boolean {
  const leaves = g.leaves
  const groups = g.groups
  if (g.and) {
    for (let i = 0; i < leaves.length; i++) if (!testLeaf(leaves[i]!, f)) return false
    for (let i = 0; i < groups.length; i++) if (!testGroup(groups[i]!, f)) return false
    return true
  }
  for (let i = 0; i < leaves.length; i++) if (testLeaf(leaves[i]!, f)) return true
  for (let i = 0; i < groups.length; i++) if (testGroup(groups[i]!, f)) return true
  return false
}

/** The matched line of a condition that matched: the event's side (formatted once per event) and the rule's (once per rule). */
function explainLeaf(l: Leaf, f: EventFacts): string {
  switch (l.op) {
    case OP.pattern:
      return f.text(TEXT.pattern + (l.a ? 1 : 0) + (l.b ? 2 : 0) + (l.c ? 4 : 0))
    case OP.tier:
      return f.text(TEXT.tier)
    case OP.symbol:
      return f.text(l.a ? TEXT.symbol : TEXT.symbolNotExcluded)
    case OP.watchlist:
      return l.lists ? `${f.symbol} on watchlist ${onAnyList(f, l.lists)}` : `${f.symbol} not on watchlist ${l.text}`
    case OP.sector:
      return f.text(TEXT.sector)
    case OP.confidence:
      return f.text(TEXT.confidence) + l.text
    case OP.priority:
      return f.event.priority === l.text ? `priority ${l.text}` : `priority ${f.event.priority} >= ${l.text}`
    case OP.price:
      return f.text(TEXT.price) + l.text
    case OP.relVolume:
      return f.text(TEXT.relVolume) + l.text
    case OP.confluence:
      return f.text(TEXT.confluence)
    case OP.regime:
      return f.text(TEXT.regime)
    case OP.risk:
      return f.text(TEXT.risk) + l.text
    case OP.quadrant:
      return f.text(TEXT.quadrant)
    case OP.session:
      return f.text(TEXT.session)
    default:
      return ''
  }
}

/** The matched lines of a group that matched: every item of an AND, every item of an OR that matched. */
function explainGroup(g: Group, f: EventFacts, out: string[]): void {
  for (const it of g.items) {
    if (it.isGroup) {
      if (g.and || testGroup(it, f)) explainGroup(it, f, out)
    } else if (g.and || testLeaf(it, f)) out.push(explainLeaf(it, f))
  }
}

const compiledByTree = new WeakMap<ConditionGroup, CompiledRule>()

/** The rule's conditions compiled (memoized on the condition tree: rules are immutable data). */
export function compileRule(rule: { readonly when: ConditionGroup }): CompiledRule {
  let compiled = compiledByTree.get(rule.when)
  if (!compiled) {
    compiled = compileGroup(rule.when)
    compiledByTree.set(rule.when, compiled)
  }
  return compiled
}

/** Whether a compiled rule matches, without building its matched lines. */
export function testCompiled(rule: CompiledRule, facts: EventFacts): boolean {
  return testGroup(rule, facts)
}

/** The matched lines of a compiled rule that testCompiled said matches. */
export function explainCompiled(rule: CompiledRule, facts: EventFacts): string[] {
  const flat = rule.flat
  if (flat === null) {
    const matched: string[] = []
    explainGroup(rule, facts, matched)
    return matched
  }
  const matched = new Array<string>(flat.length)
  for (let i = 0; i < flat.length; i++) matched[i] = explainLeaf(flat[i]!, facts)
  return matched
}

/** Evaluate a compiled rule on an event's facts: null when it does not match. */
export function evaluateCompiled(rule: CompiledRule, facts: EventFacts): RuleMatch | null {
  if (!testGroup(rule, facts)) return null
  return { matched: explainCompiled(rule, facts) }
}

/**
 * Whether `rule` matches `event`: null when it does not, else the conditions
 * that made it match ("pattern Hammer", "confidence 0.86 >= 0.80", "regime Bull").
 * An empty AND group matches everything (and lists nothing); an empty OR group nothing.
 */
export function evaluateRule(rule: { readonly when: ConditionGroup }, event: PatternEvent, ctx: EvalContext): RuleMatch | null {
  return evaluateCompiled(compileRule(rule), new EventFacts(event, ctx))
}

/** One condition on its own: the matched line, or null. */
export function evaluateCondition(c: Condition, event: PatternEvent, ctx: EvalContext): string | null {
  const leaf = compileCondition(c)
  const facts = new EventFacts(event, ctx)
  return testLeaf(leaf, facts) ? explainLeaf(leaf, facts) : null
}
