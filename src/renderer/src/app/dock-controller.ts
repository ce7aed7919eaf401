/**
 * The golden-layout host, outside React. Panels are golden-layout virtual
 * components: for each one the controller makes a positioned div (over the
 * docking area, not inside it) that React fills through a portal, and a span
 * in the panel's tab for its link chip. golden-layout tells us where each div
 * goes (rect, visibility, z-index); React never touches golden-layout's DOM.
 *
 * `gl.destroy()` does not call the unbind handler, so unmount() disposes the
 * panels itself (React StrictMode mounts, unmounts and mounts again).
 */
import {
  ContentItem,
  GoldenLayout,
  LayoutConfig,
  ResolvedComponentItemConfig,
  type ComponentContainer,
  type ComponentItem,
  type ComponentItemConfig,
  type EventEmitter,
  type ResolvedLayoutConfig,
  type RowOrColumn,
  type Stack,
  type Tab,
} from 'golden-layout'
import type { GlConfigJson, LayoutDocument, PanelItemState } from '../state/layout-format'
import { parsePanelItemState } from '../state/layout-format'
import { emptyLinkGroups, normalizeSymbol, type LinkStore } from '../state/link-store'
import type { DockPort } from '../state/layout-store'
import { DEFAULT_CHART_SYMBOL, LAYOUT_CHROME, defaultLayoutConfig } from './default-layout'
import { TIER_BOARD_TYPE, type AnyPanelDefinition, type PanelEntry, type PanelRegistry } from './panel-registry'
import type { LinkColor } from './panel-types'

export interface PanelSnapshot {
  state: unknown
  link: LinkColor
  /** The panel's own symbol, used while link is 'none'. */
  ownSymbol: string | null
  visible: boolean
  focused: boolean
  title: string
}

/** Panel types traders keep several of; opening any other type again brings its one copy forward. */
export const MULTI_INSTANCE_PANEL_TYPES: ReadonlySet<string> = new Set([TIER_BOARD_TYPE, 'chart'])
/** A stack holding this many tabs gets a new panel in a stack beside it rather than one more tab. */
export const CROWDED_STACK_TABS = 3

let nextPanelId = 1

export class PanelInstance {
  readonly id = `p${nextPanelId++}`
  /** Portal target for the panel's content. */
  readonly element: HTMLDivElement
  /** Portal target for the link chip, moved into whichever tab golden-layout gives the panel. */
  readonly chipHost: HTMLSpanElement
  private snap: PanelSnapshot
  private readonly listeners = new Set<() => void>()
  private tabElement: HTMLElement | null = null

  constructor(
    readonly type: string,
    /** undefined: a type this build does not know (its state is kept as it was). */
    readonly def: AnyPanelDefinition | undefined,
    readonly container: ComponentContainer,
    initial: { state: unknown; link: LinkColor; symbol: string | null },
    private readonly onChange: (inst: PanelInstance) => void,
  ) {
    this.element = document.createElement('div')
    this.element.className = 'dock-panel'
    this.element.dataset.testid = 'panel'
    this.element.dataset.panelType = type
    this.element.dataset.panelId = this.id
    this.chipHost = document.createElement('span')
    this.chipHost.className = 'link-chip-host'
    this.snap = { state: initial.state, link: initial.link, ownSymbol: initial.symbol, visible: true, focused: false, title: this.titleFor(initial.state) }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  readonly getSnapshot = (): PanelSnapshot => this.snap

  get link(): LinkColor {
    return this.snap.link
  }

  private update(patch: Partial<PanelSnapshot>, changed: boolean): void {
    this.snap = { ...this.snap, ...patch }
    for (const l of this.listeners) l()
    if (changed) this.onChange(this)
  }

  private titleFor(state: unknown): string {
    if (!this.def) return `Unknown panel (${this.type})`
    try {
      return this.def.title(state)
    } catch {
      return this.def.menuName
    }
  }

  readonly setState = (next: unknown): void => {
    if (Object.is(next, this.snap.state)) return
    const title = this.titleFor(next)
    this.update({ state: next, title }, true)
    if (title !== this.container.title) this.container.setTitle(title)
  }

  setLink(link: LinkColor): void {
    if (link === this.snap.link) return
    this.update({ link }, true)
    if (this.tabElement) this.tabElement.dataset.linkColor = link
  }

  setOwnSymbol(symbol: string): void {
    const s = normalizeSymbol(symbol)
    if (!s || s === this.snap.ownSymbol) return
    this.update({ ownSymbol: s }, true)
  }

  setVisible(visible: boolean): void {
    if (visible !== this.snap.visible) this.update({ visible }, false)
  }

  setFocused(focused: boolean): void {
    if (focused !== this.snap.focused) this.update({ focused }, false)
  }

  /** What golden-layout saves for this panel (its stateRequestEvent). */
  persisted(): PanelItemState {
    return { state: this.snap.state, link: this.snap.link, symbol: this.snap.ownSymbol }
  }

  attachTab(tab: Tab, onPointerDown: () => void): void {
    const el = tab.element
    this.tabElement = el
    el.dataset.testid = 'panel-header'
    el.dataset.panelType = this.type
    el.dataset.panelId = this.id
    el.dataset.linkColor = this.snap.link
    el.insertBefore(this.chipHost, tab.titleElement)
    el.addEventListener('pointerdown', onPointerDown)
  }

  dispose(): void {
    this.element.remove()
    this.chipHost.remove()
    this.listeners.clear()
  }
}

export interface DockControllerOptions {
  registry: PanelRegistry
  links: LinkStore
  /** Something the user would want saved changed (arrangement, a panel's state or link, a link group's symbol). */
  onChange(): void
}

type Pending = { kind: 'doc'; doc: LayoutDocument } | { kind: 'default' } | null

export class DockController implements DockPort {
  private gl: GoldenLayout | null = null
  private host: HTMLElement | null = null
  private overlay: HTMLElement | null = null
  private overlayRect: DOMRect | null = null
  private readonly byContainer = new Map<ComponentContainer, PanelInstance>()
  private list: readonly PanelInstance[] = []
  private readonly listeners = new Set<() => void>()
  private focusedId: string | null = null
  /** What to show when (re)mounted: set by apply* before mount, and by unmount. */
  private pending: Pending = null
  private offLinks: (() => void) | null = null
  private resizeObserver: ResizeObserver | null = null

