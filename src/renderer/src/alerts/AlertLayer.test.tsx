import { act } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MenuBar } from '../app/MenuBar'
import { render, type Rendered } from '../test-support/render'
import { alertCommands } from './alert-commands'
import { AlertLayer, AlertTabBadges } from './AlertLayer'
import { FakeAlertsApi, flush, q, RecordingNotifications, settings, startHarness, type Harness } from './alerts-fixtures'
import type { DockController } from '../app/dock-controller'

let h: Harness | null = null
let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  h?.stop()
  view = null
  h = null
})

/** The part of the dock the badges read: panels with a type and a slot in their tab. */
function fakeDock(types: string[]) {
  const panels = types.map((type, i) => {
    const tab = document.createElement('div')
    const chipHost = document.createElement('span')
    tab.appendChild(chipHost)
    document.body.appendChild(tab)
    return { id: `p${i}`, type, chipHost, tab }
  })
  return {
    panels,
    dock: { subscribe: () => () => {}, getPanels: () => panels } as unknown as Pick<DockController, 'subscribe' | 'getPanels'>,
    cleanup: () => panels.forEach((p) => p.tab.remove()),
  }
}

describe('alert layer', () => {
  it('puts the unread count in the tab of every Alerts panel, and nowhere else', async () => {
    const api = new FakeAlertsApi().answer('alerts.history', { alerts: [], unread: 3 })
    h = startHarness({ api })
    await flush()
    const d = fakeDock(['alerts', 'chart', 'alerts'])
    view = render(<AlertTabBadges controller={h.controller} dock={d.dock} />)
    expect(d.panels.map((p) => p.tab.textContent)).toEqual(['(3)', '', '(3)'])
    act(() => api.push('alertsUnread', { unread: 0 }))
    expect(d.panels.map((p) => p.tab.textContent)).toEqual(['', '', ''])
    d.cleanup()
  })

  it('opens the settings dialog when asked (panel button, menu, palette)', async () => {
    h = startHarness()
    await flush()
    const d = fakeDock([])
    view = render(<AlertLayer controller={h.controller} dock={d.dock as DockController} />)
    expect(document.querySelector('[data-testid="alert-settings"]')).toBeNull()
    await act(async () => {
      alertCommands(h!.controller, { mute: false, unread: 0, permission: 'granted' })
        .find((c) => c.id === 'alerts.settings')!
        .run()
      await flush()
    })
    expect(q(document, '[data-testid="alert-settings"]')).toBeTruthy()
  })
})

describe('alert commands', () => {
  it('settings, mark all read and mute (checked when muted) in the View menu', async () => {
    h = startHarness({ api: new FakeAlertsApi().answer('alerts.settings.get', settings({ mute: true })) })
    await flush()
    const commands = alertCommands(h.controller, { mute: true, unread: 4, permission: 'granted' })
    expect(commands.map((c) => c.id)).toEqual(['alerts.settings', 'alerts.mark-all-read', 'alerts.mute'])
    expect(commands.find((c) => c.id === 'alerts.mute')!.checked).toBe(true)
    expect(commands.find((c) => c.id === 'alerts.mark-all-read')!.hint).toBe('4 unread')

    h.api.handle('alerts.settings.set', (p) => ({ ok: true, value: { ...p.settings, smtpPasswordSet: false } as never }))
    commands.find((c) => c.id === 'alerts.mute')!.run()
    await flush()
    expect(h.api.callsOf('alerts.settings.set')[0]!.settings.mute).toBe(false)

    view = render(<MenuBar commands={commands} current={null} dirty={false} saving={false} onPalette={vi.fn()} />)
    act(() => q(view!.container, '[data-testid="menu-view"]').click())
    const items = [...view.container.querySelectorAll('[data-command-id]')].map((e) => e.getAttribute('data-command-id'))
    expect(items).toEqual(['alerts.settings', 'alerts.mark-all-read', 'alerts.mute'])
  })

  it('offers "Enable desktop notifications" only in a browser that has not been asked', async () => {
    h = startHarness({ notifications: new RecordingNotifications('renderer', 'default') })
    expect(alertCommands(h.controller, { mute: false, unread: 0, permission: 'default' }).map((c) => c.id)).toContain('alerts.notifications')
    expect(alertCommands(h.controller, { mute: false, unread: 0, permission: 'denied' }).map((c) => c.id)).not.toContain('alerts.notifications')
    h.stop()
    h = startHarness({ api: new FakeAlertsApi('electron'), notifications: new RecordingNotifications('host', 'unsupported') })
    expect(alertCommands(h.controller, { mute: false, unread: 0, permission: 'default' }).map((c) => c.id)).not.toContain('alerts.notifications')
  })
})
