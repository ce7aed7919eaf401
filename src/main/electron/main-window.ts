/**
 * The main window: secure webPreferences, restored bounds, no navigation, no
 * new windows (https links open in the user's browser).
 */
import { BrowserWindow, screen, shell, type WebContents, type WebPreferences } from 'electron'
import { externalUrlToOpen, type RendererLocation } from './security'
import { MIN_SIZE, loadWindowState, restoreWindowState, saveWindowState, trackWindowState } from './window-state'

/** The renderer gets no Node, an isolated preload world, Chromium's sandbox and web security. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  }
}

/** Deny navigation and window.open; offer https links to the OS browser instead. */
export function hardenWebContents(wc: WebContents, openExternal: (url: string) => void = (url) => void shell.openExternal(url)): void {
  wc.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url)
    if (external) openExternal(external)
    return { action: 'deny' }
  })
  wc.on('will-navigate', (event, url) => {
    event.preventDefault()
    const external = externalUrlToOpen(url)
    if (external) openExternal(external)
  })
  wc.on('will-redirect', (event) => event.preventDefault())
  wc.on('will-attach-webview', (event) => event.preventDefault())
}

export interface MainWindowOptions {
  preloadPath: string
  /** `<userData>/window-state.json` */
  stateFile: string
  renderer: RendererLocation
  /** The page to load: the dev server URL, or index.html under the renderer folder. */
  entry: string
  log(level: 'info' | 'warn' | 'error', msg: string): void
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const state = restoreWindowState(
    loadWindowState(opts.stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
  )
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'TickStock Terminal',
    backgroundColor: '#0d1117',
    webPreferences: secureWebPreferences(opts.preloadPath),
  })
  if (state.isMaximized) win.maximize()

  const tracker = trackWindowState(win, (s) => {
    try {
      saveWindowState(opts.stateFile, s)
    } catch (e) {
      opts.log('warn', `could not save window state: ${e instanceof Error ? e.message : String(e)}`)
    }
  })
  const changed = (): void => tracker.changed()
  win.on('resize', changed)
  win.on('move', changed)
  win.on('maximize', changed)
  win.on('unmaximize', changed)
  win.on('close', () => tracker.flush())
  win.on('closed', () => tracker.dispose())
  win.once('ready-to-show', () => win.show())

  hardenWebContents(win.webContents)

  const loaded = opts.renderer.kind === 'dev' ? win.loadURL(opts.entry) : win.loadFile(opts.entry)
  loaded.catch((e: unknown) => opts.log('error', `could not load the renderer (${opts.entry}): ${e instanceof Error ? e.message : String(e)}`))
  return win
}
