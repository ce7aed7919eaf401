/**
 * The menu bar over the docking area: Panels, Layout and View menus built
 * from the same commands as the palette, and the layout in use.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Command } from './commands'

export interface MenuBarProps {
  commands: readonly Command[]
  /** Named layout in use, null: none chosen. */
  current: string | null
  dirty: boolean
  saving: boolean
  onPalette(): void
}

type MenuId = 'panels' | 'layout' | 'view'

interface MenuSection {
  label?: string
  commands: Command[]
}

function layoutSections(commands: readonly Command[]): MenuSection[] {
  const byPrefix = (p: string) => commands.filter((c) => c.id.startsWith(p))
  return [
    { commands: [...byPrefix('layout.save')] },
    { label: 'Load', commands: byPrefix('layout.load:') },
    { commands: [...byPrefix('layout.rename-current'), ...byPrefix('layout.delete-current'), ...byPrefix('layout.manage'), ...byPrefix('layout.reset')] },
  ].filter((s) => s.commands.length > 0)
}

function sectionsFor(menu: MenuId, commands: readonly Command[]): MenuSection[] {
  switch (menu) {
    case 'panels':
      return [{ commands: commands.filter((c) => c.group === 'Panels') }]
    case 'layout':
      return layoutSections(commands)
    case 'view':
      return [
        { label: 'Theme', commands: commands.filter((c) => c.id === 'theme.dark' || c.id === 'theme.light') },
        { commands: commands.filter((c) => c.id === 'symbol.jump') },
        { label: 'Alerts', commands: commands.filter((c) => c.group === 'Alerts') },
      ].filter((s) => s.commands.length > 0)
  }
}

const MENUS: { id: MenuId; label: string }[] = [
  { id: 'panels', label: 'Panels' },
  { id: 'layout', label: 'Layout' },
  { id: 'view', label: 'View' },
]

export function MenuBar({ commands, current, dirty, saving, onPalette }: MenuBarProps) {
  const [open, setOpen] = useState<MenuId | null>(null)
  const barRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!open) return
    const onDown = (e: PointerEvent) => {
      if (!barRef.current?.contains(e.target as Node)) setOpen(null)
    }
    document.addEventListener('pointerdown', onDown, true)
    barRef.current?.querySelector<HTMLButtonElement>('.menu-dropdown [role^="menuitem"]')?.focus()
    return () => document.removeEventListener('pointerdown', onDown, true)
  }, [open])

  const onMenuKey = (e: KeyboardEvent) => {
    if (!open) return
    const items = [...(barRef.current?.querySelectorAll<HTMLButtonElement>('.menu-dropdown [role^="menuitem"]') ?? [])]
    const i = items.indexOf(document.activeElement as HTMLButtonElement)
    if (e.key === 'Escape') {
      e.preventDefault()
      const id = open
      setOpen(null)
      barRef.current?.querySelector<HTMLButtonElement>(`[data-menu="${id}"]`)?.focus()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (items.length) items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1) + items.length) % items.length]?.focus()
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault()
      const m = MENUS.findIndex((x) => x.id === open)
      setOpen(MENUS[(m + (e.key === 'ArrowRight' ? 1 : MENUS.length - 1)) % MENUS.length]!.id)
    }
  }

  const state = saving ? 'saving…' : dirty ? 'unsaved changes' : 'saved'
  return (
    <nav className="menu-bar" data-testid="menu-bar" ref={barRef} onKeyDown={onMenuKey} aria-label="Terminal menu">
      <span className="brand">TickStock</span>
      {MENUS.map((m) => (
        <div key={m.id} className="menu">
          <button
            type="button"
            className={open === m.id ? 'menu-button open' : 'menu-button'}
            data-testid={`menu-${m.id}`}
            data-menu={m.id}
            aria-haspopup="menu"
            aria-expanded={open === m.id}
            onClick={() => setOpen(open === m.id ? null : m.id)}
            onPointerEnter={() => open && open !== m.id && setOpen(m.id)}
          >
            {m.label}
          </button>
          {open === m.id && (
            <div className="menu-dropdown popover" role="menu" data-testid={`menu-${m.id}-list`}>
              {sectionsFor(m.id, commands).map((section, si) => (
                <div key={si} className="menu-section" role="group" aria-label={section.label}>
                  {si > 0 && <div className="menu-separator" role="separator" />}
                  {section.label && <div className="menu-label">{section.label}</div>}
                  {section.commands.map((c) => (
                    <button
                      key={c.id}
                      type="button"
                      role={c.checked === undefined ? 'menuitem' : 'menuitemradio'}
                      aria-checked={c.checked}
                      className="menu-entry"
                      data-testid="menu-item"
                      data-command-id={c.id}
                      onClick={() => {
                        setOpen(null)
                        c.run()
                      }}
                    >
                      <span className="menu-check">{c.checked ? '✓' : ''}</span>
                      <span className="menu-entry-title">{menuTitle(c)}</span>
                      {c.hint && <span className="menu-entry-hint">{c.hint}</span>}
                    </button>
                  ))}
                </div>
              ))}
            </div>
          )}
        </div>
      ))}
      <button type="button" className="menu-button palette-button" data-testid="menu-palette" onClick={onPalette} title="Command palette (Ctrl+K)">
        Commands <kbd>Ctrl</kbd>
        <kbd>K</kbd>
      </button>
      <span className="menu-spacer" />
      <span className="layout-indicator" data-testid="layout-current" data-layout-name={current ?? ''} data-dirty={dirty} title={`Layout: ${current ?? 'not saved under a name (kept as the last session)'}; ${state}`}>
        <span className="label">Layout</span>
        <span className="layout-indicator-name">{current ?? 'Last session'}</span>
        <span className={`layout-indicator-dot ${saving ? 'saving' : dirty ? 'dirty' : 'clean'}`} aria-label={state} />
      </span>
    </nav>
  )
}

/** In the menu, "Open Tier board: Daily" reads as "Tier board: Daily"; "Load layout: X" under "Load" as "X". */
function menuTitle(c: Command): string {
  if (c.id.startsWith('panel.open:')) return c.title.replace(/^Open /, '')
  if (c.id.startsWith('layout.load:')) return c.title.replace(/^Load layout: /, '')
  if (c.id.startsWith('theme.')) return c.title.replace(/^Theme: /, '')
  return c.title
}
