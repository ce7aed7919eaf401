import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeElectron, fakeEvent, FakeBrowserWindow } from './fake-electron'

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron.module)

const { createMainWindow, hardenWebContents, secureWebPreferences } = await import('./main-window')

describe('with a fake electron module: main window', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickstock-window-'))
    FakeBrowserWindow.windows = []
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const open = (logs: string[] = []) =>
    createMainWindow({
      preloadPath: '/app/out/preload/index.js',
      stateFile: join(dir, 'window-state.json'),
      renderer: { kind: 'file', dir: '/app/out/renderer' },
      entry: '/app/out/renderer/index.html',
      log: (_l, m) => logs.push(m),
    }) as unknown as FakeBrowserWindow

  it('creates the BrowserWindow with the secure webPreferences and the preload', () => {
    const win = open()
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      allowRunningInsecureContent: false,
    })
    expect(secureWebPreferences('/p')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(win.options.show).toBe(false)
    expect(win.loaded).toEqual({ file: '/app/out/renderer/index.html' })
    win.emit('ready-to-show')
    expect(win.shown).toBe(true)
  })

  it('restores the saved bounds clamped to the display and persists them on close', () => {
    const first = open()
    expect(first.options).toMatchObject({ x: 240, y: 70, width: 1440, height: 900 })
    first.bounds = { x: 1700, y: 100, width: 1000, height: 700 } // partly off the right edge
    first.maximized = true
    first.close()
    expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toEqual({
      bounds: { x: 1700, y: 100, width: 1000, height: 700 },
      isMaximized: true,
    })
    const second = open()
    expect(second.options).toMatchObject({ x: 920, y: 100, width: 1000, height: 700 })
    expect(second.maximized).toBe(true)
  })

  it('denies navigation and new windows, opening https links externally only', () => {
    fakeElectron.state.openedExternally.length = 0
    const win = open()
    const wc = win.webContents
    const nav = fakeEvent()
    wc.emit('will-navigate', nav, 'https://example.com/news')
    expect(nav.defaultPrevented).toBe(true)
    const nav2 = fakeEvent()
    wc.emit('will-navigate', nav2, 'file:///etc/passwd')
    expect(nav2.defaultPrevented).toBe(true)
    expect(wc.windowOpenHandler?.({ url: 'https://example.com/a' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler?.({ url: 'http://example.com/b' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    const webview = fakeEvent()
    wc.emit('will-attach-webview', webview)
    expect(webview.defaultPrevented).toBe(true)
    expect(fakeElectron.state.openedExternally).toEqual(['https://example.com/news', 'https://example.com/a'])
  })

  it('hardenWebContents takes the external opener as a parameter', () => {
    const opened: string[] = []
    const wc = new FakeBrowserWindow({}).webContents
    hardenWebContents(wc as never, (u) => opened.push(u))
    wc.windowOpenHandler?.({ url: 'https://x.example/' })
    expect(opened).toEqual(['https://x.example/'])
  })
})
