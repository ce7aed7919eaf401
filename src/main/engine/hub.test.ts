import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PUSH_FRAME_MS } from '../../shared/contract'
import { epochMs, priorityFor, type ConfluenceEvent, type PatternEvent, type Tier } from '../../shared/domain'
import { patternKey } from '../../shared/patterns'
import { PushHub } from './hub'
import type { EngineToHost } from './port'

type Push = Extract<EngineToHost, { t: 'push' }>

let nextId = 1
function event(over: Partial<PatternEvent> = {}): PatternEvent {
  const name = over.pattern ?? 'Doji'
  const confidence = over.confidence ?? 0.8
  const t = epochMs(Date.parse('2025-09-16T14:00:00Z'))
  return {
    id: nextId++,
    symbol: 'AAPL',
    pattern: name,
    patternKey: patternKey(name),
    tier: 'daily' as Tier,
    confidence,
    priority: priorityFor(confidence),
    detectedAt: t,
    receivedAt: t,
    expiresAt: epochMs(t + 3600_000),
    timeframe: null,
    price: null,
    changePct: null,
    relativeVolume: null,
    relativeStrength: null,
    levels: [],
    channel: 'demo',
    flowId: null,
    sessionId: null,
    confluence: [],
    market: null,
    ...over,
  }
}

const confluence = (symbol: string, id: number): ConfluenceEvent => ({
  id,
  symbol,
  tiers: ['daily', 'intraday'],
  eventIds: [1, 2],
  patterns: ['Doji', 'Hammer'],
  at: epochMs(0),
  confidence: 0.8,
})

let posted: EngineToHost[]
let hub: PushHub
const pushes = (): Push[] => posted.filter((m): m is Push => m.t === 'push')
/** Every subscription's share of every push, flattened. */
const parts = (): { cid: number; sid: number; topic: string; payload: unknown }[] =>
  pushes().flatMap((p) => p.parts.map((part) => ({ cid: p.cid, topic: p.topic, sid: part.sid, payload: part.payload })))
const frame = (): void => {
  vi.advanceTimersByTime(PUSH_FRAME_MS)
}
/** Ids delivered to (cid, sid), over every push so far. */
const delivered = (cid: number, sid: number): number[] =>
  parts()
    .filter((p) => p.cid === cid && p.sid === sid)
    .flatMap((p) => (p.payload as PatternEvent[]).map((e) => e.id))

beforeEach(() => {
  vi.useFakeTimers()
  posted = []
  hub = new PushHub((m) => posted.push(m))
})
afterEach(() => {
  hub.dispose()
  vi.useRealTimers()
})

