/**
 * The rule editor's model, pure: a draft of a rule whose condition tree
 * carries a stable uid per node (React keys, drag and drop, errors that follow
 * a card when it moves), the tree edits the builder makes, the draft's
 * AlertRuleInput, local validation with the shared schema, and the mapping of
 * an issue path (local `when.items.1.min` or the engine's
 * `rule.when.items.1.min`) to the card it belongs to.
 */
import {
  alertRuleInputSchema,
  MAX_GROUP_DEPTH,
  MAX_GROUP_ITEMS,
  ruleActionsSchema,
  ruleNoiseSchema,
  type AlertRule,
  type AlertRuleInput,
  type Condition,
  type ConditionGroup,
  type ConditionKind,
  type RuleActions,
  type RuleNoise,
  type TradingSession,
} from '../../../../shared/alerts'
import { displayName } from '../../../../shared/patterns'
import { assertNever } from '../../../../shared/assert'
import { describeCondition, describeGroup, sessionWord } from '../../../../shared/alert-describe'

// ---------------------------------------------------------------- draft

export interface DraftCondition {
  uid: string
  kind: 'condition'
  condition: Condition
}

export interface DraftGroup {
  uid: string
  kind: 'group'
  op: 'and' | 'or'
  items: DraftNode[]
}

export type DraftNode = DraftCondition | DraftGroup

export interface RuleDraft {
  /** null for a rule not saved yet. */
  id: string | null
  name: string
  enabled: boolean
  when: DraftGroup
  actions: RuleActions
  noise: RuleNoise
}

let nextUid = 1
/** Uids only need to be unique within one window's drafts. */
export const newUid = (): string => `n${nextUid++}`

export function newDraft(): RuleDraft {
  return {
    id: null,
    name: '',
    enabled: true,
    when: { uid: newUid(), kind: 'group', op: 'and', items: [] },
    actions: ruleActionsSchema.parse({}),
    noise: ruleNoiseSchema.parse({}),
  }
}

function nodeFromInput(item: Condition | ConditionGroup): DraftNode {
  if (item.kind === 'group') return { uid: newUid(), kind: 'group', op: item.op, items: item.items.map(nodeFromInput) }
  return { uid: newUid(), kind: 'condition', condition: item }
}

export function draftFromRule(rule: AlertRule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    when: nodeFromInput(rule.when) as DraftGroup,
    actions: { ...rule.actions, webhooks: [...rule.actions.webhooks] },
    noise: { ...rule.noise, quietHours: rule.noise.quietHours ? { ...rule.noise.quietHours } : null },
  }
}

/** Optional "any of" lists: an empty one means the same as none, and the schema refuses some empty ones. */
const OPTIONAL_LISTS = ['names', 'kinds', 'directions', 'include', 'exclude'] as const

/** A condition as sent: undefined fields and empty optional lists dropped. */
export function cleanCondition(c: Condition): Condition {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined) continue
    if ((OPTIONAL_LISTS as readonly string[]).includes(k) && Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out as Condition
}

function groupToInput(g: DraftGroup): ConditionGroup {
  return { kind: 'group', op: g.op, items: g.items.map((n) => (n.kind === 'group' ? groupToInput(n) : cleanCondition(n.condition))) }
}

/** The draft as the contract takes it (`alerts.rules.save`, `alerts.rules.preview`). */
export function draftToInput(d: RuleDraft): AlertRuleInput {
  return {
    ...(d.id !== null ? { id: d.id } : {}),
    name: d.name,
    enabled: d.enabled,
    when: groupToInput(d.when),
    actions: d.actions,
    noise: d.noise,
  }
}

/** JSON with sorted keys: two drafts that send the same rule compare equal whatever order fields were set in. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]))
    }
    return value
  })
}

export const sameRule = (a: RuleDraft, b: RuleDraft): boolean => stableJson(draftToInput(a)) === stableJson(draftToInput(b))

// ---------------------------------------------------------------- condition kinds

export const CONDITION_LABEL: Record<ConditionKind, string> = {
  pattern: 'Pattern',
  tier: 'Tier',
  confluence: 'Confluence',
  symbol: 'Symbols',
  watchlist: 'Watchlist',
  sector: 'Sector',
  confidence: 'Confidence',
  priority: 'Priority',
  price: 'Price',
  relVolume: 'Relative volume',
  regime: 'Regime',
  risk: 'Risk on/off',
  quadrant: 'Rotation quadrant',
  session: 'Session',
}

export type PaletteGroup = 'Pattern' | 'Symbol' | 'Quality' | 'Market' | 'Time'

/** The builder's palette, grouped as a trader thinks of them; every kind once (checked in the tests). */
export const PALETTE: readonly { group: PaletteGroup; kinds: readonly ConditionKind[] }[] = [
  { group: 'Pattern', kinds: ['pattern', 'tier', 'confluence'] },
  { group: 'Symbol', kinds: ['symbol', 'watchlist', 'sector'] },
  { group: 'Quality', kinds: ['confidence', 'priority', 'price', 'relVolume'] },
  { group: 'Market', kinds: ['regime', 'risk', 'quadrant'] },
  { group: 'Time', kinds: ['session'] },
]

