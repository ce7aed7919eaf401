import { describe, expect, it, vi } from 'vitest'
import type { TerminalApi } from '../shared/contract'
import { IPC } from '../shared/ipc-channels'
import { fakeElectron } from '../main/electron/fake-electron'

vi.mock('electron', async () => (await import('../main/electron/fake-electron')).fakeElectron.module)

const { state } = fakeElectron
await import('./index')
const api = state.exposed.get('tickstock') as TerminalApi
const sentClientMessages = () => state.ipcRenderer.sent.filter(([ch]) => ch === IPC.client).map(([, m]) => m)
const fromMain = (channel: string, msg: unknown) => state.ipcRenderer.emit(channel, {}, msg)

describe('with a fake electron module: the preload bridge', () => {
  it('exposes exactly one object, window.tickstock, with only invoke/subscribe/onConnection/onHostCommand/host', () => {
    expect([...state.exposed.keys()]).toEqual(['tickstock'])
    expect(Object.keys(api).sort()).toEqual(['host', 'invoke', 'onConnection', 'onHostCommand', 'subscribe'])
    expect(api.host).toBe('electron')
    for (const v of Object.values(api)) expect(v).not.toBe(state.ipcRenderer)
  })

  it('hands application-menu commands to the page, and only strings', () => {
    const got: string[] = []
    const off = api.onHostCommand!((id) => got.push(id))
    fromMain(IPC.command, 'layout.save')
    fromMain(IPC.command, { evil: true })
    off()
    fromMain(IPC.command, 'theme.toggle')
    expect(got).toEqual(['layout.save'])
  })

  it('says hello first so main can drop a previous page', () => {
    expect(state.ipcRenderer.sent[0]).toEqual([IPC.hello])
  })

  it('invoke round-trips through ipcRenderer', async () => {
    const pending = api.invoke('engine.info', {})
    const [req] = sentClientMessages() as Array<{ t: string; id: number }>
    expect(req).toEqual({ t: 'req', id: expect.any(Number), method: 'engine.info', params: {} })
    fromMain(IPC.server, { t: 'res', id: req!.id, result: { ok: true, value: { mode: 'demo' } } })
    await expect(pending).resolves.toEqual({ ok: true, value: { mode: 'demo' } })
  })

  it('delivers pushes to subscribers and sends unsub', () => {
    const got: unknown[] = []
    const off = api.subscribe('patterns', { tiers: ['intraday'] }, (p) => got.push(p))
    const sub = sentClientMessages().at(-1) as { t: string; sid: number }
    expect(sub).toMatchObject({ t: 'sub', topic: 'patterns', filter: { tiers: ['intraday'] } })
    fromMain(IPC.server, { t: 'push', topic: 'patterns', parts: [{ sid: sub.sid, payload: [{ id: 1 }] }] })
    expect(got).toEqual([[{ id: 1 }]])
    off()
    expect(sentClientMessages().at(-1)).toEqual({ t: 'unsub', sid: sub.sid })
  })

  it('follows the engine state from main: fails requests while closed, resubscribes on open', async () => {
    const states: string[] = []
    api.onConnection((s) => states.push(s))
    api.subscribe('health', {}, () => {})
    const inFlight = api.invoke('health.get', {})
    fromMain(IPC.state, 'closed')
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } })
    await expect(api.invoke('health.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } })
    const before = sentClientMessages().length
    fromMain(IPC.state, 'bogus')
    fromMain(IPC.state, 'open')
    expect(states).toEqual(['closed', 'open'])
    expect(sentClientMessages().slice(before)).toContainEqual({ t: 'sub', sid: expect.any(Number), topic: 'health', filter: {} })
  })
})
