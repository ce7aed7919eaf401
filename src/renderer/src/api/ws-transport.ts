/**
 * A reconnecting WebSocket transport for the contract client: JSON text frames
 * both ways, capped exponential backoff with jitter, and 'open' / 'closed'
 * reported on each transition (the contract client resubscribes on 'open').
 */
import type { ClientTransport } from '../../../shared/client'
import type { ClientMessage, ServerMessage } from '../../../shared/contract'

/** The socket callbacks the transport needs; the browser's WebSocket is adapted to this. */
export interface SocketHandlers {
  onOpen(): void
  onMessage(data: string): void
  onClose(code: number, reason: string): void
}
export interface SocketConnection {
  send(data: string): void
  /** Close without calling back into the handlers. */
  close(): void
}
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketConnection

export interface BackoffOptions {
  /** First retry delay. */
  initialMs: number
  /** Delays never exceed this. */
  maxMs: number
  factor: number
  /** 0..1: the delay is reduced by up to this fraction, at random, so clients do not reconnect in lockstep. */
  jitter: number
}
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.2 }

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, b: BackoffOptions, random: () => number = Math.random): number {
  const raw = Math.min(b.maxMs, b.initialMs * b.factor ** attempt)
  return Math.round(raw * (1 - b.jitter * random()))
}

export type Scheduler = (fn: () => void, ms: number) => () => void
const realScheduler: Scheduler = (fn, ms) => {
  const t = setTimeout(fn, ms)
  return () => clearTimeout(t)
}

export const browserSocket: SocketFactory = (url, h) => {
  const ws = new WebSocket(url)
  ws.onopen = () => h.onOpen()
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string') h.onMessage(e.data)
  }
  ws.onclose = (e: CloseEvent) => h.onClose(e.code, e.reason)
  // An error is always followed by close; reconnecting is handled there.
  ws.onerror = () => {}
  return {
    send: (data) => ws.send(data),
    close: () => {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
      ws.close(1000, 'client closed')
    },
  }
}

export interface WebSocketTransportOptions {
  url: string
  connect?: SocketFactory
  backoff?: Partial<BackoffOptions>
  schedule?: Scheduler
  random?: () => number
}

export interface WebSocketTransport extends ClientTransport {
  dispose(): void
}

export function createWebSocketTransport(opts: WebSocketTransportOptions): WebSocketTransport {
  const connect = opts.connect ?? browserSocket
  const schedule = opts.schedule ?? realScheduler
  const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff }
  const messageListeners = new Set<(m: ServerMessage) => void>()
  const stateListeners = new Set<(s: 'open' | 'closed') => void>()
  let socket: SocketConnection | null = null
  let open = false
  let attempt = 0
  let cancelRetry: (() => void) | null = null
  let disposed = false

  const emitState = (s: 'open' | 'closed'): void => {
    for (const l of stateListeners) l(s)
  }

  const dial = (): void => {
    cancelRetry = null
    if (disposed) return
    socket = connect(opts.url, {
      onOpen() {
        if (disposed) return
        attempt = 0
        open = true
        emitState('open')
      },
      onMessage(data) {
        let msg: ServerMessage
        try {
          msg = JSON.parse(data) as ServerMessage
        } catch {
          console.warn('ignoring a non-JSON frame from the host')
          return
        }
        for (const l of messageListeners) l(msg)
      },
      onClose() {
        socket = null
        const wasOpen = open
        open = false
        if (wasOpen) emitState('closed')
        if (disposed) return
        cancelRetry = schedule(dial, backoffDelay(attempt++, backoff, opts.random))
      },
    })
  }
  dial()

  return {
    get isOpen() {
      return open
    },
    send(msg: ClientMessage) {
      if (open && socket) socket.send(JSON.stringify(msg))
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onState(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    dispose() {
      if (disposed) return
      disposed = true
      cancelRetry?.()
      socket?.close()
      socket = null
      if (open) {
        open = false
        emitState('closed')
      }
      messageListeners.clear()
      stateListeners.clear()
    },
  }
}