/**
 * A new condition of a kind. Lists a trader must choose start empty (the card
 * says so); thresholds start at a usual value so one click gives a valid rule.
 */
export function defaultCondition(kind: ConditionKind): Condition {
  switch (kind) {
    case 'pattern':
      return { kind, names: [] }
    case 'tier':
      return { kind, tiers: [] }
    case 'symbol':
      return { kind, include: [] }
    case 'watchlist':
      return { kind, include: [] }
    case 'sector':
      return { kind, include: [] }
    case 'confidence':
      return { kind, min: 0.8 }
    case 'priority':
      return { kind, min: 'HIGH' }
    case 'price':
      return { kind, min: 5 }
    case 'relVolume':
      return { kind, min: 2 }
    case 'confluence':
      return { kind, minTiers: 2 }
    case 'regime':
      // An empty set fails validation; starting from one value keeps the rule valid and its preview running.
      return { kind, in: ['Bull'] }
    case 'risk':
      return { kind, above: 0 }
    case 'quadrant':
      return { kind, in: ['Leading'] }
    case 'session':
      return { kind, in: ['regular'] }
    default:
      return assertNever(kind)
  }
}

export { assertNever }

export const isConditionKind = (s: unknown): s is ConditionKind => typeof s === 'string' && Object.hasOwn(CONDITION_LABEL, s)

// ---------------------------------------------------------------- tree edits (immutable; nodes addressed by uid)

/** Depth of a group counting itself (a group of conditions: 1). */
export function groupHeight(g: DraftGroup): number {
  let h = 1
  for (const n of g.items) if (n.kind === 'group') h = Math.max(h, 1 + groupHeight(n))
  return h
}

/** Where a node sits: its parent group, its index there and the depth of that parent (root: 1). */
export interface NodePlace {
  node: DraftNode
  parent: DraftGroup | null
  index: number
  /** Depth of the node if a group (root 1), or of its parent group for a condition. */
  depth: number
}

export function findNode(root: DraftGroup, uid: string): NodePlace | null {
  if (root.uid === uid) return { node: root, parent: null, index: -1, depth: 1 }
  const walk = (g: DraftGroup, depth: number): NodePlace | null => {
    for (let i = 0; i < g.items.length; i++) {
      const n = g.items[i]!
      if (n.uid === uid) return { node: n, parent: g, index: i, depth: n.kind === 'group' ? depth + 1 : depth }
      if (n.kind === 'group') {
        const hit = walk(n, depth + 1)
        if (hit) return hit
      }
    }
    return null
  }
  return walk(root, 1)
}

function mapGroup(g: DraftGroup, uid: string, fn: (g: DraftGroup) => DraftGroup): DraftGroup {
  if (g.uid === uid) return fn(g)
  let changed = false
  const items = g.items.map((n) => {
    if (n.kind !== 'group') return n
    const next = mapGroup(n, uid, fn)
    if (next !== n) changed = true
    return next
  })
  return changed ? { ...g, items } : g
}

function removeNode(g: DraftGroup, uid: string): DraftGroup {
  const i = g.items.findIndex((n) => n.uid === uid)
  if (i >= 0) return { ...g, items: g.items.filter((_, j) => j !== i) }
  let changed = false
  const items = g.items.map((n) => {
    if (n.kind !== 'group') return n
    const next = removeNode(n, uid)
    if (next !== n) changed = true
    return next
  })
  return changed ? { ...g, items } : g
}

function contains(g: DraftGroup, uid: string): boolean {
  return g.items.some((n) => n.uid === uid || (n.kind === 'group' && contains(n, uid)))
}

export type TreeEdit<T = DraftGroup> = { ok: true; root: T } | { ok: false; reason: string }

/** Whether a node can go into `groupUid`: depth, size, and never a group into itself. */
export function canPlace(root: DraftGroup, node: DraftNode, groupUid: string, moving: boolean): string | null {
  const target = findNode(root, groupUid)
  if (!target || target.node.kind !== 'group') return 'that group is gone'
  if (node.kind === 'group') {
    if (node.uid === groupUid || contains(node, groupUid)) return 'a group cannot go inside itself'
    if (target.depth + groupHeight(node) > MAX_GROUP_DEPTH) return `groups nest at most ${MAX_GROUP_DEPTH} deep`
  }
  const staying = moving && findNode(root, node.uid)?.parent?.uid === groupUid
  if (!staying && target.node.items.length >= MAX_GROUP_ITEMS) return `a group holds at most ${MAX_GROUP_ITEMS} items`
  return null
}

