import { describe, expect, it } from 'vitest'
import { CONDITION_KINDS, MAX_GROUP_DEPTH } from '../../../../shared/alerts'
import { PATTERN_CATALOGUE } from '../../../../shared/pattern-catalogue'
import { storedRule } from './alert-fixtures'
import { nyDate, nyDateOfEnd, nyEndOfDay } from './ny-time'
import { genericGlyph, glyphFor } from './pattern-glyph'
import {
  adoptUids,
  defaultCondition,
  describeGroup,
  draftFromRule,
  draftToInput,
  engineErrors,
  errorTarget,
  friendlyMessage,
  insertNode,
  messagesFor,
  moveNode,
  newDraft,
  newUid,
  nudgeNode,
  PALETTE,
  sameRule,
  validateDraft,
  type DraftCondition,
  type DraftGroup,
  type RuleDraft,
} from './rule-model'

const cond = (c: DraftCondition['condition']): DraftCondition => ({ uid: newUid(), kind: 'condition', condition: c })
const group = (op: 'and' | 'or', items: DraftGroup['items']): DraftGroup => ({ uid: newUid(), kind: 'group', op, items })
const ok = <T>(e: { ok: true; root: T } | { ok: false; reason: string }): T => {
  if (!e.ok) throw new Error(e.reason)
  return e.root
}
const kinds = (g: DraftGroup): unknown[] => g.items.map((n) => (n.kind === 'group' ? { [n.op]: kinds(n) } : n.condition.kind))

describe('rule draft tree', () => {
  it('the palette offers every condition kind exactly once, in five groups', () => {
    const listed = PALETTE.flatMap((g) => g.kinds)
    expect([...listed].sort()).toEqual([...CONDITION_KINDS].sort())
    expect(PALETTE.map((g) => g.group)).toEqual(['Pattern', 'Symbol', 'Quality', 'Market', 'Time'])
    for (const k of CONDITION_KINDS) expect(defaultCondition(k).kind).toBe(k)
    // Set conditions with no natural "any" start on one value, so a new card is a valid rule.
    expect(defaultCondition('regime')).toEqual({ kind: 'regime', in: ['Bull'] })
    expect(defaultCondition('quadrant')).toEqual({ kind: 'quadrant', in: ['Leading'] })
  })

  it('moves a node into another group, before an index taken as the group stood', () => {
    const a = cond({ kind: 'tier', tiers: ['daily'] })
    const b = cond({ kind: 'regime', in: ['Bull'] })
    const c = cond({ kind: 'session', in: ['regular'] })
    const inner = group('or', [])
    const root = group('and', [a, b, inner, c])
    const moved = ok(moveNode(root, a.uid, inner.uid))
    expect(kinds(moved)).toEqual(['regime', { or: ['tier'] }, 'session'])
    // Within one group: before index 3 (c) as it stands, so a lands between inner and c.
    expect(kinds(ok(moveNode(root, a.uid, root.uid, 3)))).toEqual(['regime', { or: [] }, 'tier', 'session'])
    expect(kinds(ok(moveNode(root, c.uid, root.uid, 0)))).toEqual(['session', 'tier', 'regime', { or: [] }])
  })

  it('refuses a group inside itself and nesting deeper than the limit', () => {
    let deepest = group('and', [])
    const chain = [deepest]
    for (let i = 1; i < MAX_GROUP_DEPTH; i++) {
      deepest = group(i % 2 ? 'or' : 'and', [deepest])
      chain.push(deepest)
    }
    const root = deepest
    const innermost = chain[0]!
    expect(insertNode(root, innermost.uid, group('or', []))).toEqual({ ok: false, reason: `groups nest at most ${MAX_GROUP_DEPTH} deep` })
    expect(insertNode(root, innermost.uid, cond({ kind: 'tier', tiers: ['daily'] })).ok).toBe(true)
    const middle = chain[2]!
    expect(moveNode(root, middle.uid, innermost.uid)).toEqual({ ok: false, reason: 'a group cannot go inside itself' })
  })

  it('keyboard moves: up, down, out of the group, into the next group', () => {
    const a = cond({ kind: 'tier', tiers: ['daily'] })
    const b = cond({ kind: 'regime', in: ['Bull'] })
    const x = cond({ kind: 'price', min: 5 })
    const inner = group('or', [x])
    const root = group('and', [a, b, inner])
    expect(kinds(ok(nudgeNode(root, a.uid, 'down')))).toEqual(['regime', 'tier', { or: ['price'] }])
    expect(kinds(ok(nudgeNode(root, b.uid, 'up')))).toEqual(['regime', 'tier', { or: ['price'] }])
    expect(kinds(ok(nudgeNode(root, b.uid, 'in')))).toEqual(['tier', { or: ['regime', 'price'] }])
    expect(kinds(ok(nudgeNode(root, x.uid, 'out')))).toEqual(['tier', 'regime', { or: [] }, 'price'])
    expect(nudgeNode(root, a.uid, 'up').ok).toBe(false)
    expect(nudgeNode(root, a.uid, 'out').ok).toBe(false)
  })
})

