/**
 * TEST HELPER: a fake `electron` module for vitest (`vi.mock('electron', ...)`).
 * The real package cannot be loaded on machines without the Electron binary
 * (requiring it tries to download one), so main-process and preload tests run
 * against this stand-in. It records what the code under test asked Electron
 * to do; it models no Chromium behaviour beyond what the tests need.
 * Never imported by application code.
 */
import { EventEmitter } from 'node:events'

type Listener = (...args: never[]) => unknown

export interface FakeEvent {
  defaultPrevented: boolean
  preventDefault(): void
}
export const fakeEvent = (): FakeEvent => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true
  },
})

export class FakeWebContents extends EventEmitter {
  static nextId = 1
  readonly id = FakeWebContents.nextId++
  sent: Array<[string, ...unknown[]]> = []
  destroyed = false
  windowOpenHandler: ((d: { url: string }) => { action: 'allow' | 'deny' }) | null = null
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args])
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = h
  }
  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static windows: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.windows.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  destroyed = false
  maximized = false
  minimized = false
  shown = false
  focused = 0
  loaded: { file?: string; url?: string } = {}
  bounds: { x: number; y: number; width: number; height: number }
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super()
    const o = options as { x?: number; y?: number; width?: number; height?: number }
    this.bounds = { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 }
    FakeBrowserWindow.windows.push(this)
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isFullScreen(): boolean {
    return false
  }
  getBounds() {
    return { ...this.bounds }
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  maximize(): void {
    this.maximized = true
  }
  restore(): void {
    this.minimized = false
  }
  show(): void {
    this.shown = true
  }
  focus(): void {
    this.focused++
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file }
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url }
    return Promise.resolve()
  }
  close(): void {
    this.emit('close', fakeEvent())
    this.destroyed = true
    this.emit('closed')
    this.webContents.destroy()
  }
}

export class FakeUtilityProcess extends EventEmitter {
  posted: unknown[] = []
  killed = false
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super()
  }
  postMessage(msg: unknown): void {
    this.posted.push(structuredClone(msg))
  }
  kill(): boolean {
    this.killed = true
    return true
  }
}

export class FakeTray extends EventEmitter {
  static trays: FakeTray[] = []
  tooltip = ''
  menu: unknown = null
  destroyed = false
  constructor(readonly image: unknown) {
    super()
    FakeTray.trays.push(this)
  }
  setToolTip(t: string): void {
    this.tooltip = t
  }
  setContextMenu(m: unknown): void {
    this.menu = m
  }
  destroy(): void {
    this.destroyed = true
  }
}

/** Electron's Notification (the real one needs an OS notification daemon). */
export class FakeNotification extends EventEmitter {
  static made: FakeNotification[] = []
  static isSupported(): boolean {
    return true
  }
  shown = false
  constructor(readonly options: unknown) {
    super()
    FakeNotification.made.push(this)
  }
  show(): void {
    this.shown = true
    this.emit('show')
  }
  close(): void {
    this.emit('close')
  }
}

class FakeApp extends EventEmitter {
  userData = '/tmp/tickstock-fake-userdata'
  appPath = '/tmp/tickstock-fake-app'
  isPackaged = false
  singleInstance = true
  sandboxEnabled = false
  quitRequests = 0
  /** True once a quit went through (no before-quit handler prevented it). */
  quitted = false
  private readyResolve!: () => void
  private readyPromise = new Promise<void>((r) => (this.readyResolve = r))
  requestSingleInstanceLock(): boolean {
    return this.singleInstance
  }
  enableSandbox(): void {
    this.sandboxEnabled = true
  }
  setAppUserModelId(): void {}
  badgeCount = 0
  setBadgeCount(n: number): boolean {
    this.badgeCount = n
    return true
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake app.getPath: ${name} not modelled`)
    return this.userData
  }
  setPath(name: string, value: string): void {
    if (name !== 'userData') throw new Error(`fake app.setPath: ${name} not modelled`)
    this.userData = value
  }
  getAppPath(): string {
    return this.appPath
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  /** Test control: fire app 'ready'. */
  ready(): void {
    this.readyResolve()
  }
  quit(): void {
    this.quitRequests++
    const e = fakeEvent()
    this.emit('before-quit', e)
    if (!e.defaultPrevented) this.quitted = true
  }
}

function createFake() {
  const app = new FakeApp()
  const forks: FakeUtilityProcess[] = []
  const exposed = new Map<string, unknown>()
  const ipcRenderer = Object.assign(new EventEmitter(), { sent: [] as Array<[string, ...unknown[]]> })
  const ipcRendererApi = {
    send: (channel: string, ...args: unknown[]) => void ipcRenderer.sent.push([channel, ...args]),
    on: (channel: string, l: Listener) => ipcRenderer.on(channel, l as (...a: unknown[]) => void),
    removeListener: (channel: string, l: Listener) => ipcRenderer.removeListener(channel, l as (...a: unknown[]) => void),
  }
  const session = {
    headersHandler: null as null | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | ((wc: unknown, permission: string) => boolean),
  }
  const state = {
    app,
    forks,
    exposed,
    ipcRenderer,
    session,
    ipcMain: new EventEmitter(),
    menus: [] as unknown[],
    openedExternally: [] as string[],
    displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  }
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: state.ipcMain,
    ipcRenderer: ipcRendererApi,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`)
        exposed.set(key, api)
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: typeof session.headersHandler) => void (session.headersHandler = h) },
        setPermissionRequestHandler: (h: typeof session.permissionRequest) => void (session.permissionRequest = h),
        setPermissionCheckHandler: (h: typeof session.permissionCheck) => void (session.permissionCheck = h),
      },
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
        const p = new FakeUtilityProcess(modulePath, args, options)
        forks.push(p)
        return p
      },
    },
    screen: {
      getAllDisplays: () => state.displays,
      getPrimaryDisplay: () => state.displays[0],
    },
    shell: { openExternal: (url: string) => (state.openedExternally.push(url), Promise.resolve()) },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (m: unknown) => void state.menus.push(m),
    },
    Tray: FakeTray,
    Notification: FakeNotification,
    /** Not encryption: a marked copy, so tests can see the password was never written in the clear. */
    safeStorage: {
      available: true,
      isEncryptionAvailable(): boolean {
        return this.available
      },
      encryptString: (plain: string) => Buffer.from(`fake-keychain:${Buffer.from(plain).toString('hex')}`),
      decryptString: (enc: Buffer) => Buffer.from(enc.toString().replace(/^fake-keychain:/, ''), 'hex').toString(),
    },
    nativeImage: { createFromBitmap: (buf: Buffer, size: unknown) => ({ buf, size }) },
  }
  return { state, module }
}

/** The one fake per test file (vitest isolates modules per file). */
export const fakeElectron = createFake()
