import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useStore } from 'zustand'
import { StatusBar } from '../panels/StatusBar'
import { TerminalStoreContext } from '../state/terminal-store'
import { CommandPalette } from './CommandPalette'
import { Dock } from './Dock'
import { LayoutDialog } from './LayoutDialogs'
import { MenuBar } from './MenuBar'
import { NoticeToast } from './NoticeToast'
import { buildCommands, type DialogRequest } from './shell-commands'
import type { Shell } from './shell'
import { OPEN_SYMBOL_COMMAND, PALETTE_COMMAND } from '../../../shared/menu-commands'
import { AlertLayer } from '../alerts/AlertLayer'
import { useAlertCommands } from '../alerts/alert-commands'
import { AlertsContext, useAppAlertController } from '../alerts/alerts-context'

export function App({ shell }: { shell: Shell }) {
  const { layout, theme, links, dock, registry, api, terminal } = shell
  const layouts = useStore(layout.store, (s) => s.layouts)
  const current = useStore(layout.store, (s) => s.current)
  const dirty = useStore(layout.store, (s) => s.dirty)
  const saving = useStore(layout.store, (s) => s.saving)
  const phase = useStore(layout.store, (s) => s.phase)
  const themeName = useStore(theme, (s) => s.theme)
  const [paletteOpen, setPaletteOpen] = useState(false)
  const [dialog, setDialog] = useState<DialogRequest | null>(null)
  const returnFocus = useRef<HTMLElement | null>(null)
  const alerts = useAppAlertController(api, (symbol) => dock.jumpToSymbol(symbol))
  const alertCommands = useAlertCommands(alerts)

  const openPalette = useCallback(() => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
    setDialog(null)
    setPaletteOpen(true)
  }, [])
  const closePalette = useCallback(() => {
    setPaletteOpen(false)
    returnFocus.current?.focus?.()
  }, [])

  const commands = useMemo(
    () => [
      ...buildCommands({
        panels: registry.entries(),
        layouts,
        current,
        theme: themeName,
        openPanel: (entry) => dock.openPanel(entry),
        saveLayout: () => {
          void layout.save().then((r) => {
            if (!r.ok && r.needsName) setDialog({ kind: 'save-as' })
            else if (!r.ok) layout.notify('error', r.message)
          })
        },
        loadLayout: (name) => void layout.load(name),
        resetLayout: () => void layout.resetToDefault(),
        openDialog: setDialog,
        setTheme: (t) => theme.getState().setTheme(t),
        openPalette,
      }),
      ...alertCommands,
    ],
    [registry, layouts, current, themeName, dock, layout, theme, openPalette, alertCommands],
  )
  const paletteCommands = useMemo(() => commands.filter((c) => c.id !== 'symbol.jump'), [commands])

  useEffect(() => layout.start(), [layout])

  // The desktop's application menu runs the same commands, by id.
  const commandsRef = useRef(commands)
  commandsRef.current = commands
  useEffect(
    () =>
      api.onHostCommand?.((id) => {
        if (id === PALETTE_COMMAND) openPalette()
        // A desktop notification was clicked: its symbol goes to the linked panels.
        else if (id.startsWith(OPEN_SYMBOL_COMMAND)) dock.jumpToSymbol(id.slice(OPEN_SYMBOL_COMMAND.length))
        else commandsRef.current.find((c) => c.id === id)?.run()
      }),
    [api, openPalette, dock],
  )

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        if (paletteOpen) closePalette()
        else openPalette()
      }
    }
    // Best effort: a pending auto-save goes out before the page does.
    const onHide = () => void layout.flush()
    window.addEventListener('keydown', onKey, true)
    window.addEventListener('pagehide', onHide)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      window.removeEventListener('pagehide', onHide)
    }
  }, [layout, paletteOpen, openPalette, closePalette])

  return (
    <TerminalStoreContext value={terminal}>
      <AlertsContext value={alerts}>
        <div className="app">
          <MenuBar commands={commands} current={current} dirty={dirty} saving={saving} onPalette={openPalette} />
          <main className="workspace">
            <Dock controller={dock} api={api} links={links} showEmptyHint={phase === 'ready'} />
            <NoticeToast layout={layout} />
            <AlertLayer controller={alerts} dock={dock} />
          </main>
          <StatusBar store={terminal} />
          {paletteOpen && <CommandPalette commands={paletteCommands} onSymbol={(s) => dock.jumpToSymbol(s)} onClose={closePalette} />}
          {dialog && <LayoutDialog request={dialog} layout={layout} onClose={() => setDialog(null)} onOpen={setDialog} />}
        </div>
      </AlertsContext>
    </TerminalStoreContext>
  )
}
