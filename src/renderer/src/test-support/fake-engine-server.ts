/**
 * An in-memory engine host speaking the WebSocket wire protocol (JSON text
 * frames of ClientMessage / ServerMessage). It answers the requests the
 * renderer makes, keeps per-connection subscriptions (forgotten on
 * disconnect, as the real host does) and can drop or refuse connections.
 * Plug it into createWebSocketTransport as the socket factory.
 */
import type { ClientMessage, EngineInfo, Result, ServerMessage, TopicName } from '../../../shared/contract'
import type { HealthReport, PatternEvent, Tier } from '../../../shared/domain'
import type { SocketConnection, SocketFactory, SocketHandlers } from '../api/ws-transport'
import { makeEngineInfo, makeHealth } from './fixtures'

interface Connection {
  handlers: SocketHandlers
  subs: Map<number, { topic: TopicName; filter: { tiers?: Tier[] } }>
  closed: boolean
}

export class FakeEngineServer {
  events: PatternEvent[] = []
  health: HealthReport = makeHealth()
  info: EngineInfo = makeEngineInfo()
  /** When false, connection attempts fail (closed without opening). */
  accepting = true
  /** Every client message received, in order, across connections. */
  readonly received: ClientMessage[] = []
  connectAttempts = 0
  private conns: Connection[] = []

  readonly connect: SocketFactory = (_url, handlers) => {
    this.connectAttempts++
    const conn: Connection = { handlers, subs: new Map(), closed: false }
    const accept = this.accepting
    queueMicrotask(() => {
      if (conn.closed) return
      if (!accept) {
        conn.closed = true
        handlers.onClose(1006, 'refused')
        return
      }
      this.conns.push(conn)
      handlers.onOpen()
    })
    const socket: SocketConnection = {
      send: (data) => {
        if (conn.closed) throw new Error('send on a closed socket')
        const msg = JSON.parse(data) as ClientMessage
        this.received.push(msg)
        queueMicrotask(() => this.handle(conn, msg))
      },
      close: () => {
        conn.closed = true
        this.conns = this.conns.filter((c) => c !== conn)
      },
    }
    return socket
  }

  get openConnections(): number {
    return this.conns.length
  }

  /** Subscriptions currently held for a topic, over all connections. */
  subscriptions(topic: TopicName): number {
    let n = 0
    for (const c of this.conns) for (const s of c.subs.values()) if (s.topic === topic) n++
    return n
  }

  /** Drop every connection, as a host restart or network loss would. */
  dropAll(): void {
    const conns = this.conns
    this.conns = []
    for (const c of conns) {
      c.closed = true
      c.handlers.onClose(1006, 'dropped')
    }
  }

  /** Store events and push them to matching `patterns` subscribers in one frame. */
  publish(events: PatternEvent[]): void {
    this.events.push(...events)
    for (const c of this.conns)
      for (const [sid, s] of c.subs) {
        if (s.topic !== 'patterns') continue
        const matching = events.filter((e) => !s.filter.tiers || s.filter.tiers.includes(e.tier))
        if (matching.length) this.send(c, { t: 'push', topic: 'patterns', parts: [{ sid, payload: matching }] })
      }
  }

  pushHealth(health: HealthReport): void {
    this.health = health
    for (const c of this.conns)
      for (const [sid, s] of c.subs) if (s.topic === 'health') this.send(c, { t: 'push', topic: 'health', parts: [{ sid, payload: health }] })
  }

  private send(c: Connection, msg: ServerMessage): void {
    if (!c.closed) c.handlers.onMessage(JSON.stringify(msg))
  }

  private handle(c: Connection, msg: ClientMessage): void {
    if (c.closed) return
    switch (msg.t) {
      case 'req':
        this.send(c, { t: 'res', id: msg.id, result: this.answer(msg.method, msg.params) })
        return
      case 'sub':
        c.subs.set(msg.sid, { topic: msg.topic as TopicName, filter: (msg.filter ?? {}) as { tiers?: Tier[] } })
        return
      case 'unsub':
        c.subs.delete(msg.sid)
        return
    }
  }

  private answer(method: string, params: unknown): Result<unknown> {
    switch (method) {
      case 'engine.info':
        return { ok: true, value: this.info }
      case 'health.get':
        return { ok: true, value: this.health }
      case 'patterns.query': {
        const { tier, limit = 100 } = params as { tier: Tier; limit?: number }
        const patterns = this.events
          .filter((e) => e.tier === tier)
          .sort((a, b) => b.id - a.id)
          .slice(0, limit)
        return {
          ok: true,
          value: { patterns, metadata: { tier, count: patterns.length, limit, response_time_ms: 0, nextBefore: null } },
        }
      }
      default:
        return { ok: false, error: { code: 'unknown_method', message: `unknown method ${method}` } }
    }
  }
}