/** Insert a new node into a group at `index` (end when absent). */
export function insertNode(root: DraftGroup, groupUid: string, node: DraftNode, index?: number): TreeEdit {
  const refused = canPlace(root, node, groupUid, false)
  if (refused) return { ok: false, reason: refused }
  return {
    ok: true,
    root: mapGroup(root, groupUid, (g) => {
      const items = [...g.items]
      items.splice(index === undefined ? items.length : Math.max(0, Math.min(index, items.length)), 0, node)
      return { ...g, items }
    }),
  }
}

/**
 * Move a node into a group before the item at `index` as the group stands now
 * (end when absent): the index is taken before the node leaves its place.
 */
export function moveNode(root: DraftGroup, uid: string, groupUid: string, index?: number): TreeEdit {
  const from = findNode(root, uid)
  if (!from || !from.parent) return { ok: false, reason: 'nothing to move' }
  const refused = canPlace(root, from.node, groupUid, true)
  if (refused) return { ok: false, reason: refused }
  let at = index
  if (at !== undefined && from.parent.uid === groupUid && from.index < at) at -= 1
  const without = removeNode(root, uid)
  return insertNode(without, groupUid, from.node, at)
}

export function removeAt(root: DraftGroup, uid: string): DraftGroup {
  return removeNode(root, uid)
}

export function setGroupOp(root: DraftGroup, uid: string, op: 'and' | 'or'): DraftGroup {
  return mapGroup(root, uid, (g) => (g.op === op ? g : { ...g, op }))
}

export function replaceCondition(root: DraftGroup, uid: string, condition: Condition): DraftGroup {
  const place = findNode(root, uid)
  if (!place || !place.parent || place.node.kind !== 'condition') return root
  return mapGroup(root, place.parent.uid, (g) => ({ ...g, items: g.items.map((n) => (n.uid === uid ? { ...n, kind: 'condition' as const, condition } : n)) }))
}

/**
 * Keyboard moves of a card: up/down within its group, out (after its group,
 * in the group above) and in (to the start of the next group among its siblings).
 */
export function nudgeNode(root: DraftGroup, uid: string, direction: 'up' | 'down' | 'out' | 'in'): TreeEdit {
  const place = findNode(root, uid)
  if (!place || !place.parent) return { ok: false, reason: 'nothing to move' }
  const parent = place.parent
  switch (direction) {
    case 'up':
      if (place.index === 0) return { ok: false, reason: 'already first' }
      return moveNode(root, uid, parent.uid, place.index - 1)
    case 'down':
      if (place.index === parent.items.length - 1) return { ok: false, reason: 'already last' }
      return moveNode(root, uid, parent.uid, place.index + 2)
    case 'out': {
      const grand = findNode(root, parent.uid)
      if (!grand || !grand.parent) return { ok: false, reason: 'already in the outermost group' }
      return moveNode(root, uid, grand.parent.uid, grand.index + 1)
    }
    case 'in': {
      const next = parent.items.slice(place.index + 1).find((n): n is DraftGroup => n.kind === 'group')
      if (!next) return { ok: false, reason: 'no group after it' }
      return moveNode(root, uid, next.uid, 0)
    }
    default:
      return assertNever(direction)
  }
}

// ---------------------------------------------------------------- validation and error paths

/**
 * Where an error shows: `node:<uid>` (a card or group), `node:<uid>:<field>`
 * (a field of a card), or the dotted path of a rule field (`name`,
 * `noise.quietHours.from`).
 */
export type ErrorTarget = string
export type ErrorMap = Record<ErrorTarget, string>

/**
 * The target of an issue path, relative to the rule (`['when','items',1,'min']`)
 * or as the engine names it (`rule.when.items.1.min`). Indexes walk the draft
 * the rule was built from; one past what the draft holds stops at the deepest
 * node found.
 */
export function errorTarget(root: DraftGroup, rawPath: readonly (string | number)[] | string): ErrorTarget {
  let path: (string | number)[] = typeof rawPath === 'string' ? rawPath.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [...rawPath]
  if (path[0] === 'rule') path = path.slice(1)
  if (path[0] !== 'when') return path.join('.') || '(rule)'
  let node: DraftNode = root
  let i = 1
  while (node.kind === 'group' && path[i] === 'items' && typeof path[i + 1] === 'number') {
    const child: DraftNode | undefined = node.items[path[i + 1] as number]
    if (!child) break
    node = child
    i += 2
  }
  const rest = path.slice(i)
  return rest.length > 0 && node.kind === 'condition' ? `node:${node.uid}:${rest.join('.')}` : `node:${node.uid}`
}

