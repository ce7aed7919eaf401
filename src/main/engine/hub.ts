/**
 * Pushes to clients: each subscription carries a filter, so a client gets only
 * what it asked for; pushes are coalesced into at most one message per topic
 * per client per frame (PUSH_FRAME_MS). Pending data per subscription is bounded.
 */
import { PUSH_FRAME_MS, topicDefs, type ContractError, type PatternFilter, type PushPart, type TopicName } from '../../shared/contract'
import type { Bar, BarTimeframe, ConfluenceEvent, PatternEvent, Tier } from '../../shared/domain'
import { patternKey } from '../../shared/patterns'
import type { EngineToHost } from './port'

/** At most this many events wait for one subscription's next frame; older ones are dropped (the client can page them from the store). */
const MAX_PENDING_PER_SUB = 5000

interface PatternMatcher {
  tiers: Set<Tier> | null
  symbols: Set<string> | null
  confidenceMin: number
  patternKeys: Set<string> | null
}

interface Subscription {
  cid: number
  sid: number
  topic: TopicName
  matcher: PatternMatcher | null
  symbols: Set<string> | null
  /** bars: `SYMBOL|timeframe` */
  barKey: string | null
  pending: unknown[] | null
  latest: unknown
  hasLatest: boolean
}

export class PushHub {
  private readonly subs = new Map<string, Subscription>()
  private readonly byTopic: Record<TopicName, Set<Subscription>> = { patterns: new Set(), confluence: new Set(), health: new Set(), bars: new Set(), market: new Set(), alerts: new Set(), alertsUnread: new Set(), alertRules: new Set() }
  private readonly dirty = new Set<Subscription>()
  private timer: ReturnType<typeof setTimeout> | null = null
  droppedForSlowClients = 0

  constructor(private readonly post: (m: EngineToHost) => void) {}

  /** Register (or replace) a subscription; returns an error for a bad topic/filter. */
  subscribe(cid: number, sid: number, topic: string, filter: unknown): ContractError | null {
    if (!Object.hasOwn(topicDefs, topic)) return { code: 'bad_request', message: `unknown topic ${JSON.stringify(topic).slice(0, 64)}` }
    const t = topic as TopicName
    const parsed = topicDefs[t].filter.safeParse(filter ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return { code: 'bad_request', message: `invalid filter for ${t}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad input'}` }
    }
    this.unsubscribe(cid, sid)
    const f = parsed.data as Record<string, unknown>
    const sub: Subscription = {
      cid,
      sid,
      topic: t,
      matcher: t === 'patterns' ? toMatcher(f as PatternFilter) : null,
      symbols: t === 'confluence' && Array.isArray(f.symbols) && f.symbols.length > 0 ? new Set(f.symbols as string[]) : null,
      barKey: t === 'bars' ? `${f.symbol as string}|${f.timeframe as string}` : null,
      pending: null,
      latest: undefined,
      hasLatest: false,
    }
    this.subs.set(`${cid}:${sid}`, sub)
    this.byTopic[t].add(sub)
    return null
  }

  unsubscribe(cid: number, sid: number): void {
    const key = `${cid}:${sid}`
    const sub = this.subs.get(key)
    if (!sub) return
    this.subs.delete(key)
    this.byTopic[sub.topic].delete(sub)
    this.dirty.delete(sub)
  }

  clientGone(cid: number): void {
    for (const sub of [...this.subs.values()]) if (sub.cid === cid) this.unsubscribe(cid, sub.sid)
  }

  /** Live subscriptions, over all clients (leak checks). */
  get subscriptionCount(): number {
    return this.subs.size
  }

  hasSubscribers(topic: TopicName): boolean {
    return this.byTopic[topic].size > 0
  }

  publishPatterns(events: PatternEvent[]): void {
    if (events.length === 0) return
    for (const sub of this.byTopic.patterns) {
      const m = sub.matcher!
      for (const e of events) if (matches(m, e)) this.append(sub, e)
    }
  }

  /** New and updated alerts: every subscriber gets them (one trader, every window). */
  publishAlerts(alerts: readonly unknown[]): void {
    if (alerts.length === 0) return
    for (const sub of this.byTopic.alerts) for (const a of alerts) this.append(sub, a)
  }