describe('PushHub pattern filters', () => {
  it('delivers only the tiers asked for', () => {
    expect(hub.subscribe(1, 1, 'patterns', { tiers: ['intraday', 'combo'] })).toBeNull()
    const d = event({ tier: 'daily' })
    const i = event({ tier: 'intraday' })
    const c = event({ tier: 'combo' })
    hub.publishPatterns([d, i, c])
    frame()
    expect(delivered(1, 1)).toEqual([i.id, c.id])
  })

  it('delivers only the symbols asked for, whatever case the client used', () => {
    hub.subscribe(1, 1, 'patterns', { symbols: ['nvda', 'BRK.B'] })
    const a = event({ symbol: 'AAPL' })
    const n = event({ symbol: 'NVDA' })
    const b = event({ symbol: 'BRK.B' })
    hub.publishPatterns([a, n, b])
    frame()
    expect(delivered(1, 1)).toEqual([n.id, b.id])
  })

  it('confidenceMin is inclusive', () => {
    hub.subscribe(1, 1, 'patterns', { confidenceMin: 0.8 })
    const lo = event({ confidence: 0.79 })
    const eq = event({ confidence: 0.8 })
    const hi = event({ confidence: 0.95 })
    hub.publishPatterns([lo, eq, hi])
    frame()
    expect(delivered(1, 1)).toEqual([eq.id, hi.id])
  })

  it('matches patterns by alias: Weekly_Breakout matches WeeklyBO, DojiPattern matches Doji', () => {
    hub.subscribe(1, 1, 'patterns', { patterns: ['Weekly_Breakout', 'DojiPattern'] })
    const w = event({ pattern: 'WeeklyBO' })
    const d = event({ pattern: 'doji' })
    const h = event({ pattern: 'Hammer' })
    hub.publishPatterns([w, d, h])
    frame()
    expect(delivered(1, 1)).toEqual([w.id, d.id])
  })

  it('combines filters with AND', () => {
    hub.subscribe(1, 1, 'patterns', { tiers: ['intraday'], symbols: ['MSFT'], confidenceMin: 0.7, patterns: ['Hammer'] })
    const hit = event({ tier: 'intraday', symbol: 'MSFT', confidence: 0.75, pattern: 'Hammer' })
    hub.publishPatterns([
      event({ tier: 'daily', symbol: 'MSFT', confidence: 0.75, pattern: 'Hammer' }),
      event({ tier: 'intraday', symbol: 'AAPL', confidence: 0.75, pattern: 'Hammer' }),
      event({ tier: 'intraday', symbol: 'MSFT', confidence: 0.65, pattern: 'Hammer' }),
      event({ tier: 'intraday', symbol: 'MSFT', confidence: 0.75, pattern: 'Doji' }),
      hit,
    ])
    frame()
    expect(delivered(1, 1)).toEqual([hit.id])
  })

  it('an empty filter gets everything; each subscription gets its own selection', () => {
    hub.subscribe(1, 1, 'patterns', {})
    hub.subscribe(2, 1, 'patterns', { tiers: ['combo'] })
    const d = event({ tier: 'daily' })
    const c = event({ tier: 'combo' })
    hub.publishPatterns([d, c])
    frame()
    expect(delivered(1, 1)).toEqual([d.id, c.id])
    expect(delivered(2, 1)).toEqual([c.id])
  })

  it('a subscription with nothing matching gets no push at all', () => {
    hub.subscribe(1, 1, 'patterns', { symbols: ['TSLA'] })
    hub.publishPatterns([event({ symbol: 'AAPL' })])
    frame()
    expect(pushes()).toHaveLength(0)
  })

  it('re-subscribing with the same sid replaces the filter', () => {
    hub.subscribe(1, 1, 'patterns', { tiers: ['daily'] })
    hub.subscribe(1, 1, 'patterns', { tiers: ['intraday'] })
    expect(hub.subscriptionCount).toBe(1)
    const d = event({ tier: 'daily' })
    const i = event({ tier: 'intraday' })
    hub.publishPatterns([d, i])
    frame()
    expect(delivered(1, 1)).toEqual([i.id])
  })

  it('confluence subscriptions filter by symbol', () => {
    hub.subscribe(1, 1, 'confluence', { symbols: ['msft'] })
    hub.publishConfluence([confluence('AAPL', 1), confluence('MSFT', 2)])
    frame()
    expect(pushes()).toHaveLength(1)
    expect((parts()[0]!.payload as ConfluenceEvent[]).map((c) => c.id)).toEqual([2])
    expect(pushes()[0]!.topic).toBe('confluence')
  })
})

describe('PushHub coalescing', () => {
  it('100 events published within one frame arrive as one push per client and topic, in order', () => {
    hub.subscribe(1, 1, 'patterns', {})
    hub.subscribe(1, 2, 'patterns', { tiers: ['daily'] })
    hub.subscribe(2, 7, 'patterns', {})
    const evs = Array.from({ length: 100 }, () => event())
    for (const e of evs) hub.publishPatterns([e])
    expect(pushes()).toHaveLength(0) // nothing before the frame ends
    frame()
    // Client 1 has two subscriptions on the topic: one message carries both parts.
    expect(pushes().map((p) => [p.cid, p.parts.map((x) => x.sid)])).toEqual([
      [1, [1, 2]],
      [2, [7]],
    ])
    for (const [cid, sid] of [
      [1, 1],
      [1, 2],
      [2, 7],
    ] as const) {
      const mine = parts().filter((p) => p.cid === cid && p.sid === sid)
      expect(mine).toHaveLength(1)
      expect(mine[0]!.topic).toBe('patterns')
      expect(delivered(cid, sid)).toEqual(evs.map((e) => e.id))
    }
  })

  it('the next frame carries only what arrived after the previous push', () => {
    hub.subscribe(1, 1, 'patterns', {})
    const a = event()
    hub.publishPatterns([a])
    frame()
    const b = event()
    const c = event()
    hub.publishPatterns([b])
    hub.publishPatterns([c])
    frame()
    expect(parts().map((p) => (p.payload as PatternEvent[]).map((e) => e.id))).toEqual([[a.id], [b.id, c.id]])
    frame()
    expect(pushes()).toHaveLength(2) // idle frames send nothing
  })

  it('health merges to the latest snapshot in a frame', () => {
    hub.subscribe(1, 1, 'health', undefined)
    hub.publishLatest('health', { n: 1 })
    hub.publishLatest('health', { n: 2 })
    hub.publishLatest('health', { n: 3 })
    frame()
    expect(pushes()).toEqual([{ t: 'push', cid: 1, topic: 'health', parts: [{ sid: 1, payload: { n: 3 } }] }])
    frame()
    expect(pushes()).toHaveLength(1)
  })

  it('sendTo reaches one health subscription only', () => {
    hub.subscribe(1, 1, 'health', {})
    hub.subscribe(2, 1, 'health', {})
    hub.sendTo(2, 1, { hello: true })
    frame()
    expect(parts().map((p) => [p.cid, p.sid, p.payload])).toEqual([[2, 1, { hello: true }]])
  })

  it('keeps pending bounded per subscription for a slow client, keeping the newest', () => {
    hub.subscribe(1, 1, 'patterns', {})
    const evs = Array.from({ length: 12_000 }, () => event())
    for (let k = 0; k < evs.length; k += 100) hub.publishPatterns(evs.slice(k, k + 100))
    frame()
    expect(pushes()).toHaveLength(1)
    const got = delivered(1, 1)
    expect(got.length).toBeLessThan(evs.length)
    expect(got.length).toBeGreaterThan(0)
    expect(got).toEqual(evs.slice(evs.length - got.length).map((e) => e.id))
    expect(hub.droppedForSlowClients).toBeGreaterThan(0)
  })
})

