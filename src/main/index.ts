/**
 * Electron main process: one window, the engine in a utilityProcess, IPC
 * between them. Policy and routing live in ./electron/* as small modules;
 * this file only wires them to Electron.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BrowserWindow, Notification, app, ipcMain, safeStorage, session, utilityProcess } from 'electron'
import { createHostClient } from './host/host-client'
import { createAlertNotifier } from './electron/alert-notifier'
import { SecretVault, VAULT_FILE, interceptSecrets } from './electron/secret-vault'
import { IPC } from '../shared/ipc-channels'
import { OPEN_SYMBOL_COMMAND } from '../shared/menu-commands'
import { describeEngineConfig, resolveEngineConfig } from './electron/engine-config'
import { createEngineSupervisor, type EngineChild } from './electron/engine-supervisor'
import { createIpcRouter } from './electron/ipc-router'
import { createMainWindow } from './electron/main-window'
import {
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isPermissionAllowed,
  withCspHeader,
  type RendererLocation,
} from './electron/security'
import { createAppTray, installApplicationMenu, type AppTray } from './electron/shell-ui'
import { WINDOW_STATE_FILE } from './electron/window-state'

type Level = 'info' | 'warn' | 'error'
const log = (level: Level, msg: string): void => {
  const line = `[tickstock] ${msg}`
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}

// electron-vite dev serves the renderer over HTTP and sets this; a packaged app never uses it.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const renderer: RendererLocation = devServerUrl ? { kind: 'dev', url: devServerUrl } : { kind: 'file', dir: join(__dirname, '../renderer') }
const rendererEntry = devServerUrl ?? join(__dirname, '../renderer/index.html')

function forkEngine(): EngineChild {
  const child = utilityProcess.fork(join(__dirname, 'engine-utility.js'), [], { serviceName: 'TickStock Engine' })
  return {
    post: (msg) => child.postMessage(msg),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', listener),
    kill: () => void child.kill(),
  }
}

function engineConfig() {
  const resolved = resolveEngineConfig({
    userDataDir: app.getPath('userData'),
    appRoot: app.getAppPath(),
    env: process.env,
    readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null),
    fileExists: existsSync,
  })
  for (const w of resolved.warnings) log('warn', w)
  log('info', describeEngineConfig(resolved))
  return resolved.config
}

function main(): void {
  // A separate profile (own settings, database, window state and single-instance
  // lock): used by the end-to-end tests, handy for a second account.
  const profileDir = process.env.TICKSTOCK_USER_DATA_DIR?.trim()
  if (profileDir) app.setPath('userData', profileDir)
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.enableSandbox()
  app.setAppUserModelId('com.tickstock.terminal')

  let mainWindow: BrowserWindow | null = null
  let tray: AppTray | null = null
  let notifier: { dispose(): void } | null = null

  // The SMTP password: encrypted with the OS keychain, handed to the engine in memory only.
  const vault = new SecretVault(
    join(app.getPath('userData'), VAULT_FILE),
    safeStorage,
    { read: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : null), write: (f, text) => writeFileSync(f, text, { mode: 0o600 }) },
    log,
  )
  const toEngine = interceptSecrets(vault, (m) => supervisor.send(m), (cid, id, error) => void router.onEngineMessage({ t: 'res', cid, id, result: { ok: false, error } }))
  const router = createIpcRouter({ postToEngine: toEngine, renderer, log })
  // The host's own client: desktop notifications and the unread count on the tray.
  const hostClient = createHostClient((m) => supervisor.send(m), 'electron')
  const supervisor = createEngineSupervisor({
    spawn: forkEngine,
    config: engineConfig,
    onEngineMessage: (m) => {
      if (hostClient.onEngineMessage(m)) return
      if (!router.onEngineMessage(m)) log('warn', `engine message '${m.t}' not handled by the host`)
    },
    onReady: () => {
      supervisor.send({ t: 'secrets', smtpPassword: vault.load().smtpPassword })
      hostClient.up()
      router.engineUp()
    },
    onDown: () => {
      hostClient.down()
      router.engineDown()
    },
    log,
  })

  const showMainWindow = (): void => {
    if (!mainWindow || mainWindow.isDestroyed()) {
      openMainWindow()
      return
    }
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  }

  const openMainWindow = (): void => {
    const win = createMainWindow({
      preloadPath: join(__dirname, '../preload/index.js'),
      stateFile: join(app.getPath('userData'), WINDOW_STATE_FILE),
      renderer,
      entry: rendererEntry,
      log,
    })
    const wc = win.webContents
    const cid = wc.id
    router.addWindow(wc)
    wc.once('destroyed', () => router.removeWindow(cid))
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null
    })
    mainWindow = win
  }

  app.on('second-instance', showMainWindow)

  app.whenReady().then(() => {
    const policy = devServerUrl ? devContentSecurityPolicy(devServerUrl) : CONTENT_SECURITY_POLICY
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withCspHeader(details.responseHeaders, policy) })
    })
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)))
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission))

    ipcMain.on(IPC.client, (event, payload: unknown) => router.onClientMessage(event, payload))
    ipcMain.on(IPC.hello, (event) => router.onHello(event))

    supervisor.start()
    // Queued ahead of any window's request, so an email sent right at start-up has its password
    // (sent again on every ready, for an engine restarted after a crash).
    supervisor.send({ t: 'secrets', smtpPassword: vault.load().smtpPassword })
    installApplicationMenu((command) => {
      const win = BrowserWindow.getFocusedWindow() ?? mainWindow
      if (win && !win.isDestroyed()) win.webContents.send(IPC.command, command)
    })
    openMainWindow()
    tray = createAppTray(showMainWindow, (msg) => log('info', msg))
    tray?.setUnreadAlerts(0)
    notifier = createAlertNotifier({
      api: hostClient.api,
      Notification,
      platform: process.platform,
      openSymbol: (symbol) => {
        showMainWindow()
        mainWindow?.webContents.send(IPC.command, `${OPEN_SYMBOL_COMMAND}${symbol}`)
      },
      setUnread: (count) => {
        tray?.setUnreadAlerts(count)
        app.setBadgeCount(count)
      },
      log,
    })

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openMainWindow()
    })
  }, (e: unknown) => log('error', `startup failed: ${e instanceof Error ? e.message : String(e)}`))

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Let the engine drain its write batches and close the database before exiting.
  let drained = false
  app.on('before-quit', (event) => {
    if (drained) return
    event.preventDefault()
    void supervisor.stop().finally(() => {
      drained = true
      notifier?.dispose()
      hostClient.dispose()
      tray?.dispose()
      tray = null
      app.quit()
    })
  })
}

main()
