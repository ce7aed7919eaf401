/**
 * The contract client, generic over a transport. The preload bridge (IPC) and
 * the browser's WebSocket client are both this plus a transport, so request
 * ids, subscriptions and resubscription after a reconnect live in one place.
 */
import type {
  ClientMessage,
  RequestName,
  RequestParams,
  RequestResult,
  Result,
  ServerMessage,
  TerminalApi,
  TopicFilter,
  TopicName,
  TopicPayload,
} from './contract'

export interface ClientTransport {
  send(msg: ClientMessage): void
  /** Returns an unsubscribe. */
  onMessage(listener: (msg: ServerMessage) => void): () => void
  /** 'open' after (re)connecting, 'closed' on loss. Returns an unsubscribe. */
  onState(listener: (state: 'open' | 'closed') => void): () => void
  readonly isOpen: boolean
}

interface Pending {
  resolve: (r: Result<unknown>) => void
  timer: ReturnType<typeof setTimeout> | null
}

interface Sub {
  topic: TopicName
  filter: unknown
  listener: (payload: never) => void
}

export interface ContractClientOptions {
  host: TerminalApi['host']
  /** Requests fail with `unavailable` after this long without an answer. */
  requestTimeoutMs?: number
}

export function createContractClient(transport: ClientTransport, opts: ContractClientOptions): TerminalApi & { dispose(): void } {
  let nextId = 1
  let nextSid = 1
  const pending = new Map<number, Pending>()
  const subs = new Map<number, Sub>()
  const connectionListeners = new Set<(s: 'open' | 'closed') => void>()
  const timeoutMs = opts.requestTimeoutMs ?? 15_000

  const offMessage = transport.onMessage((msg) => {
    switch (msg.t) {
      case 'res': {
        const p = pending.get(msg.id)
        if (!p) return
        pending.delete(msg.id)
        if (p.timer) clearTimeout(p.timer)
        p.resolve(msg.result)
        return
      }
      case 'push': {
        for (const part of msg.parts) {
          const s = subs.get(part.sid)
          if (s) (s.listener as (p: unknown) => void)(part.payload)
        }
        return
      }
      case 'suberr': {
        console.error(`subscription ${msg.sid} refused: ${msg.error.message}`)
        subs.delete(msg.sid)
        return
      }
    }
  })

  const offState = transport.onState((state) => {
    if (state === 'open') {
      // The server forgets subscriptions with the connection: renew them.
      for (const [sid, s] of subs) transport.send({ t: 'sub', sid, topic: s.topic, filter: s.filter })
    } else {
      for (const [id, p] of pending) {
        if (p.timer) clearTimeout(p.timer)
        p.resolve({ ok: false, error: { code: 'unavailable', message: 'connection to the engine was lost' } })
        pending.delete(id)
      }
    }
    for (const l of connectionListeners) l(state)
  })

  return {
    host: opts.host,
    invoke<K extends RequestName>(method: K, params: RequestParams<K>): Promise<Result<RequestResult<K>>> {
      if (!transport.isOpen) {
        return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'not connected to the engine' } })
      }
      const id = nextId++
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          resolve({ ok: false, error: { code: 'unavailable', message: `${method} timed out after ${timeoutMs} ms` } })
        }, timeoutMs)
        pending.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer })
        transport.send({ t: 'req', id, method, params })
      })
    },
    subscribe<T extends TopicName>(topic: T, filter: TopicFilter<T>, listener: (payload: TopicPayload<T>) => void): () => void {
      const sid = nextSid++
      subs.set(sid, { topic, filter, listener: listener as (p: never) => void })
      if (transport.isOpen) transport.send({ t: 'sub', sid, topic, filter })
      return () => {
        if (!subs.delete(sid)) return
        if (transport.isOpen) transport.send({ t: 'unsub', sid })
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    dispose() {
      offMessage()
      offState()
      for (const p of pending.values()) if (p.timer) clearTimeout(p.timer)
      pending.clear()
      subs.clear()
      connectionListeners.clear()
    },
  }
}