describe('PushHub subscriptions', () => {
  it('an unknown topic is refused, naming the topic', () => {
    const err = hub.subscribe(1, 1, 'prices', {})
    expect(err?.code).toBe('bad_request')
    expect(err?.message).toMatch(/topic/)
    expect(err?.message).toContain('prices')
    expect(hub.subscriptionCount).toBe(0)
  })

  it.each([
    [{ confidenceMin: 1.5 }, 'confidenceMin'],
    [{ tiers: ['hourly'] }, 'tiers'],
    [{ symbols: ['AA PL'] }, 'symbols'],
    [{ patterns: 'Doji' }, 'patterns'],
  ])('a bad filter %j is refused, naming %s', (filter, field) => {
    const err = hub.subscribe(1, 1, 'patterns', filter)
    expect(err?.code).toBe('bad_request')
    expect(err?.message).toContain(field)
    expect(hub.subscriptionCount).toBe(0)
  })

  it('a bad filter leaves the existing subscription on that sid working', () => {
    hub.subscribe(1, 1, 'patterns', { tiers: ['daily'] })
    expect(hub.subscribe(1, 1, 'patterns', { confidenceMin: -1 })).not.toBeNull()
    const d = event({ tier: 'daily' })
    hub.publishPatterns([d])
    frame()
    expect(delivered(1, 1)).toEqual([d.id])
  })

  it('a health subscription refuses a filter', () => {
    expect(hub.subscribe(1, 1, 'health', { tiers: ['daily'] })?.code).toBe('bad_request')
  })

  it('clientGone removes every subscription of that client, including what was pending', () => {
    hub.subscribe(1, 1, 'patterns', {})
    hub.subscribe(1, 2, 'confluence', {})
    hub.subscribe(1, 3, 'health', {})
    hub.subscribe(2, 1, 'patterns', {})
    hub.publishPatterns([event()])
    hub.publishLatest('health', { n: 1 })
    hub.clientGone(1)
    expect(hub.subscriptionCount).toBe(1)
    expect(hub.hasSubscribers('health')).toBe(false)
    expect(hub.hasSubscribers('confluence')).toBe(false)
    const e = event()
    hub.publishPatterns([e])
    hub.publishConfluence([confluence('AAPL', 9)])
    hub.publishLatest('health', { n: 2 })
    frame()
    expect(pushes().every((p) => p.cid === 2)).toBe(true)
    expect(pushes()).toHaveLength(1)
  })

  it('unsubscribe stops one subscription only', () => {
    hub.subscribe(1, 1, 'patterns', {})
    hub.subscribe(1, 2, 'patterns', {})
    hub.unsubscribe(1, 1)
    const e = event()
    hub.publishPatterns([e])
    frame()
    expect(delivered(1, 1)).toEqual([])
    expect(delivered(1, 2)).toEqual([e.id])
  })
})
