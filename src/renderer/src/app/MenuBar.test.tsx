import { act } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { render, type Rendered } from '../test-support/render'
import { MenuBar } from './MenuBar'
import { createPanelRegistry, type AnyPanelDefinition } from './panel-registry'
import { buildCommands } from './shell-commands'

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

const registry = createPanelRegistry(
  ['tier-board', 'chart', 'tier-metrics'].map((type) => ({ type, menuName: type, title: () => type, defaultState: {}, parseState: () => ({}), component: () => null })) as AnyPanelDefinition[],
)

describe('MenuBar', () => {
  it('every palette action is in a menu (per-layout rename/delete through Manage layouts)', () => {
    const ctx = {
      panels: registry.entries(),
      layouts: [
        { name: 'Morning', version: 1, updatedAt: 1 as never },
        { name: 'Close', version: 1, updatedAt: 2 as never },
      ],
      current: 'Morning',
      theme: 'dark' as const,
      openPanel: vi.fn(),
      saveLayout: vi.fn(),
      loadLayout: vi.fn(),
      resetLayout: vi.fn(),
      openDialog: vi.fn(),
      setTheme: vi.fn(),
      openPalette: vi.fn(),
    }
    const commands = buildCommands(ctx)
    view = render(<MenuBar commands={commands} current="Morning" dirty={false} saving={false} onPalette={vi.fn()} />)
    const seen = new Set<string>()
    for (const menu of ['panels', 'layout', 'view']) {
      act(() => view!.container.querySelector<HTMLElement>(`[data-testid="menu-${menu}"]`)!.click())
      for (const item of view!.container.querySelectorAll<HTMLElement>('[data-testid="menu-item"]')) seen.add(item.dataset.commandId!)
      act(() => view!.container.querySelector<HTMLElement>(`[data-testid="menu-${menu}"]`)!.click())
    }
    const missing = commands.map((c) => c.id).filter((id) => !seen.has(id) && !/^layout\.(rename|delete):/.test(id) && id !== 'theme.toggle')
    expect(missing).toEqual([])
    expect(seen.has('layout.manage')).toBe(true)
  })

  it('runs the command of a clicked item and closes the menu', () => {
    const run = vi.fn()
    view = render(<MenuBar commands={[{ id: 'layout.reset', group: 'Layout', title: 'Reset layout to default', run }]} current={null} dirty saving={false} onPalette={vi.fn()} />)
    act(() => view!.container.querySelector<HTMLElement>('[data-testid="menu-layout"]')!.click())
    act(() => view!.container.querySelector<HTMLElement>('[data-command-id="layout.reset"]')!.click())
    expect(run).toHaveBeenCalled()
    expect(view.container.querySelector('[data-testid="menu-layout-list"]')).toBeNull()
    expect(view.container.querySelector<HTMLElement>('[data-testid="layout-current"]')!.dataset.dirty).toBe('true')
  })
})
