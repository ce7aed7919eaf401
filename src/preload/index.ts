/**
 * Preload (sandboxed, context-isolated): exposes exactly one object,
 * `window.tickstock`, the typed TerminalApi. The renderer never sees
 * ipcRenderer. Only `electron` may be required here; src/shared is bundled in.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createContractClient } from '../shared/client'
import type { TerminalApi } from '../shared/contract'
import { createIpcTransport } from './ipc-transport'
import { IPC } from '../shared/ipc-channels'

const client = createContractClient(createIpcTransport(ipcRenderer), { host: 'electron' })

// Plain functions only: contextBridge copies the object, and the client's
// dispose() stays on this side.
const api = {
  host: client.host,
  invoke: (method, params) => client.invoke(method, params),
  subscribe: (topic, filter, listener) => client.subscribe(topic, filter, listener),
  onConnection: (listener) => client.onConnection(listener),
  onHostCommand: (listener) => {
    const handler = (_event: unknown, id: unknown): void => {
      if (typeof id === 'string' && id.length <= 128) listener(id)
    }
    ipcRenderer.on(IPC.command, handler)
    return () => void ipcRenderer.removeListener(IPC.command, handler)
  },
} satisfies TerminalApi

contextBridge.exposeInMainWorld('tickstock', api)