describe('draft <-> rule input', () => {
  it('drops empty optional lists and keeps the order of the tree', () => {
    const d: RuleDraft = { ...newDraft(), name: 'x' }
    d.when = group('and', [cond({ kind: 'pattern', names: ['Hammer'], kinds: undefined }), cond({ kind: 'symbol', include: ['AAPL'], exclude: [] })])
    expect(draftToInput(d).when).toEqual({
      kind: 'group',
      op: 'and',
      items: [
        { kind: 'pattern', names: ['Hammer'] },
        { kind: 'symbol', include: ['AAPL'] },
      ],
    })
  })

  it('round-trips a stored rule (stamps dropped) and compares drafts by what they send', () => {
    const rule = storedRule('r1')
    const d = draftFromRule(rule)
    expect(draftToInput(d)).toEqual({ id: 'r1', name: 'Rule r1', enabled: true, when: rule.when, actions: rule.actions, noise: rule.noise })
    expect(sameRule(d, draftFromRule(rule))).toBe(true)
    expect(sameRule(d, { ...d, name: 'other' })).toBe(false)
    const again = adoptUids(draftFromRule(rule), d)
    expect(again.when.uid).toBe(d.when.uid)
    expect(again.when.items[0]!.uid).toBe(d.when.items[0]!.uid)
  })
})

describe('validation and error paths', () => {
  it("maps local and engine paths to the card, the field, or the rule's field", () => {
    const a = cond({ kind: 'confidence', min: 0.8 })
    const x = cond({ kind: 'price', min: 5 })
    const inner = group('or', [x])
    const root = group('and', [a, inner])
    expect(errorTarget(root, ['when', 'items', 0, 'min'])).toBe(`node:${a.uid}:min`)
    expect(errorTarget(root, 'rule.when.items.1.items.0.max')).toBe(`node:${x.uid}:max`)
    expect(errorTarget(root, 'rule.when.items.1.items.0')).toBe(`node:${x.uid}`)
    expect(errorTarget(root, 'rule.when.items.1')).toBe(`node:${inner.uid}`)
    expect(errorTarget(root, 'rule.when')).toBe(`node:${root.uid}`)
    // An index past what the draft holds stops at the deepest node found.
    expect(errorTarget(root, 'rule.when.items.1.items.7.min')).toBe(`node:${inner.uid}`)
    expect(errorTarget(root, 'rule.noise.quietHours.from')).toBe('noise.quietHours.from')
    expect(errorTarget(root, ['name'])).toBe('name')
  })

  it("validates with the contract's schema, each message at its card in a trader's words", () => {
    const conf = cond({ kind: 'confidence', min: 1.5 })
    const price = cond({ kind: 'price', min: 10, max: 5 })
    const pattern = cond({ kind: 'pattern', names: [] })
    const d: RuleDraft = { ...newDraft(), when: group('and', [conf, price, pattern]) }
    const v = validateDraft(d)
    expect(v.ok).toBe(false)
    if (v.ok) return
    expect(v.errors.name).toBe('a rule needs a name')
    expect(messagesFor(v.errors, conf.uid)).toEqual(['minimum: must be at most 1'])
    expect(messagesFor(v.errors, price.uid)).toEqual(['the minimum is above the maximum'])
    expect(messagesFor(v.errors, pattern.uid)).toEqual(['a pattern condition needs names, kinds or directions'])
  })

  it('engine errors land on the cards of the draft that was sent', () => {
    const a = cond({ kind: 'confidence', min: 0.8 })
    const b = cond({ kind: 'relVolume', min: 2 })
    const d: RuleDraft = { ...newDraft(), name: 'x', when: group('and', [a, b]) }
    expect(engineErrors(d, { 'rule.when.items.1.min': 'Too big: expected number to be <=1000', 'rule.name': 'taken' })).toEqual({ [`node:${b.uid}:min`]: 'must be at most 1000', name: 'taken' })
  })

  it("words zod's generic messages", () => {
    expect(friendlyMessage('Too small: expected number to be >0')).toBe('must be above 0')
    expect(friendlyMessage('Too small: expected array to have >=1 items')).toBe('pick at least one')
    expect(friendlyMessage('a rule needs a name')).toBe('a rule needs a name')
  })

  it('summarises a rule in one line', () => {
    const when = {
      kind: 'group' as const,
      op: 'and' as const,
      items: [
        { kind: 'pattern' as const, names: ['Hammer', 'ShootingStar'] },
        { kind: 'tier' as const, tiers: ['intraday' as const] },
        { kind: 'group' as const, op: 'or' as const, items: [{ kind: 'regime' as const, in: ['Bull' as const] }, { kind: 'confidence' as const, min: 0.9 }] },
      ],
    }
    expect(describeGroup(when)).toBe('Hammer or ShootingStar, intraday, (in Bull or confidence >= 0.90)')
    expect(describeGroup({ kind: 'group', op: 'and', items: [] })).toBe('every event')
  })
})