  publishConfluence(events: ConfluenceEvent[]): void {
    if (events.length === 0) return
    for (const sub of this.byTopic.confluence) for (const e of events) if (!sub.symbols || sub.symbols.has(e.symbol)) this.append(sub, e)
  }

  /** The (symbol, timeframe) pairs some client is charting. */
  barKeys(): { symbol: string; timeframe: BarTimeframe }[] {
    const keys = new Set<string>()
    for (const sub of this.byTopic.bars) keys.add(sub.barKey!)
    return [...keys].map((k) => {
      const [symbol, timeframe] = k.split('|') as [string, BarTimeframe]
      return { symbol, timeframe }
    })
  }

  publishBars(symbol: string, timeframe: BarTimeframe, bars: Bar[]): void {
    if (bars.length === 0) return
    const key = `${symbol}|${timeframe}`
    for (const sub of this.byTopic.bars) if (sub.barKey === key) for (const b of bars) this.append(sub, b)
  }

  /** Snapshot topics: only the latest value in a frame is sent. */
  publishLatest(topic: 'health' | 'market' | 'alertsUnread' | 'alertRules', payload: unknown): void {
    for (const sub of this.byTopic[topic]) {
      sub.latest = payload
      sub.hasLatest = true
      this.markDirty(sub)
    }
  }

  /** Send one snapshot to a single subscription (e.g. right after it subscribes). */
  sendTo(cid: number, sid: number, payload: unknown): void {
    const sub = this.subs.get(`${cid}:${sid}`)
    if (!sub) return
    sub.latest = payload
    sub.hasLatest = true
    this.markDirty(sub)
  }

  private append(sub: Subscription, item: unknown): void {
    if (!sub.pending) sub.pending = []
    sub.pending.push(item)
    if (sub.pending.length > MAX_PENDING_PER_SUB) {
      sub.pending.splice(0, sub.pending.length - MAX_PENDING_PER_SUB)
      this.droppedForSlowClients++
    }
    this.markDirty(sub)
  }

  private markDirty(sub: Subscription): void {
    this.dirty.add(sub)
    if (!this.timer) this.timer = setTimeout(() => this.flush(), PUSH_FRAME_MS)
  }

  /** One push per (client, topic) with every dirty subscription's part. */
  flush(): void {
    this.timer = null
    const frames = new Map<string, { cid: number; topic: TopicName; parts: PushPart[] }>()
    for (const sub of this.dirty) {
      let payload: unknown
      if (topicDefs[sub.topic].merge === 'append') {
        if (!sub.pending || sub.pending.length === 0) continue
        payload = sub.pending
        sub.pending = null
      } else {
        if (!sub.hasLatest) continue
        payload = sub.latest
        sub.latest = undefined
        sub.hasLatest = false
      }
      const key = `${sub.cid}:${sub.topic}`
      let frame = frames.get(key)
      if (!frame) frames.set(key, (frame = { cid: sub.cid, topic: sub.topic, parts: [] }))
      frame.parts.push({ sid: sub.sid, payload })
    }
    this.dirty.clear()
    for (const f of frames.values()) this.post({ t: 'push', cid: f.cid, topic: f.topic, parts: f.parts })
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.subs.clear()
    this.dirty.clear()
    for (const s of Object.values(this.byTopic)) s.clear()
  }
}

function toMatcher(f: PatternFilter): PatternMatcher {
  return {
    tiers: f.tiers && f.tiers.length > 0 ? new Set(f.tiers) : null,
    symbols: f.symbols && f.symbols.length > 0 ? new Set(f.symbols) : null,
    confidenceMin: f.confidenceMin ?? 0,
    patternKeys: f.patterns && f.patterns.length > 0 ? new Set(f.patterns.map(patternKey)) : null,
  }
}

export function matches(m: PatternMatcher, e: PatternEvent): boolean {
  return (
    e.confidence >= m.confidenceMin &&
    (m.tiers === null || m.tiers.has(e.tier)) &&
    (m.symbols === null || m.symbols.has(e.symbol)) &&
    (m.patternKeys === null || m.patternKeys.has(e.patternKey))
  )
}
