/**
 * Application menu and tray icon. The tray shows an unread-alerts count in its
 * tooltip (a placeholder until the alerts engine reports counts to the host).
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron'
import { MENU_COMMANDS, PALETTE_COMMAND } from '../../shared/menu-commands'

export function buildMenuTemplate(platform: NodeJS.Platform, sendCommand: (command: string) => void = () => {}): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  const items = (menu: (typeof MENU_COMMANDS)[number]['menu']): MenuItemConstructorOptions[] =>
    MENU_COMMANDS.filter((c) => c.menu === menu).map((c) => ({
      label: c.label,
      // The page handles Ctrl+K itself; the menu only shows the shortcut.
      ...(c.accelerator ? { accelerator: c.accelerator, registerAccelerator: c.command !== PALETTE_COMMAND } : {}),
      click: () => sendCommand(c.command),
    }))
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : [{ label: 'File', submenu: [{ role: 'quit' } as const] }]),
    { role: 'editMenu' },
    { label: 'Panels', submenu: items('Panels') },
    { label: 'Layout', submenu: items('Layout') },
    {
      label: 'View',
      submenu: [
        ...items('View'),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
}

export function installApplicationMenu(sendCommand: (command: string) => void, platform: NodeJS.Platform = process.platform): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(platform, sendCommand)))
}

export const trayTooltip = (unread: number): string =>
  unread > 0 ? `TickStock Terminal: ${unread} unread alert${unread === 1 ? '' : 's'}` : 'TickStock Terminal'

/** A 16x16 icon drawn in code (a rising green bar chart) so the tray needs no asset file. */
export function trayIconBitmap(size = 16): Buffer {
  const buf = Buffer.alloc(size * size * 4) // BGRA, transparent
  const bars = [
    { x0: 2, x1: 5, top: 9 },
    { x0: 6, x1: 9, top: 5 },
    { x0: 10, x1: 13, top: 2 },
  ]
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = bars.some((b) => x >= b.x0 && x <= b.x1 && y >= b.top && y <= 13) || (y === 14 && x >= 1 && x <= 14)
      if (!on) continue
      const i = (y * size + x) * 4
      buf[i] = 0x5e // B
      buf[i + 1] = 0xc4 // G
      buf[i + 2] = 0x22 // R
      buf[i + 3] = 0xff // A
    }
  }
  return buf
}

export function trayIcon(): NativeImage {
  return nativeImage.createFromBitmap(trayIconBitmap(), { width: 16, height: 16 })
}

export interface AppTray {
  setUnreadAlerts(count: number): void
  dispose(): void
}

/** Null when the desktop has no tray (some Linux sessions): the app works without it. */
export function createAppTray(onOpen: () => void, log: (msg: string) => void): AppTray | null {
  let tray: Tray
  try {
    tray = new Tray(trayIcon())
  } catch (e) {
    log(`no tray icon: ${e instanceof Error ? e.message : String(e)}`)
    return null
  }
  let unread = 0
  const refresh = (): void => {
    tray.setToolTip(trayTooltip(unread))
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open TickStock Terminal', click: onOpen },
        { label: unread > 0 ? `${unread} unread alerts` : 'No unread alerts', enabled: false },
        { type: 'separator' },
        { role: 'quit' },
      ]),
    )
  }
  refresh()
  tray.on('click', onOpen)
  return {
    setUnreadAlerts(count) {
      unread = Math.max(0, Math.floor(count))
      refresh()
    },
    dispose() {
      tray.destroy()
    },
  }
}
