import { act, StrictMode } from 'react'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { TerminalApi } from '../../../shared/contract'
import { serializeLayout, parseSavedLayout } from '../state/layout-format'
import { createLinkStore } from '../state/link-store'
import { render, type Rendered } from '../test-support/render'
import { Dock } from './Dock'
import { DockController } from './dock-controller'
import type { Stack } from 'golden-layout'
import { createPanelRegistry, type AnyPanelDefinition } from './panel-registry'
import type { PanelDefinition, PanelProps } from './panel-types'

// Node resolution picks golden-layout's CommonJS build, which needs tslib (not installed; the app bundles the ES build).
// @ts-expect-error -- the ES build's entry has no declaration of its own (the package's types describe it)
vi.mock('golden-layout', () => import('golden-layout/dist/esm/index.js'))

beforeAll(() => {
  // jsdom has no ResizeObserver; golden-layout and the dock only need it to exist here.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver
})

function fakePanel<S extends Record<string, unknown>>(type: string, defaultState: S, title: (s: S) => string): PanelDefinition<S> {
  return {
    type,
    menuName: type,
    title,
    defaultState,
    parseState: (raw) => ({ ...defaultState, ...(raw && typeof raw === 'object' ? (raw as S) : {}) }),
    component: function Fake({ state, link, setState }: PanelProps<S>) {
      return (
        <div data-testid="fake" data-type={type} data-symbol={link.symbol ?? ''} data-link={link.color} data-state={JSON.stringify(state)}>
          <button data-testid="pick" onClick={() => link.setSymbol('MSFT')} />
          <button data-testid="set" onClick={() => setState({ ...state, touched: true })} />
        </div>
      )
    },
  }
}

const registry = createPanelRegistry([
  fakePanel('tier-board', { tier: 'daily' } as Record<string, unknown>, (s) => `Board ${String(s.tier)}`),
  fakePanel('chart', {} as Record<string, unknown>, () => 'Chart'),
  fakePanel('tier-metrics', {} as Record<string, unknown>, () => 'Metrics'),
  fakePanel('alerts', {} as Record<string, unknown>, () => 'Alerts'),
] as AnyPanelDefinition[])
const entry = (id: string) => registry.entries().find((e) => e.id === id)!
const api = {} as TerminalApi

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

function mountDock(opts: { strict?: boolean } = {}) {
  const links = createLinkStore()
  let changes = 0
  const controller = new DockController({ registry, links, onChange: () => changes++ })
  const dock = <Dock controller={controller} api={api} links={links} showEmptyHint />
  view = render(opts.strict === false ? dock : <StrictMode>{dock}</StrictMode>)
  const all = (sel: string) => [...view!.container.querySelectorAll<HTMLElement>(sel)]
  return { controller, links, all, changes: () => changes }
}