const COMPARATORS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'below', '>': 'above' }

/** zod's generic wording in a trader's words ("Too big: expected number to be <=1" -> "at most 1"). */
export function friendlyMessage(message: string): string {
  const num = /^Too (?:big|small): expected number to be (<=|>=|<|>)\s*(.+)$/.exec(message)
  if (num) return `must be ${COMPARATORS[num[1]!]} ${num[2]}`
  const arr = /^Too small: expected array to have (>=|>)\s*1 items?$/.exec(message)
  if (arr) return 'pick at least one'
  const arrBig = /^Too big: expected array to have <=\s*(\d+) items?$/.exec(message)
  if (arrBig) return `at most ${arrBig[1]}`
  if (/^Invalid input: expected number, received NaN$/.test(message)) return 'not a number'
  if (/^Invalid input: expected number/.test(message)) return 'a number is needed'
  if (/^Invalid string: must match pattern/.test(message)) return 'not in the expected form'
  return message
}

export type Validation = { ok: true; input: AlertRuleInput } | { ok: false; input: AlertRuleInput; errors: ErrorMap }

/** The draft checked with the contract's schema, each message at the card or field it is about (the first per target). */
export function validateDraft(d: RuleDraft): Validation {
  const input = draftToInput(d)
  const parsed = alertRuleInputSchema.safeParse(input)
  if (parsed.success) return { ok: true, input }
  const errors: ErrorMap = {}
  for (const issue of parsed.error.issues) {
    const t = errorTarget(d.when, issue.path as (string | number)[])
    errors[t] ??= friendlyMessage(issue.message)
  }
  return { ok: false, input, errors }
}

/** The engine's per-field messages (`fields` of a bad_request), at the targets they name in the draft that was sent. */
export function engineErrors(sent: RuleDraft, fields: Record<string, string>): ErrorMap {
  const errors: ErrorMap = {}
  for (const [path, message] of Object.entries(fields)) errors[errorTarget(sent.when, path)] ??= friendlyMessage(message)
  return errors
}

/** The current value an error target points at, to tell whether the trader changed it since the error came. */
export function valueAtTarget(d: RuleDraft, target: ErrorTarget): string {
  if (target.startsWith('node:')) {
    const [, uid, field] = target.split(':')
    const place = findNode(d.when, uid!)
    if (!place) return 'gone'
    if (place.node.kind === 'group') return stableJson(groupToInput(place.node))
    const c = place.node.condition as Record<string, unknown>
    return stableJson(field ? c[field.split('.')[0]!] : c)
  }
  let v: unknown = draftToInput(d)
  for (const p of target.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined
  return stableJson(v ?? null)
}

/** The messages about one card: the card's own and its fields' (field name first). */
export function messagesFor(errors: ErrorMap, uid: string): string[] {
  const own = `node:${uid}`
  const out: string[] = []
  for (const [t, m] of Object.entries(errors)) {
    if (t === own) out.push(m)
    else if (t.startsWith(`${own}:`)) out.push(`${fieldLabel(t.slice(own.length + 1))}: ${m}`)
  }
  return out
}

const FIELD_LABEL: Record<string, string> = {
  min: 'minimum',
  max: 'maximum',
  above: 'above',
  below: 'below',
  names: 'patterns',
  kinds: 'kinds',
  directions: 'directions',
  include: 'include',
  exclude: 'exclude',
  tiers: 'tiers',
  in: 'choice',
  minTiers: 'tiers',
}

function fieldLabel(field: string): string {
  const [head, index] = field.split('.')
  const label = FIELD_LABEL[head!] ?? head!
  return index !== undefined ? `${label} #${Number(index) + 1}` : label
}

// ---------------------------------------------------------------- words

// One wording for the editor, the engine's history and the rule list (src/shared/alert-describe.ts).
export { describeCondition, describeGroup, sessionWord }

/**
 * A saved rule's draft with the uids of the draft it was saved from, where
 * the tree kept its shape: cards keep their identity (and their open pickers)
 * across a save while taking the engine's normalised values (upper-cased
 * symbols, trimmed names).
 */
export function adoptUids(next: RuleDraft, from: RuleDraft): RuleDraft {
  const adopt = (n: DraftNode, o: DraftNode | undefined): DraftNode => {
    if (!o || o.kind !== n.kind) return n
    if (n.kind === 'group' && o.kind === 'group') return { ...n, uid: o.uid, items: n.items.map((c, i) => adopt(c, o.items[i])) }
    return { ...n, uid: o.uid }
  }
  return { ...next, when: adopt(next.when, from.when) as DraftGroup }
}

/** A stored rule as the save request takes it (its stamps dropped). */
export const ruleToInput = (rule: AlertRule): AlertRuleInput => draftToInput(draftFromRule(rule))
