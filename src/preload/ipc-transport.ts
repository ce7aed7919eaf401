/**
 * The contract client's transport over Electron IPC. Messages go to the main
 * process, which validates the sender and the payload and forwards them to the
 * engine. The state starts 'open'; main says 'closed' while the engine is down
 * (it crashed and is restarting) and 'open' when it is back, which makes the
 * client fail pending requests and then resubscribe.
 */
import type { ClientTransport } from '../shared/client'
import type { ClientMessage, ServerMessage } from '../shared/contract'
import { IPC, type ConnectionState } from '../shared/ipc-channels'

/** The part of Electron's ipcRenderer the transport uses. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export function createIpcTransport(ipc: IpcRendererLike): ClientTransport {
  let state: ConnectionState = 'open'
  const messageListeners = new Set<(msg: ServerMessage) => void>()
  const stateListeners = new Set<(s: ConnectionState) => void>()

  ipc.on(IPC.server, (_event, msg) => {
    if (typeof msg !== 'object' || msg === null) return
    for (const l of messageListeners) l(msg as ServerMessage)
  })
  ipc.on(IPC.state, (_event, next) => {
    if ((next !== 'open' && next !== 'closed') || next === state) return
    state = next
    for (const l of stateListeners) l(next)
  })
  // A fresh page in this window: main forgets what the previous page subscribed.
  ipc.send(IPC.hello)

  return {
    get isOpen() {
      return state === 'open'
    },
    send(msg: ClientMessage) {
      ipc.send(IPC.client, msg)
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => void messageListeners.delete(listener)
    },
    onState(listener) {
      stateListeners.add(listener)
      return () => void stateListeners.delete(listener)
    },
  }
}