  constructor(private readonly opts: DockControllerOptions) {}

  // ------------------------------------------------------------ panels for React

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  readonly getPanels = (): readonly PanelInstance[] => this.list

  private panelsChanged(): void {
    this.list = [...this.byContainer.values()]
    for (const l of this.listeners) l()
  }

  get mounted(): boolean {
    return this.gl !== null
  }

  // ------------------------------------------------------------ lifecycle

  /** `host` is golden-layout's element; `overlay` covers it exactly and holds the panel divs. */
  mount(host: HTMLElement, overlay: HTMLElement): void {
    if (this.gl) this.unmount()
    this.host = host
    this.overlay = overlay
    this.createLayout()
    this.offLinks = this.opts.links.subscribe((s, prev) => {
      if (s.groups !== prev.groups) this.opts.onChange()
    })
    const pending = this.pending
    this.pending = null
    if (pending?.kind === 'doc') {
      try {
        this.apply(pending.doc)
      } catch (err) {
        console.error('restoring the layout after a remount failed', err)
        this.applyDefault()
      }
    } else if (pending?.kind === 'default') {
      this.applyDefault()
    }
  }

  unmount(): void {
    if (!this.gl) return
    try {
      if (this.gl.rootItem) this.pending = { kind: 'doc', doc: this.capture() }
    } catch {
      // nothing worth keeping
    }
    this.offLinks?.()
    this.offLinks = null
    this.destroyLayout()
    this.host = null
    this.overlay = null
  }

  private createLayout(): void {
    const host = this.host!
    const overlay = this.overlay!
    const gl = new GoldenLayout(
      host,
      (container, itemConfig) => this.bind(container, itemConfig),
      (container) => this.unbind(container),
    )
    // Follow the host's size in the same frame (golden-layout's own observer waits 100 ms, leaving the
    // panels mis-sized for a few frames after every window resize).
    gl.resizeWithContainerAutomatically = false
    this.resizeObserver = new ResizeObserver(() => {
      if (this.gl === gl && host.clientWidth > 0 && host.clientHeight > 0) gl.setSize(host.clientWidth, host.clientHeight)
    })
    this.resizeObserver.observe(host)
    gl.beforeVirtualRectingEvent = () => {
      this.overlayRect = overlay.getBoundingClientRect()
    }
    gl.on('stateChanged', () => this.opts.onChange())
    gl.on('focus', (ev: EventEmitter.BubblingEvent) => {
      const item = ev.target as ComponentItem
      const inst = item && 'container' in item ? this.byContainer.get(item.container) : undefined
      if (inst) this.markFocused(inst)
    })
    this.overlayRect = overlay.getBoundingClientRect()
    this.gl = gl
  }

