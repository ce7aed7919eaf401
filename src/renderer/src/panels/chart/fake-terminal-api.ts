/**
 * Test double of the TerminalApi for panel tests: answers requests from
 * handlers the test sets, records calls, holds subscriptions the test can push
 * to, and reports connection changes on demand. Not used by the app.
 */
import {
  fail,
  ok,
  type RequestName,
  type RequestParams,
  type RequestResult,
  type Result,
  type TerminalApi,
  type TopicFilter,
  type TopicName,
  type TopicPayload,
} from '../../../../shared/contract'
import { BAR_TIMEFRAME_MS, epochMs, type Bar, type BarTimeframe } from '../../../../shared/domain'

type Handler<K extends RequestName> = (params: RequestParams<K>) => Result<RequestResult<K>> | Promise<Result<RequestResult<K>>>

interface FakeSub {
  topic: TopicName
  filter: unknown
  listener: (payload: never) => void
  active: boolean
}

export class FakeTerminalApi implements TerminalApi {
  readonly host = 'browser' as const
  readonly calls: { method: RequestName; params: unknown }[] = []
  readonly subs: FakeSub[] = []
  private readonly handlers = new Map<RequestName, Handler<RequestName>>()
  private readonly connection = new Set<(state: 'open' | 'closed') => void>()

  handle<K extends RequestName>(method: K, fn: Handler<K>): this {
    this.handlers.set(method, fn as unknown as Handler<RequestName>)
    return this
  }

  /** Answer `method` with this value every time. */
  answer<K extends RequestName>(method: K, value: RequestResult<K>): this {
    return this.handle(method, () => ok(value))
  }

  invoke<K extends RequestName>(method: K, params: RequestParams<K>): Promise<Result<RequestResult<K>>> {
    this.calls.push({ method, params })
    const h = this.handlers.get(method) as Handler<K> | undefined
    return Promise.resolve(h ? h(params) : fail('unavailable', `no fake handler for ${method}`))
  }

  subscribe<T extends TopicName>(topic: T, filter: TopicFilter<T>, listener: (payload: TopicPayload<T>) => void): () => void {
    const sub: FakeSub = { topic, filter, listener: listener as (payload: never) => void, active: true }
    this.subs.push(sub)
    return () => {
      sub.active = false
    }
  }

  onConnection(listener: (state: 'open' | 'closed') => void): () => void {
    this.connection.add(listener)
    return () => this.connection.delete(listener)
  }

  /** Deliver a push to every active subscription of the topic. */
  push<T extends TopicName>(topic: T, payload: TopicPayload<T>): void {
    for (const s of this.subs) if (s.active && s.topic === topic) (s.listener as (p: TopicPayload<T>) => void)(payload)
  }

  setConnection(state: 'open' | 'closed'): void {
    for (const l of [...this.connection]) l(state)
  }

  active(topic?: TopicName): FakeSub[] {
    return this.subs.filter((s) => s.active && (topic === undefined || s.topic === topic))
  }

  get connectionListeners(): number {
    return this.connection.size
  }

  callsOf(method: RequestName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params)
  }
}

/** `n` consecutive bars of `tf` ending with the one starting at `lastStart`. */
export function makeBars(n: number, tf: BarTimeframe, lastStart: number, price = 100): Bar[] {
  const step = BAR_TIMEFRAME_MS[tf]
  return Array.from({ length: n }, (_, i) => {
    const start = lastStart - (n - 1 - i) * step
    const open = price + i * 0.1
    return { time: epochMs(start), open, high: open + 0.5, low: open - 0.5, close: open + 0.2, volume: 1000 + i }
  })
}

/** A bars.get handler over a continuous series ending at `lastStart` (honours limit and before). */
export function barsHandler(tf: BarTimeframe, lastStart: number, opts: { firstStart?: number; source?: 'demo' | 'store' | 'none' } = {}) {
  const step = BAR_TIMEFRAME_MS[tf]
  const first = opts.firstStart ?? -Infinity
  return (p: RequestParams<'bars.get'>) => {
    const source = opts.source ?? 'demo'
    if (source === 'none') return ok({ symbol: p.symbol.toUpperCase(), timeframe: p.timeframe, bars: [], source, timezone: 'America/New_York' as const })
    const limit = p.limit ?? 500
    let end = lastStart
    if (p.before !== undefined) end = Math.min(end, Math.floor((p.before - 1) / step) * step)
    const n = Math.max(0, Math.min(limit, Math.floor((end - first) / step) + 1))
    return ok({ symbol: p.symbol.toUpperCase(), timeframe: p.timeframe, bars: makeBars(n, tf, end), source, timezone: 'America/New_York' as const })
  }
}
