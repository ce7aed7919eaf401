/**
 * The docking area: golden-layout's element, the overlay that holds the
 * panel divs, and one portal per panel (content + link chip in its tab).
 */
import { Component, memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ErrorInfo, type ReactNode } from 'react'
import { useDismiss } from './use-dismiss'
import type { KeyboardEvent as ReactKeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import { useStore } from 'zustand'
import type { TerminalApi } from '../../../shared/contract'
import type { LinkStore } from '../state/link-store'
import type { DockController, PanelInstance } from './dock-controller'
import { LINK_COLORS, type LinkColor, type PanelLink } from './panel-types'

export interface DockProps {
  controller: DockController
  api: TerminalApi
  links: LinkStore
  /** Shown over an empty docking area once the layout is decided. */
  showEmptyHint: boolean
}

export function Dock({ controller, api, links, showEmptyHint }: DockProps) {
  const hostRef = useRef<HTMLDivElement>(null)
  const overlayRef = useRef<HTMLDivElement>(null)
  const panels = useSyncExternalStore(controller.subscribe, controller.getPanels)
  const [linkMenu, setLinkMenu] = useState<{ inst: PanelInstance; anchor: DOMRect } | null>(null)

  useLayoutEffect(() => {
    controller.mount(hostRef.current!, overlayRef.current!)
    return () => controller.unmount()
  }, [controller])

  const openLinkMenu = useCallback((inst: PanelInstance, anchor: DOMRect) => setLinkMenu({ inst, anchor }), [])

  return (
    <div className="dock" data-testid="dock">
      <div className="dock-host" ref={hostRef} />
      <div className="dock-overlay" ref={overlayRef} />
      {panels.map((inst) => (
        <PanelPortals key={inst.id} inst={inst} controller={controller} api={api} links={links} onOpenLinkMenu={openLinkMenu} />
      ))}
      {showEmptyHint && panels.length === 0 && (
        <div className="dock-empty" data-testid="dock-empty">
          No panels open. Open one from the <b>Panels</b> menu, or press <kbd>Ctrl</kbd>+<kbd>K</kbd>.
        </div>
      )}
      {linkMenu && panels.includes(linkMenu.inst) && (
        <LinkMenu inst={linkMenu.inst} anchor={linkMenu.anchor} links={links} onClose={() => setLinkMenu(null)} />
      )}
    </div>
  )
}

interface PanelPortalsProps {
  inst: PanelInstance
  controller: DockController
  api: TerminalApi
  links: LinkStore
  onOpenLinkMenu(inst: PanelInstance, anchor: DOMRect): void
}

const PanelPortals = memo(function PanelPortals({ inst, controller, api, links, onOpenLinkMenu }: PanelPortalsProps) {
  return (
    <>
      {createPortal(<PanelFrame inst={inst} controller={controller} api={api} links={links} />, inst.element)}
      {createPortal(<LinkChip inst={inst} links={links} onOpen={onOpenLinkMenu} />, inst.chipHost)}
    </>
  )
})

function PanelFrame({ inst, controller, api, links }: { inst: PanelInstance; controller: DockController; api: TerminalApi; links: LinkStore }) {
  const snap = useSyncExternalStore(inst.subscribe, inst.getSnapshot)
  const groupSymbol = useStore(links, (s) => (snap.link === 'none' ? null : s.groups[snap.link]))
  const symbol = snap.link === 'none' ? snap.ownSymbol : groupSymbol
  const link = useMemo<PanelLink>(
    () => ({ color: snap.link, symbol, setSymbol: (s: string) => controller.setPanelSymbol(inst, s) }),
    [snap.link, symbol, controller, inst],
  )
  const def = inst.def
  if (!def) {
    return (
      <div className="panel-unknown" data-testid="panel-unknown">
        This layout has a panel of type <code>{inst.type}</code>, which this version does not know. Close it, or load the
        layout in a newer version.
      </div>
    )
  }
  const Panel = def.component
  return (
    <PanelErrorBoundary name={def.menuName}>
      <Panel state={snap.state} setState={inst.setState} link={link} api={api} visible={snap.visible} />
    </PanelErrorBoundary>
  )
}

class PanelErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`panel ${this.props.name} failed`, error, info.componentStack)
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="panel-error" data-testid="panel-error">
          <div>
            {this.props.name} stopped: {this.state.error.message}
          </div>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Restart panel
          </button>
        </div>
      )
    }
    return this.props.children
  }
}

const COLOR_LABEL: Record<LinkColor, string> = { none: 'Not linked', red: 'Red', green: 'Green', blue: 'Blue', yellow: 'Yellow' }

function LinkChip({ inst, links, onOpen }: { inst: PanelInstance; links: LinkStore; onOpen(inst: PanelInstance, anchor: DOMRect): void }) {
  const snap = useSyncExternalStore(inst.subscribe, inst.getSnapshot)
  const groupSymbol = useStore(links, (s) => (snap.link === 'none' ? null : s.groups[snap.link]))
  const symbol = snap.link === 'none' ? snap.ownSymbol : groupSymbol
  const label = `${COLOR_LABEL[snap.link]} link${symbol ? `: ${symbol}` : ''} (click to change)`
  return (
    <button
      type="button"
      className={`link-chip link-${snap.link}`}
      data-testid="link-chip"
      data-link-color={snap.link}
      data-panel-id={inst.id}
      title={label}
      aria-label={label}
      // golden-layout starts tab drags on pointerdown of the tab itself; keep it off the chip.
      onPointerDown={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation()
        onOpen(inst, e.currentTarget.getBoundingClientRect())
      }}
    />
  )
}

function LinkMenu({ inst, anchor, links, onClose }: { inst: PanelInstance; anchor: DOMRect; links: LinkStore; onClose(): void }) {
  const snap = useSyncExternalStore(inst.subscribe, inst.getSnapshot)
  const groups = useStore(links, (s) => s.groups)
  const ref = useRef<HTMLDivElement>(null)

  useDismiss(ref, onClose, '[aria-checked="true"]')

  const move = (e: ReactKeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])]
    const i = items.indexOf(document.activeElement as HTMLButtonElement)
    items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
  }

  return createPortal(
    <div
      ref={ref}
      className="popover link-menu"
      data-testid="link-menu"
      role="menu"
      style={{ left: Math.max(4, Math.min(anchor.left, window.innerWidth - 200)), top: anchor.bottom + 4 }}
      onKeyDown={move}
    >
      {LINK_COLORS.map((color) => (
        <button
          key={color}
          type="button"
          role="menuitemradio"
          aria-checked={snap.link === color}
          className="menu-entry"
          data-testid="link-option"
          data-link-color={color}
          onClick={() => {
            inst.setLink(color)
            onClose()
          }}
        >
          <span className={`link-swatch link-${color}`} />
          <span className="menu-entry-title">{COLOR_LABEL[color]}</span>
          <span className="menu-entry-hint">{color === 'none' ? (snap.ownSymbol ?? '') : (groups[color] ?? '')}</span>
        </button>
      ))}
    </div>,
    document.body,
  )
}