  /** Tear golden-layout down and drop every panel (unbind is not called by destroy). */
  private destroyLayout(): void {
    const gl = this.gl
    this.gl = null
    this.resizeObserver?.disconnect()
    this.resizeObserver = null
    try {
      gl?.destroy()
    } catch (err) {
      console.error('golden-layout destroy failed', err)
    }
    for (const inst of this.byContainer.values()) inst.dispose()
    this.byContainer.clear()
    this.focusedId = null
    this.panelsChanged()
  }

  // ------------------------------------------------------------ golden-layout binding

  private bind(container: ComponentContainer, itemConfig: ResolvedComponentItemConfig): ComponentContainer.BindableComponent {
    const { registry } = this.opts
    const type = ResolvedComponentItemConfig.resolveComponentTypeName(itemConfig) ?? String(itemConfig.componentType)
    const def = registry.get(type)
    const saved = parsePanelItemState(itemConfig.componentState)
    const isNew = itemConfig.componentState === undefined
    const state = def ? registry.parseState(def, saved.state) : saved.state
    const link = isNew && def ? registry.defaultLink(def) : saved.link
    const inst = new PanelInstance(type, def, container, { state, link, symbol: saved.symbol }, () => this.opts.onChange())
    const el = inst.element
    this.overlay!.appendChild(el)

    container.virtualRectingRequiredEvent = (c, width, height) => {
      const rect = c.element.getBoundingClientRect()
      const base = this.overlayRect ?? this.overlay?.getBoundingClientRect()
      el.style.left = `${rect.left - (base?.left ?? 0)}px`
      el.style.top = `${rect.top - (base?.top ?? 0)}px`
      el.style.width = `${width}px`
      el.style.height = `${height}px`
    }
    container.virtualVisibilityChangeRequiredEvent = (_c, visible) => {
      el.style.display = visible ? '' : 'none'
      inst.setVisible(visible)
    }
    container.virtualZIndexChangeRequiredEvent = (_c, _logical, defaultZIndex) => {
      el.style.zIndex = defaultZIndex
    }
    container.stateRequestEvent = () => inst.persisted() as unknown as ReturnType<NonNullable<ComponentContainer['stateRequestEvent']>>
    const focus = () => this.focusPanel(inst)
    container.on('tab', (tab: Tab) => inst.attachTab(tab, focus))
    if (container.tab) inst.attachTab(container.tab, focus)
    el.addEventListener('pointerdown', focus, { capture: true })
    if (container.title !== inst.getSnapshot().title) container.setTitle(inst.getSnapshot().title)

    this.byContainer.set(container, inst)
    this.panelsChanged()
    return { component: inst, virtual: true }
  }

  private unbind(container: ComponentContainer): void {
    const inst = this.byContainer.get(container)
    if (!inst) return
    inst.dispose()
    this.byContainer.delete(container)
    if (this.focusedId === inst.id) this.focusedId = null
    this.panelsChanged()
  }

  // ------------------------------------------------------------ focus and symbols

  private markFocused(inst: PanelInstance): void {
    if (this.focusedId === inst.id) return
    for (const p of this.byContainer.values()) p.setFocused(p === inst)
    this.focusedId = inst.id
  }

  focusPanel(inst: PanelInstance): void {
    this.markFocused(inst)
    if (!inst.container.parent.focused) {
      try {
        inst.container.focus()
      } catch {
        // golden-layout refuses focus while dragging; ours is already set
      }
    }
  }

  focusedPanel(): PanelInstance | null {
    return this.list.find((p) => p.id === this.focusedId) ?? null
  }

  /** Select a symbol for a panel: its whole link group, or only itself when unlinked. */
  setPanelSymbol(inst: PanelInstance, symbol: string): void {
    if (inst.link === 'none') inst.setOwnSymbol(symbol)
    else this.opts.links.getState().setSymbol(inst.link, symbol)
  }

  /**
   * "Jump to symbol": the focused panel's group; else the first linked group
   * on screen; else the focused unlinked panel; else red. Returns what moved.
   */
  jumpToSymbol(symbol: string): string | null {
    const s = normalizeSymbol(symbol)
    if (!s) return null
    const focused = this.focusedPanel()
    const setGroup = (color: Exclude<LinkColor, 'none'>) => {
      this.opts.links.getState().setSymbol(color, s)
      return `${color} group`
    }
    if (focused && focused.link !== 'none') return setGroup(focused.link)
    const linked = this.list.find((p) => p.link !== 'none')
    if (linked && linked.link !== 'none') return setGroup(linked.link)
    if (focused) {
      focused.setOwnSymbol(s)
      return focused.getSnapshot().title
    }
    return setGroup('red')
  }

