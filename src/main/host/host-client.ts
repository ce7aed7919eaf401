/**
 * The host's own client of the engine (desktop notifications, the tray's
 * unread count): the same contract client the windows use, over the host's
 * channel to the engine, as client id HOST_CID. Both hosts use it; it knows
 * nothing of Electron.
 */
import type { ClientMessage, ServerMessage, TerminalApi } from '../../shared/contract'
import { createContractClient, type ClientTransport } from '../../shared/client'
import type { EngineToHost, HostToEngine } from '../engine/port'

/** Window ids (Electron webContents ids, WebSocket connection ids) are positive: this one is never a window's. */
export const HOST_CID = -1

export interface HostClient {
  readonly api: TerminalApi
  /** An engine message for the host's client: handled (true), or not for it (false). */
  onEngineMessage(msg: EngineToHost): boolean
  /** The engine is (again) ready: subscriptions are renewed. */
  up(): void
  /** The engine went away: pending requests fail with `unavailable`. */
  down(): void
  dispose(): void
}

export function createHostClient(post: (msg: HostToEngine) => void, host: TerminalApi['host']): HostClient {
  const messageListeners = new Set<(m: ServerMessage) => void>()
  const stateListeners = new Set<(s: 'open' | 'closed') => void>()
  let open = false
  const transport: ClientTransport = {
    send(msg: ClientMessage) {
      switch (msg.t) {
        case 'req':
          post({ t: 'req', cid: HOST_CID, id: msg.id, method: msg.method, params: msg.params })
          return
        case 'sub':
          post({ t: 'sub', cid: HOST_CID, sid: msg.sid, topic: msg.topic, filter: msg.filter })
          return
        case 'unsub':
          post({ t: 'unsub', cid: HOST_CID, sid: msg.sid })
          return
      }
    },
    onMessage(l) {
      messageListeners.add(l)
      return () => messageListeners.delete(l)
    },
    onState(l) {
      stateListeners.add(l)
      return () => stateListeners.delete(l)
    },
    get isOpen() {
      return open
    },
  }
  const client = createContractClient(transport, { host })
  const setState = (s: 'open' | 'closed'): void => {
    open = s === 'open'
    for (const l of stateListeners) l(s)
  }
  return {
    api: client,
    onEngineMessage(msg) {
      let out: ServerMessage
      switch (msg.t) {
        case 'res':
          if (msg.cid !== HOST_CID) return false
          out = { t: 'res', id: msg.id, result: msg.result }
          break
        case 'push':
          if (msg.cid !== HOST_CID) return false
          out = { t: 'push', topic: msg.topic, parts: msg.parts }
          break
        case 'suberr':
          if (msg.cid !== HOST_CID) return false
          out = { t: 'suberr', sid: msg.sid, error: msg.error }
          break
        default:
          return false
      }
      for (const l of messageListeners) l(out)
      return true
    },
    up: () => setState('open'),
    down: () => setState('closed'),
    dispose() {
      client.dispose()
      messageListeners.clear()
      stateListeners.clear()
    },
  }
}
