/**
 * src/main/index.ts against a fake electron module: what the app asks Electron
 * for, and one message's trip renderer -> main -> engine process -> renderer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EngineInfo } from '../../shared/contract'
import { IPC } from '../../shared/ipc-channels'
import { CONTENT_SECURITY_POLICY } from './security'
import { fakeElectron, FakeBrowserWindow, FakeNotification, FakeTray, type FakeUtilityProcess } from './fake-electron'
import { VAULT_FILE } from './secret-vault'

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron.module)

const { state } = fakeElectron
const mainDir = resolve(__dirname, '..')
const rendererPage = pathToFileURL(join(mainDir, '../renderer/index.html')).href
const info: EngineInfo = {
  mode: 'demo',
  version: '0.1.0',
  thresholds: { daily: 0.6, intraday: 0.7, combo: 0.7 },
  confluenceWindowMs: 1,
  retentionDays: 90,
  dataDir: null,
}
const tick = () => new Promise((r) => setTimeout(r, 0))

let userData: string
const win = (): FakeBrowserWindow => FakeBrowserWindow.windows[0]!
const engine = (): FakeUtilityProcess => state.forks[state.forks.length - 1]!
const ipcEvent = (frame: { url: string; parent: unknown } | null = { url: rendererPage, parent: null }) => ({
  sender: win().webContents,
  senderFrame: frame,
})

describe('with a fake electron module: the app wiring in src/main/index.ts', () => {
  beforeAll(async () => {
    for (const k of ['ELECTRON_RENDERER_URL', 'TICKSTOCK_REDIS_URL', 'TICKSTOCK_SQLITE_BINDING']) Reflect.deleteProperty(process.env, k)
    userData = mkdtempSync(join(tmpdir(), 'tickstock-app-'))
    process.env.TICKSTOCK_USER_DATA_DIR = userData
    state.app.appPath = userData
    vi.spyOn(state.app, 'requestSingleInstanceLock')
    vi.spyOn(console, 'log').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    await import('../index')
    state.app.ready()
    await tick()
  })
  afterAll(() => {
    Reflect.deleteProperty(process.env, 'TICKSTOCK_USER_DATA_DIR')
    vi.restoreAllMocks()
    rmSync(userData, { recursive: true, force: true })
  })

  it('uses the profile folder from TICKSTOCK_USER_DATA_DIR', () => {
    expect(state.app.getPath('userData')).toBe(userData)
  })

  it('takes the single-instance lock, enables the sandbox, installs the menu and a tray', () => {
    expect(state.app.requestSingleInstanceLock).toHaveBeenCalledOnce()
    expect(state.app.sandboxEnabled).toBe(true)
    expect(state.menus).toHaveLength(1)
    expect(FakeTray.trays[0]?.tooltip).toBe('TickStock Terminal')
  })

  it('sets the strict CSP on responses and allows only notification permissions', () => {
    let headers: Record<string, string[]> | undefined
    state.session.headersHandler?.({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => (headers = r.responseHeaders))
    expect(headers).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] })
    const answers: boolean[] = []
    state.session.permissionRequest?.(null, 'notifications', (ok) => answers.push(ok))
    state.session.permissionRequest?.(null, 'media', (ok) => answers.push(ok))
    expect(answers).toEqual([true, false])
    expect(state.session.permissionCheck?.(null, 'geolocation')).toBe(false)
  })

  it('opens one secure window on the built renderer with the built preload', () => {
    expect(FakeBrowserWindow.windows).toHaveLength(1)
    expect(win().options.webPreferences).toMatchObject({
      preload: join(mainDir, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(win().loaded.file).toBe(join(mainDir, '../renderer/index.html'))
  })

  it('forks the engine utility process and sends it the config first', () => {
    expect(state.forks).toHaveLength(1)
    expect(engine().modulePath).toBe(join(mainDir, 'engine-utility.js'))
    expect(engine().args).toEqual([])
    expect(engine().options).toEqual({ serviceName: 'TickStock Engine' })
    expect(engine().posted).toEqual([{ t: 'config', config: { dataDir: join(userData, 'data'), secrets: 'host', redis: null } }])
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('storage will fail to open under Electron until it is built'))
  })

  it('routes a request from the window to the engine and the reply back to that window', () => {
    const wc = win().webContents
    state.ipcMain.emit(IPC.hello, ipcEvent())
    state.ipcMain.emit(IPC.client, ipcEvent(), { t: 'req', id: 1, method: 'engine.info', params: {} })
    expect(engine().posted).toHaveLength(1) // held until the engine is ready
    engine().emit('message', { t: 'ready', info })
    expect(engine().posted).toContainEqual({ t: 'req', cid: wc.id, id: 1, method: 'engine.info', params: {} })
    // The SMTP password reaches the engine before any window's request.
    const kinds = engine().posted.map((m) => (m as { t: string }).t)
    expect(kinds.indexOf('secrets')).toBeGreaterThan(0)
    expect(kinds.indexOf('secrets')).toBeLessThan(kinds.indexOf('req'))
    engine().emit('message', { t: 'res', cid: wc.id, id: 1, result: { ok: true, value: info } })
    expect(wc.sent.at(-1)).toEqual([IPC.server, { t: 'res', id: 1, result: { ok: true, value: info } }])
  })

  it('on engine ready: hands it the SMTP password from the keychain (none yet) and subscribes the host to alerts', () => {
    expect(engine().posted).toContainEqual({ t: 'secrets', smtpPassword: null })
    const subs = engine().posted.filter((m): m is { t: 'sub'; cid: number; topic: string } => (m as { t: string }).t === 'sub').map((m) => [m.cid, m.topic])
    expect(subs).toEqual(expect.arrayContaining([[-1, 'alerts'], [-1, 'alertsUnread']]))
  })

  it('a new SMTP password goes to the keychain vault and to the engine in memory, never in the request the engine stores', () => {
    const wc = win().webContents
    state.ipcMain.emit(IPC.client, ipcEvent(), { t: 'req', id: 7, method: 'alerts.settings.set', params: { settings: { mute: false }, smtpPassword: 'hunter2' } })
    const posted = engine().posted.slice(-2)
    expect(posted).toEqual([
      { t: 'secrets', smtpPassword: 'hunter2' },
      { t: 'req', cid: wc.id, id: 7, method: 'alerts.settings.set', params: { settings: { mute: false } } },
    ])
    const vault = readFileSync(join(userData, VAULT_FILE), 'utf8')
    expect(vault).not.toContain('hunter2')
    expect(state.app.listenerCount('before-quit')).toBeGreaterThan(0)
  })

  it('shows a desktop notification for an alert pushed to the host (fake Electron Notification); a click opens its symbol in the window', async () => {
    const sub = engine().posted.find((m) => (m as { t: string; cid?: number; topic?: string }).t === 'sub' && (m as { topic: string }).topic === 'alerts' && (m as { cid: number }).cid === -1) as { sid: number }
    const alert = {
      id: 41, ruleId: 'r', ruleName: 'Momentum', eventId: 1, symbol: 'NVDA', pattern: 'BullFlag', tier: 'intraday', confidence: 0.9, priority: 'CRITICAL', price: 120,
      detectedAt: 1, firedAt: 2, urgency: 'critical', matched: [], suppressedBy: null, read: false, acknowledged: false, feedback: null, test: false,
      channels: [{ channel: 'desktop', target: null, state: 'pending', reason: null, attempts: 0, at: 2 }],
    }
    engine().emit('message', { t: 'push', cid: -1, topic: 'alerts', parts: [{ sid: sub.sid, payload: [alert] }] })
    const claim = engine().posted.at(-1) as { t: string; cid: number; id: number; method: string; params: unknown }
    expect(claim).toMatchObject({ t: 'req', cid: -1, method: 'alerts.claim', params: { id: 41 } })
    engine().emit('message', { t: 'res', cid: -1, id: claim.id, result: { ok: true, value: { claimed: true } } })
    await tick()
    const note = FakeNotification.made.at(-1)!
    expect(note.options).toMatchObject({ title: 'NVDA BullFlag', silent: true })
    expect(note.shown).toBe(true)
    expect(engine().posted.at(-1)).toMatchObject({ cid: -1, method: 'alerts.report', params: { id: 41, channel: 'desktop', state: 'sent' } })
    note.emit('click')
    expect(win().webContents.sent.at(-1)).toEqual([IPC.command, 'symbol.open:NVDA'])
    // The unread count reaches the badge.
    const unreadSub = engine().posted.find((m) => (m as { topic?: string; cid?: number }).topic === 'alertsUnread' && (m as { cid: number }).cid === -1) as { sid: number }
    engine().emit('message', { t: 'push', cid: -1, topic: 'alertsUnread', parts: [{ sid: unreadSub.sid, payload: { unread: 4 } }] })
    expect(state.app.badgeCount).toBe(4)
  })

  it('refuses messages from a subframe, a foreign page or with a bad payload', () => {
    const before = engine().posted.length
    state.ipcMain.emit(IPC.client, ipcEvent({ url: rendererPage, parent: {} }), { t: 'req', id: 2, method: 'engine.info', params: {} })
    state.ipcMain.emit(IPC.client, ipcEvent({ url: 'https://evil.example/', parent: null }), { t: 'req', id: 2, method: 'engine.info', params: {} })
    state.ipcMain.emit(IPC.client, ipcEvent(), { t: 'eval', code: '1' })
    expect(engine().posted).toHaveLength(before)
  })

  it('focuses the existing window when a second instance starts', () => {
    win().minimized = true
    const focused = win().focused
    state.app.emit('second-instance')
    expect(win().minimized).toBe(false)
    expect(win().focused).toBe(focused + 1)
  })

  it('tells windows the engine is down when it crashes, and restarts it', async () => {
    const wc = win().webContents
    engine().emit('exit', 1)
    expect(wc.sent.at(-1)).toEqual([IPC.state, 'closed'])
    await vi.waitFor(() => expect(state.forks).toHaveLength(2), { timeout: 3_000 })
    engine().emit('message', { t: 'ready', info })
    expect(wc.sent.at(-1)).toEqual([IPC.state, 'open'])
  })

  it('tells the engine a client is gone when its window closes', () => {
    const cid = win().webContents.id
    win().close()
    expect(engine().posted.at(-1)).toEqual({ t: 'client-gone', cid })
  })

  it('drains the engine before quitting', async () => {
    state.app.quit()
    expect(state.app.quitted).toBe(false)
    expect(engine().posted.at(-1)).toEqual({ t: 'shutdown' })
    engine().emit('message', { t: 'stopped' })
    engine().emit('exit', 0)
    await tick()
    expect(state.app.quitted).toBe(true)
    expect(FakeTray.trays[0]?.destroyed).toBe(true)
    expect(state.forks).toHaveLength(2) // not restarted
  })
})