describe('Dock (golden-layout host)', () => {
  it('the default layout: three tier boards, a chart and metrics, each rendered once under StrictMode', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    expect(all('.dock-panel').map((e) => e.dataset.panelType)).toEqual(['tier-board', 'tier-board', 'tier-board', 'chart', 'tier-metrics'])
    expect(all('[data-testid="fake"]')).toHaveLength(5)
    expect(all('[data-testid="fake"][data-type="tier-board"]').map((e) => JSON.parse(e.dataset.state!).tier)).toEqual(['daily', 'intraday', 'combo'])
    const headers = all('[data-testid="panel-header"]')
    expect(headers.map((h) => h.dataset.panelType)).toEqual(['tier-board', 'tier-board', 'tier-board', 'chart', 'tier-metrics'])
    // jsdom has no innerText, which golden-layout sets the title with; the tooltip carries it too.
    expect(headers.map((h) => h.title)).toEqual(['Board daily', 'Board intraday', 'Board combo', 'Chart', 'Metrics'])
    expect(all('[data-testid="link-chip"]').map((c) => c.dataset.linkColor)).toEqual(['red', 'red', 'red', 'red', 'none'])
    // Tier boards and the chart follow the red group, which starts on SPY.
    expect(all('[data-testid="fake"]').map((e) => e.dataset.symbol)).toEqual(['SPY', 'SPY', 'SPY', 'SPY', ''])
  })

  it('setSymbol moves every panel of that colour; an unlinked panel keeps its own symbol', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    act(() => all('[data-testid="pick"]')[0]!.click())
    expect(all('[data-testid="fake"]').map((e) => e.dataset.symbol)).toEqual(['MSFT', 'MSFT', 'MSFT', 'MSFT', ''])
    act(() => controller.getPanels()[4]!.setLink('none'))
    act(() => all('[data-testid="pick"]')[4]!.click())
    expect(controller.getPanels()[4]!.getSnapshot().ownSymbol).toBe('MSFT')
  })

  it('the link chip menu changes a panel colour', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    act(() => all('[data-testid="link-chip"]')[3]!.click())
    const option = document.querySelector<HTMLElement>('[data-testid="link-menu"] [data-link-color="blue"]')!
    act(() => option.click())
    expect(document.querySelector('[data-testid="link-menu"]')).toBeNull()
    expect(controller.getPanels()[3]!.link).toBe('blue')
    expect(all('[data-testid="link-chip"]')[3]!.dataset.linkColor).toBe('blue')
    expect(all('[data-testid="fake"]')[3]!.dataset.symbol).toBe('')
  })

  it('panel state, link colours and group symbols survive save -> JSON -> load', () => {
    const a = mountDock()
    act(() => a.controller.applyDefault())
    act(() => all(a, 'set')[1]!.click())
    act(() => a.controller.getPanels()[2]!.setLink('green'))
    act(() => void a.links.getState().setSymbol('green', 'TSLA'))
    expect(a.changes()).toBeGreaterThan(0)
    const stored = JSON.parse(JSON.stringify(serializeLayout(a.controller.capture())))
    view!.unmount()
    view = null

    const parsed = parseSavedLayout(stored)
    if (!parsed.ok) throw new Error(parsed.reason)
    const b = mountDock()
    act(() => b.controller.apply(parsed.doc))
    const fakes = b.all('[data-testid="fake"]')
    expect(JSON.parse(fakes[1]!.dataset.state!)).toEqual({ tier: 'intraday', touched: true })
    expect(fakes.map((f) => f.dataset.link)).toEqual(['red', 'red', 'green', 'red', 'none'])
    expect(fakes[2]!.dataset.symbol).toBe('TSLA')
    expect(fakes[0]!.dataset.symbol).toBe('SPY')
  })

  it('unmounting removes every panel div and portal (gl.destroy does not unbind)', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    expect(all('.dock-panel')).toHaveLength(5)
    view!.unmount()
    view = null
    expect(document.querySelectorAll('.dock-panel, [data-testid="fake"], [data-testid="link-chip"]')).toHaveLength(0)
    expect(controller.getPanels()).toEqual([])
  })

  it('a remount (StrictMode, hot reload) shows the same layout again, once', () => {
    const { controller } = mountDock({ strict: false })
    act(() => controller.applyDefault())
    act(() => controller.getPanels()[0]!.setLink('yellow'))
    act(() => controller.unmount())
    expect(controller.getPanels()).toEqual([])
    const host = view!.container.querySelector<HTMLElement>('.dock-host')!
    const overlay = view!.container.querySelector<HTMLElement>('.dock-overlay')!
    act(() => controller.mount(host, overlay))
    expect(controller.getPanels().map((p) => p.link)).toEqual(['yellow', 'red', 'red', 'red', 'none'])
    expect(view!.container.querySelectorAll('[data-testid="fake"]')).toHaveLength(5)
  })

  it('opens a panel from a menu entry, and keeps an unknown panel type visible instead of failing', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    act(() => controller.openPanel(entry('chart')))
    expect(all('[data-testid="fake"][data-type="chart"]')).toHaveLength(2)

    const doc = controller.capture()
    const root = doc.gl.root as { content: { content: { content: { componentType: string }[] }[] }[] }
    root.content[0]!.content[0]!.content[0]!.componentType = 'from-the-future'
    act(() => controller.apply(JSON.parse(JSON.stringify(doc))))
    expect(all('[data-testid="panel-unknown"]')).toHaveLength(1)
    // ...and it round-trips, so a newer build can still use it.
    expect(JSON.stringify(controller.capture())).toContain('from-the-future')
  })

  it('opening a panel type that is already open (one copy is enough) brings that panel forward instead of adding one', () => {
    const { controller } = mountDock()
    act(() => controller.applyDefault())
    const metrics = controller.getPanels().find((p) => p.type === 'tier-metrics')!
    act(() => controller.focusPanel(metrics))
    act(() => controller.openPanel(entry('alerts')))
    // alerts went in as a tab over metrics, which is hidden now
    expect(metrics.getSnapshot().visible).toBe(false)
    const board = controller.getPanels().find((p) => p.type === 'tier-board')!
    act(() => controller.focusPanel(board))

    act(() => controller.openPanel(entry('tier-metrics')))
    expect(controller.getPanels().filter((p) => p.type === 'tier-metrics')).toEqual([metrics])
    expect(controller.focusedPanel()).toBe(metrics)
    expect(metrics.getSnapshot()).toMatchObject({ visible: true, focused: true })
    expect((metrics.container.parent.parent as Stack).getActiveComponentItem()).toBe(metrics.container.parent)

    act(() => controller.openPanel(entry('alerts')))
    expect(controller.getPanels().filter((p) => p.type === 'alerts')).toHaveLength(1)
    expect(controller.focusedPanel()?.type).toBe('alerts')
  })

  it('the tier board and the chart open as further copies; a crowded stack gets the new panel in a stack beside it', () => {
    const { controller } = mountDock()
    act(() => controller.applyDefault())
    const chart = controller.getPanels().find((p) => p.type === 'chart')!
    act(() => controller.focusPanel(chart))
    act(() => controller.openPanel(entry('chart')))
    act(() => controller.openPanel(entry('chart')))
    expect(controller.getPanels().filter((p) => p.type === 'chart')).toHaveLength(3)
    const chartStack = chart.container.parent.parent as Stack
    expect(chartStack.contentItems).toHaveLength(3)

    act(() => controller.openPanel(entry('alerts')))
    const alerts = controller.focusedPanel()!
    expect(alerts.type).toBe('alerts')
    expect(chartStack.contentItems).toHaveLength(3)
    const alertsStack = alerts.container.parent.parent!
    expect(alertsStack).not.toBe(chartStack)
    // right after the chart's stack in the bottom row, before metrics
    const row = chartStack.parent!
    expect(row.isRow).toBe(true)
    expect(row.contentItems.indexOf(alertsStack)).toBe(row.contentItems.indexOf(chartStack) + 1)
    expect(row.contentItems).toHaveLength(3)

    act(() => controller.openPanel(entry('tier-board:1')))
    expect(controller.getPanels().filter((p) => p.type === 'tier-board')).toHaveLength(4)
  })

  it('shows a hint when every panel is closed', () => {
    const { controller, all } = mountDock()
    act(() => controller.applyDefault())
    expect(all('[data-testid="dock-empty"]')).toHaveLength(0)
    act(() => {
      for (const p of [...controller.getPanels()]) p.container.close()
    })
    expect(all('.dock-panel')).toHaveLength(0)
    expect(all('[data-testid="dock-empty"]')).toHaveLength(1)
  })
})

function all(d: { all: (sel: string) => HTMLElement[] }, testid: string) {
  return d.all(`[data-testid="${testid}"]`)
}
