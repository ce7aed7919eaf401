/**
 * Routes contract messages between renderer windows and the engine. Each
 * window's webContents id is its client id (`cid`) on the engine side.
 * Electron objects come in as narrow interfaces so this is testable without
 * Electron.
 */
import { clientMessageSchema, type ServerMessage } from '../../shared/contract'
import type { EngineToHost, HostToEngine } from '../engine/port'
import { IPC, type ConnectionState } from '../../shared/ipc-channels'
import { isTrustedSender, type IpcSenderInfo, type RendererLocation } from './security'

/** The part of a WebContents the router uses. */
export interface RendererTarget {
  readonly id: number
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

export interface IpcRouterDeps {
  postToEngine(msg: HostToEngine): void
  renderer: RendererLocation
  log?: (level: 'info' | 'warn', msg: string) => void
}

interface WindowEntry {
  target: RendererTarget
  /** The page has sent something to the engine since it loaded (so the engine may hold state for it). */
  active: boolean
  /** We told this page the engine is gone; its messages are dropped until we say 'open'. */
  closed: boolean
}

export interface IpcRouter {
  /** Our window's webContents: only these may talk to the engine. */
  addWindow(target: RendererTarget): void
  /** The webContents was destroyed: the engine forgets the client. */
  removeWindow(id: number): void
  /** ipcMain listener body for IPC.client. */
  onClientMessage(event: IpcSenderInfo, payload: unknown): void
  /** ipcMain listener body for IPC.hello: a page (re)loaded in a window. */
  onHello(event: IpcSenderInfo): void
  /** Deliver an engine message addressed to a client; false when it is not client-addressed. */
  onEngineMessage(msg: EngineToHost): boolean
  /** The engine stopped unexpectedly: tell every window, drop their traffic until it is back. */
  engineDown(): void
  /** A (re)started engine is ready: windows that were told 'closed' get 'open' and resubscribe. */
  engineUp(): void
  readonly windowIds: ReadonlySet<number>
}

export function createIpcRouter(deps: IpcRouterDeps): IpcRouter {
  const windows = new Map<number, WindowEntry>()
  const ids = new Set<number>()
  let engineIsDown = false
  const log = deps.log ?? (() => {})

  const setState = (w: WindowEntry, state: ConnectionState): void => {
    w.closed = state === 'closed'
    if (!w.target.isDestroyed()) w.target.send(IPC.state, state)
  }

  const trusted = (event: IpcSenderInfo): WindowEntry | null => {
    if (!isTrustedSender(event, ids, deps.renderer)) {
      log('warn', `ipc: refused a message from webContents ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'})`)
      return null
    }
    return windows.get(event.sender.id) ?? null
  }

  return {
    windowIds: ids,
    addWindow(target) {
      windows.set(target.id, { target, active: false, closed: false })
      ids.add(target.id)
    },
    removeWindow(id) {
      const w = windows.get(id)
      if (!w) return
      windows.delete(id)
      ids.delete(id)
      deps.postToEngine({ t: 'client-gone', cid: id })
    },
    onHello(event) {
      const w = trusted(event)
      if (!w) return
      // A reload keeps the webContents (and so the cid) but starts a new client
      // whose sids restart at 1: drop what the engine holds for the old page.
      if (w.active) deps.postToEngine({ t: 'client-gone', cid: w.target.id })
      w.active = false
      w.closed = false
      if (engineIsDown) setState(w, 'closed')
    },
    onClientMessage(event, payload) {
      const w = trusted(event)
      if (!w) return
      const parsed = clientMessageSchema.safeParse(payload)
      if (!parsed.success) {
        log('warn', `ipc: refused a malformed message from webContents ${w.target.id}: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
        return
      }
      // Sent before the page learnt the engine was gone; it resubscribes on 'open'
      // and its pending requests already failed with 'unavailable'.
      if (w.closed) return
      w.active = true
      const cid = w.target.id
      const msg = parsed.data
      switch (msg.t) {
        case 'req':
          deps.postToEngine({ t: 'req', cid, id: msg.id, method: msg.method, params: msg.params })
          return
        case 'sub':
          deps.postToEngine({ t: 'sub', cid, sid: msg.sid, topic: msg.topic, filter: msg.filter })
          return
        case 'unsub':
          deps.postToEngine({ t: 'unsub', cid, sid: msg.sid })
          return
      }
    },
    onEngineMessage(msg) {
      let out: ServerMessage
      switch (msg.t) {
        case 'res':
          out = { t: 'res', id: msg.id, result: msg.result }
          break
        case 'push':
          out = { t: 'push', topic: msg.topic, parts: msg.parts }
          break
        case 'suberr':
          out = { t: 'suberr', sid: msg.sid, error: msg.error }
          break
        default:
          return false
      }
      const w = windows.get(msg.cid)
      if (!w || w.closed || w.target.isDestroyed()) return true // window gone: drop
      w.target.send(IPC.server, out)
      return true
    },
    engineDown() {
      engineIsDown = true
      for (const w of windows.values()) {
        w.active = false
        if (!w.closed) setState(w, 'closed')
      }
    },
    engineUp() {
      engineIsDown = false
      for (const w of windows.values()) if (w.closed) setState(w, 'open')
    },
  }
}