describe('pattern glyphs', () => {
  it('draws candles for the main candlesticks and a sketch for every other pattern', () => {
    for (const name of ['Doji', 'Hammer', 'ShootingStar', 'BullishEngulfing', 'BearishEngulfing', 'MorningStar', 'EveningStar']) {
      const e = PATTERN_CATALOGUE.find((x) => x.name === name)!
      expect(glyphFor(e).type).toBe('candles')
    }
    for (const e of PATTERN_CATALOGUE) expect(['candles', 'line', 'volume']).toContain(glyphFor(e).type)
    expect(glyphFor(PATTERN_CATALOGUE.find((x) => x.name === 'HeadAndShoulders')!).type).toBe('line')
    expect(genericGlyph('volume', 'neutral').type).toBe('volume')
    // A bearish generic sketch is the bullish one upside down.
    const up = genericGlyph('trend', 'bullish')
    const down = genericGlyph('trend', 'bearish')
    if (up.type !== 'line' || down.type !== 'line') throw new Error('lines expected')
    expect(down.points.map(([, y]) => y)).toEqual(up.points.map(([, y]) => 20 - y))
  })

  it('the Hammer closes near its high with a long lower shadow', () => {
    const g = glyphFor(PATTERN_CATALOGUE.find((x) => x.name === 'Hammer')!)
    if (g.type !== 'candles') throw new Error('candles expected')
    const [o, h, l, c] = g.candles.at(-1)!
    expect(h - Math.max(o, c)).toBeLessThan(Math.abs(c - o) + 0.01)
    expect(Math.min(o, c) - l).toBeGreaterThan(2 * Math.abs(c - o))
  })
})

describe('New York dates', () => {
  it('an expiry date ends at the next New York midnight, summer and winter', () => {
    const summer = nyEndOfDay('2026-07-04')!
    expect(new Date(summer).toISOString()).toBe('2026-07-05T04:00:00.000Z')
    const winter = nyEndOfDay('2026-12-24')!
    expect(new Date(winter).toISOString()).toBe('2026-12-25T05:00:00.000Z')
    // The day the clocks go back (2026-11-01): midnight after it is EST.
    expect(new Date(nyEndOfDay('2026-11-01')!).toISOString()).toBe('2026-11-02T05:00:00.000Z')
    expect(nyDateOfEnd(summer)).toBe('2026-07-04')
    expect(nyDate(summer)).toBe('2026-07-05')
    expect(nyEndOfDay('nope')).toBeNull()
  })
})
