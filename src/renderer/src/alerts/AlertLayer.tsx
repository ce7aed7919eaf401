/**
 * What the alerts add over the docking area, mounted once by the app: the
 * toast stack, the settings dialog, and the unread count in the tab of every
 * Alerts panel (a badge in the tab's link-chip slot, so the count never
 * changes the saved layout).
 */
import { useSyncExternalStore } from 'react'
import { createPortal } from 'react-dom'
import { useStore } from 'zustand'
import type { DockController } from '../app/dock-controller'
import type { AlertController } from './alert-controller'
import { AlertSettingsDialog } from './AlertSettingsDialog'
import { AlertToasts } from './AlertToasts'
import './alerts.css'

/** The Alerts panel's type (stable: stored in layouts). */
export const ALERTS_PANEL_TYPE = 'alerts'

export function AlertLayer({ controller, dock }: { controller: AlertController; dock: DockController }) {
  const settingsOpen = useStore(controller.store, (s) => s.settingsOpen)
  return (
    <>
      <AlertToasts controller={controller} />
      <AlertTabBadges controller={controller} dock={dock} />
      {settingsOpen && <AlertSettingsDialog controller={controller} onClose={() => controller.closeSettings()} />}
    </>
  )
}

export function AlertTabBadges({ controller, dock }: { controller: AlertController; dock: Pick<DockController, 'subscribe' | 'getPanels'> }) {
  const panels = useSyncExternalStore(dock.subscribe, dock.getPanels)
  const unread = useStore(controller.store, (s) => s.unread)
  if (unread === 0) return null
  const text = `(${unread > 999 ? '999+' : unread})`
  return (
    <>
      {panels
        .filter((p) => p.type === ALERTS_PANEL_TYPE)
        .map((p) =>
          createPortal(
            <span className="alert-tab-unread" data-testid="alerts-tab-unread" title={`${unread} unread alert${unread === 1 ? '' : 's'}`}>
              {text}
            </span>,
            p.chipHost,
            p.id,
          ),
        )}
    </>
  )
}
