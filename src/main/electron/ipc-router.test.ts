import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { HostToEngine } from '../engine/port'
import { IPC } from '../../shared/ipc-channels'
import { createIpcRouter, type RendererTarget } from './ipc-router'
import type { IpcSenderInfo } from './security'

const rendererDir = join('/opt', 'tickstock', 'out', 'renderer')
const pageUrl = pathToFileURL(join(rendererDir, 'index.html')).href

class FakeWebContents implements RendererTarget {
  sent: Array<[string, unknown]> = []
  destroyed = false
  constructor(readonly id: number) {}
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, msg: unknown): void {
    this.sent.push([channel, msg])
  }
  event(frame: Partial<{ url: string; parent: unknown }> | null = {}): IpcSenderInfo {
    return { sender: { id: this.id }, senderFrame: frame === null ? null : { url: pageUrl, parent: null, ...frame } }
  }
}

function setup() {
  const toEngine: HostToEngine[] = []
  const warnings: string[] = []
  const router = createIpcRouter({
    postToEngine: (m) => toEngine.push(m),
    renderer: { kind: 'file', dir: rendererDir },
    log: (_l, m) => warnings.push(m),
  })
  const a = new FakeWebContents(1)
  const b = new FakeWebContents(2)
  router.addWindow(a)
  router.addWindow(b)
  return { router, toEngine, warnings, a, b }
}

const req = { t: 'req', id: 1, method: 'engine.info', params: {} }

describe('IPC router', () => {
  it('forwards a valid message from our window to the engine with cid = webContents id', () => {
    const { router, toEngine, a, b } = setup()
    router.onClientMessage(a.event(), req)
    router.onClientMessage(b.event(), { t: 'sub', sid: 3, topic: 'patterns', filter: { tiers: ['intraday'] } })
    router.onClientMessage(b.event(), { t: 'unsub', sid: 3 })
    expect(toEngine).toEqual([
      { t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} },
      { t: 'sub', cid: 2, sid: 3, topic: 'patterns', filter: { tiers: ['intraday'] } },
      { t: 'unsub', cid: 2, sid: 3 },
    ])
  })

  it('refuses senders that are not the main frame of our window showing our renderer', () => {
    const { router, toEngine, warnings, a } = setup()
    const stranger = new FakeWebContents(99)
    router.onClientMessage(stranger.event(), req) // not one of our windows
    router.onClientMessage(a.event({ parent: { url: pageUrl } }), req) // an iframe
    router.onClientMessage(a.event({ url: 'https://evil.example/' }), req) // navigated elsewhere
    router.onClientMessage(a.event({ url: 'file:///tmp/evil.html' }), req) // a file outside out/renderer
    router.onClientMessage(a.event(null), req) // frame gone
    router.onHello(stranger.event())
    expect(toEngine).toEqual([])
    expect(warnings).toHaveLength(6)
  })

  it('refuses malformed payloads', () => {
    const { router, toEngine, warnings, a } = setup()
    for (const bad of [null, 'req', 42, {}, { t: 'req' }, { t: 'req', id: 'x', method: 'm' }, { t: 'sub', sid: 1.5, topic: 'patterns' }, { t: 'exec', cmd: 'rm' }, { t: 'req', id: 1, method: 'x'.repeat(65) }]) {
      router.onClientMessage(a.event(), bad)
    }
    expect(toEngine).toEqual([])
    expect(warnings).toHaveLength(9)
  })

  it('routes engine replies and pushes to the window named by cid, without the cid', () => {
    const { router, a, b } = setup()
    expect(router.onEngineMessage({ t: 'res', cid: 2, id: 5, result: { ok: true, value: 1 } })).toBe(true)
    expect(router.onEngineMessage({ t: 'push', cid: 1, topic: 'health', parts: [{ sid: 1, payload: { x: 1 } }] })).toBe(true)
    expect(router.onEngineMessage({ t: 'suberr', cid: 1, sid: 2, error: { code: 'bad_request', message: 'no' } })).toBe(true)
    expect(b.sent).toEqual([[IPC.server, { t: 'res', id: 5, result: { ok: true, value: 1 } }]])
    expect(a.sent).toEqual([
      [IPC.server, { t: 'push', topic: 'health', parts: [{ sid: 1, payload: { x: 1 } }] }],
      [IPC.server, { t: 'suberr', sid: 2, error: { code: 'bad_request', message: 'no' } }],
    ])
    expect(router.onEngineMessage({ t: 'log', level: 'info', msg: 'hi' })).toBe(false)
  })

  it('drops engine messages for destroyed or unknown windows', () => {
    const { router, a } = setup()
    a.destroyed = true
    expect(router.onEngineMessage({ t: 'res', cid: 1, id: 5, result: { ok: true, value: 1 } })).toBe(true)
    expect(router.onEngineMessage({ t: 'res', cid: 42, id: 5, result: { ok: true, value: 1 } })).toBe(true)
    expect(a.sent).toEqual([])
  })

  it('tells the engine a client is gone when its webContents is destroyed, then refuses it', () => {
    const { router, toEngine, a } = setup()
    router.removeWindow(1)
    router.removeWindow(1) // idempotent
    expect(toEngine).toEqual([{ t: 'client-gone', cid: 1 }])
    expect(router.windowIds.has(1)).toBe(false)
    router.onClientMessage(a.event(), req)
    expect(toEngine).toHaveLength(1)
  })

  it('on a page reload (hello) drops what the engine holds for the previous page', () => {
    const { router, toEngine, a } = setup()
    router.onHello(a.event()) // first load: nothing to forget
    expect(toEngine).toEqual([])
    router.onClientMessage(a.event(), { t: 'sub', sid: 1, topic: 'health', filter: {} })
    router.onHello(a.event())
    expect(toEngine.at(-1)).toEqual({ t: 'client-gone', cid: 1 })
  })

  it('while the engine is down: windows are told closed, their traffic dropped, then told open when it is back', () => {
    const { router, toEngine, a, b } = setup()
    router.engineDown()
    expect(a.sent).toEqual([[IPC.state, 'closed']])
    expect(b.sent).toEqual([[IPC.state, 'closed']])
    router.onClientMessage(a.event(), req)
    expect(toEngine).toEqual([])
    // A page loaded while the engine is down learns it at once.
    router.onHello(b.event())
    expect(b.sent.at(-1)).toEqual([IPC.state, 'closed'])
    router.engineUp()
    expect(a.sent.at(-1)).toEqual([IPC.state, 'open'])
    expect(b.sent.at(-1)).toEqual([IPC.state, 'open'])
    router.onClientMessage(a.event(), req)
    expect(toEngine).toEqual([{ t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} }])
  })
})
