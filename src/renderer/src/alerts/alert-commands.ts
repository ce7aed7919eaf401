/** The alert actions in the command palette and the View menu. */
import { useMemo } from 'react'
import { useStore } from 'zustand'
import type { Command } from '../app/commands'
import type { AlertController } from './alert-controller'

export function alertCommands(c: AlertController, s: { mute: boolean; unread: number; permission: string }): Command[] {
  const commands: Command[] = [
    { id: 'alerts.settings', group: 'Alerts', title: 'Alert settings…', keywords: 'email smtp webhook ntfy slack discord pushover watchlist mute sound dead letters', run: () => c.openSettings() },
    {
      id: 'alerts.mark-all-read',
      group: 'Alerts',
      title: 'Mark all alerts read',
      keywords: 'unread clear',
      hint: s.unread > 0 ? `${s.unread} unread` : undefined,
      run: () => void c.markAllRead(),
    },
    { id: 'alerts.mute', group: 'Alerts', title: 'Mute alert sounds', keywords: 'silence quiet sound audio', checked: s.mute, run: () => void c.setMute(!s.mute) },
  ]
  if (c.notifications.owner === 'renderer' && s.permission === 'default') {
    commands.push({ id: 'alerts.notifications', group: 'Alerts', title: 'Enable desktop notifications', keywords: 'browser permission notify', run: () => void c.requestNotificationPermission() })
  }
  return commands
}

export function useAlertCommands(c: AlertController): Command[] {
  const mute = useStore(c.store, (s) => s.settings?.mute ?? false)
  const unread = useStore(c.store, (s) => s.unread)
  const permission = useStore(c.store, (s) => s.permission)
  return useMemo(() => alertCommands(c, { mute, unread, permission }), [c, mute, unread, permission])
}