  // ------------------------------------------------------------ panels

  /**
   * Open a panel from the menu or the palette. A type of which one copy is enough
   * is brought forward if open; a new panel goes into the focused stack, or into a
   * new stack to its right when that stack is already crowded.
   */
  openPanel(entry: PanelEntry): void {
    const gl = this.gl
    if (!gl) return
    if (!MULTI_INSTANCE_PANEL_TYPES.has(entry.def.type)) {
      const existing = this.list.find((p) => p.type === entry.def.type)
      if (existing) {
        this.revealPanel(existing)
        return
      }
    }
    const componentState: PanelItemState = { state: entry.state, link: this.opts.registry.defaultLink(entry.def), symbol: null }
    let title = entry.name
    try {
      title = entry.def.title(entry.state)
    } catch {
      // keep the menu name
    }
    const item: ComponentItemConfig = {
      type: 'component',
      componentType: entry.def.type,
      componentState: componentState as unknown as ComponentItemConfig['componentState'],
      title,
    }
    const before = new Set(this.byContainer.keys())
    if (!this.addBesideCrowdedStack(item)) gl.addItem(item)
    const added = [...this.byContainer.entries()].find(([c]) => !before.has(c))?.[1]
    if (added) this.focusPanel(added)
  }

  /** Show an open panel: leave any other maximised stack, make its tab active, focus it. */
  private revealPanel(inst: PanelInstance): void {
    const item = inst.container.parent
    const stack = item.parent
    const maximised = this.gl?.maximisedStack
    if (maximised && maximised !== stack) maximised.minimise()
    if (stack && ContentItem.isStack(stack)) stack.setActiveComponentItem(item, false)
    this.focusPanel(inst)
  }

  /**
   * When the focused stack holds CROWDED_STACK_TABS or more, add the panel as a new
   * stack right after it in the nearest row (a new column). False when there is no
   * such stack or row: the caller then lets golden-layout choose (the focused stack).
   */
  private addBesideCrowdedStack(item: ComponentItemConfig): boolean {
    const focused = this.focusedPanel()?.container.parent.parent ?? this.gl?.focusedComponentItem?.parent
    if (!focused || !ContentItem.isStack(focused)) return false
    const stack: Stack = focused
    if (stack.contentItems.length < CROWDED_STACK_TABS || stack.isMaximised) return false
    let child: ContentItem = stack
    let parent = stack.parent
    while (parent && !parent.isRow) {
      child = parent
      parent = parent.parent
    }
    if (!parent) return false
    const row = parent as RowOrColumn
    row.addItem({ type: 'stack', content: [item] }, row.contentItems.indexOf(child) + 1)
    return true
  }

  // ------------------------------------------------------------ DockPort

  capture(): LayoutDocument {
    const links = { ...this.opts.links.getState().groups }
    if (!this.gl) {
      if (this.pending?.kind === 'doc') return this.pending.doc
      return { gl: { resolved: true, root: null }, links }
    }
    const saved: ResolvedLayoutConfig = this.gl.saveLayout()
    return { gl: JSON.parse(JSON.stringify(saved)) as GlConfigJson, links }
  }

  apply(doc: LayoutDocument): void {
    if (!this.gl) {
      this.pending = { kind: 'doc', doc }
      this.opts.links.getState().replaceGroups(doc.links)
      return
    }
    const config = LayoutConfig.fromResolved(doc.gl as unknown as ResolvedLayoutConfig)
    const withChrome: LayoutConfig = {
      ...config,
      openPopouts: [],
      settings: { ...config.settings, ...LAYOUT_CHROME.settings },
      header: { ...config.header, ...LAYOUT_CHROME.header },
      dimensions: { ...config.dimensions, ...LAYOUT_CHROME.dimensions },
    }
    this.opts.links.getState().replaceGroups(doc.links)
    try {
      this.gl.loadLayout(withChrome)
    } catch (err) {
      // A half-loaded layout is not worth keeping: start golden-layout afresh.
      this.destroyLayout()
      this.createLayout()
      throw err
    }
  }

  applyDefault(): void {
    this.opts.links.getState().replaceGroups({ ...emptyLinkGroups(), red: DEFAULT_CHART_SYMBOL })
    if (!this.gl) {
      this.pending = { kind: 'default' }
      return
    }
    const config = defaultLayoutConfig(this.opts.registry)
    try {
      this.gl.loadLayout(config)
    } catch (err) {
      console.error('loading the default layout failed; retrying on a fresh layout', err)
      this.destroyLayout()
      this.createLayout()
      this.gl!.loadLayout(config)
    }
  }
}
