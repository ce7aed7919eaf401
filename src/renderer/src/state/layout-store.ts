/**
 * Layout persistence: which layout is in use, restoring it at start-up,
 * auto-saving changes to it (debounced), and the named-layout actions
 * (save as, load, rename, delete, reset). Layouts live in the engine
 * (`layouts.*`, SQLite) so the desktop and browser hosts share them; the
 * layout in use is the `currentLayout` preference (null: none chosen, and
 * the screen is auto-saved as LAST_SESSION_LAYOUT instead).
 *
 * The dock (golden-layout) is behind DockPort so this logic is testable
 * without a DOM layout engine.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { TerminalApi } from '../../../shared/contract'
import type { LayoutSummary, Prefs } from '../../../shared/domain'
import {
  LAST_SESSION_LAYOUT,
  checkLayoutName,
  parseSavedLayout,
  serializeLayout,
  type LayoutDocument,
} from './layout-format'

export interface DockPort {
  /** The layout on screen now. */
  capture(): LayoutDocument
  /** Show a document; throws if golden-layout refuses it. */
  apply(doc: LayoutDocument): void
  /** Show the default layout. */
  applyDefault(): void
}

export interface Notice {
  id: number
  tone: 'info' | 'warn' | 'error'
  text: string
}

export interface LayoutState {
  /** 'restoring' until the start-up layout is decided; nothing is auto-saved before that. */
  phase: 'restoring' | 'ready'
  /** The named layout in use; null: none chosen (auto-saved as LAST_SESSION_LAYOUT). */
  current: string | null
  /** Named layouts in the engine (the internal last-session one is left out). */
  layouts: LayoutSummary[]
  /** Changes not yet saved. */
  dirty: boolean
  saving: boolean
  notice: Notice | null
}

export type ActionResult = { ok: true } | { ok: false; message: string }

export interface LayoutController {
  readonly store: StoreApi<LayoutState>
  /** Restore the start-up layout (retrying until the engine answers) and watch the connection. Returns the stop. */
  start(): () => void
  /** The dock reports a change: auto-save after the debounce. */
  changed(): void
  /** Save pending changes now. */
  flush(): Promise<void>
  /** Save the current named layout now; fails with needsName when none is chosen. */
  save(): Promise<ActionResult & { needsName?: boolean }>
  saveAs(name: string): Promise<ActionResult>
  load(name: string): Promise<ActionResult>
  rename(from: string, to: string): Promise<ActionResult>
  remove(name: string): Promise<ActionResult>
  resetToDefault(): Promise<void>
  refresh(): Promise<void>
  notify(tone: Notice['tone'], text: string): void
  dismissNotice(): void
  /** The stored form of what is on screen, with the name it is saved under. */
  snapshot(): { name: string; version: number; config: unknown }
}

export interface LayoutControllerOptions {
  api: Pick<TerminalApi, 'invoke' | 'onConnection'>
  dock: DockPort
  /** Auto-save delay after the last change. */
  debounceMs?: number
  /** Show the default layout if the engine has not answered by then (it is replaced once it does, unless changed). */
  fallbackMs?: number
  /** How often to retry the start-up requests while the engine does not answer. */
  retryMs?: number
  /** Preferences as read at start-up (the theme, for one). */
  onPrefs?(prefs: Prefs): void
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export function createLayoutController(opts: LayoutControllerOptions): LayoutController {
  const { api, dock } = opts
  const debounceMs = opts.debounceMs ?? 1000
  const fallbackMs = opts.fallbackMs ?? 2500
  const retryMs = opts.retryMs ?? 1000

  const store = createStore<LayoutState>()(() => ({
    phase: 'restoring',
    current: null,
    layouts: [],
    dirty: false,
    saving: false,
    notice: null,
  }))
  const get = () => store.getState()
  const set = (patch: Partial<LayoutState>) => store.setState(patch)

  let noticeId = 0
  let saveTimer: ReturnType<typeof setTimeout> | null = null
  /** Inside dock.apply*: golden-layout's own change events are not user changes. */
  let applying = 0
  /** Bumped on every change, so a save that raced a change leaves the layout dirty. */
  let changeCount = 0
  /** What the engine holds for lastSavedName, to skip saves that change nothing. */
  let lastSavedJson: string | null = null
  let lastSavedName: string | null = null
  /** The fallback default layout is on screen and the user changed it before the engine answered. */
  let shownFallback = false
  let fallbackNoticeId = -1
  let changedBeforeReady = false
  let restoreInFlight = false
  /** Set when not even the default layout could be shown: the screen is not saved on its own. */
  let autoSaveBlocked = false
  let chain: Promise<void> = Promise.resolve()

  const notify = (tone: Notice['tone'], text: string) => set({ notice: { id: ++noticeId, tone, text } })
  const targetName = () => get().current ?? LAST_SESSION_LAYOUT

  function withApplying(fn: () => void): void {
    applying++
    try {
      fn()
    } finally {
      applying--
    }
  }

  /**
   * Show the default layout. If even that fails, the screen is not something
   * to keep: auto-save stops (an explicit save still works) so a broken
   * screen never replaces a stored layout.
   */
  function showDefault(): void {
    try {
      withApplying(() => dock.applyDefault())
      autoSaveBlocked = false
    } catch (err) {
      console.error('showing the default layout failed', err)
      autoSaveBlocked = true
      notify('error', `The default layout could not be shown (${errorText(err)}). Nothing is saved automatically until you save or load a layout.`)
    }
  }

  /**
   * The stored last-session layout could not be shown: keep a copy under its
   * own name before the next auto-save replaces it (a newer version of the
   * app may read it; nothing stored is lost).
   */
  function keepUnreadable(saved: { name: string; version: number; config: unknown }): void {
    if (saved.name !== LAST_SESSION_LAYOUT) return
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ')
    const name = `(unreadable layout ${stamp})`
    const shown = get().notice
    void api.invoke('layouts.save', { name, version: saved.version, config: saved.config }).then((r) => {
      if (!r.ok) return
      // Said in the notice about the failure, unless another notice has replaced it since.
      if (shown && get().notice?.id === shown.id) set({ notice: { ...shown, text: `${shown.text} It was kept as "${name}".` } })
      void refresh()
    })
  }

  /** Show a saved layout, or the default with a notice. Returns whether the saved one is on screen. */
  function showSaved(saved: { name: string; version: number; config: unknown }, label: string): boolean {
    const parsed = parseSavedLayout(saved)
    if (!parsed.ok) {
      notify('warn', `${label} could not be loaded: ${parsed.reason}. Showing the default layout.`)
      keepUnreadable(saved)
      showDefault()
      return false
    }
    try {
      withApplying(() => dock.apply(parsed.doc))
    } catch (err) {
      console.error(`loading layout ${saved.name} failed`, err)
      notify('warn', `${label} could not be loaded (${errorText(err)}). Showing the default layout.`)
      keepUnreadable(saved)
      showDefault()
      return false
    }
    autoSaveBlocked = false
    lastSavedName = saved.name
    lastSavedJson = JSON.stringify(serializeLayout(dock.capture()).config)
    return true
  }

  function schedule(delay = debounceMs): void {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = setTimeout(() => {
      saveTimer = null
      if (!autoSaveBlocked) void flush()
    }, delay)
  }

  function markDirty(): void {
    changeCount++
    set({ dirty: true })
    schedule()
  }

  async function doFlush(): Promise<void> {
    if (saveTimer) {
      clearTimeout(saveTimer)
      saveTimer = null
    }
    if (!get().dirty || get().phase !== 'ready') return
    const name = targetName()
    const countAtCapture = changeCount
    const { version, config } = serializeLayout(dock.capture())
    const json = JSON.stringify(config)
    if (json === lastSavedJson && name === lastSavedName) {
      if (changeCount === countAtCapture) set({ dirty: false })
      return
    }
    set({ saving: true })
    const res = await api.invoke('layouts.save', { name, version, config })
    set({ saving: false })
    if (res.ok) {
      lastSavedJson = json
      lastSavedName = name
      if (changeCount === countAtCapture) set({ dirty: false })
      else schedule()
      if (name !== LAST_SESSION_LAYOUT && !get().layouts.some((l) => l.name === name)) void refresh()
    } else if (res.error.code !== 'unavailable') {
      // Unavailable: kept dirty and retried when the connection comes back.
      notify('error', `The layout could not be saved: ${res.error.message}`)
    }
  }

  function flush(): Promise<void> {
    chain = chain.then(doFlush, doFlush)
    return chain
  }

  async function refresh(): Promise<void> {
    const res = await api.invoke('layouts.list', {})
    if (res.ok) set({ layouts: res.value.layouts.filter((l) => l.name !== LAST_SESSION_LAYOUT) })
  }

  async function setCurrentPref(name: string | null): Promise<void> {
    const res = await api.invoke('prefs.set', { currentLayout: name })
    if (!res.ok && res.error.code !== 'unavailable') console.warn(`prefs.set currentLayout failed: ${res.error.message}`)
  }

  /** Decide the start-up layout. Returns false if the engine did not answer (retry later). */
  async function restore(): Promise<boolean> {
    const prefs = await api.invoke('prefs.get', {})
    if (!prefs.ok) return false
    opts.onPrefs?.(prefs.value)
    const named = prefs.value.currentLayout
    const name = named ?? LAST_SESSION_LAYOUT
    const res = await api.invoke('layouts.get', { name })
    if (!res.ok && res.error.code === 'unavailable') return false
    if (get().phase === 'ready') return true
    const keepScreen = shownFallback && changedBeforeReady
    if (get().notice?.id === fallbackNoticeId) set({ notice: null })
    let current: string | null = named
    if (!res.ok) {
      current = null
      if (named !== null) {
        notify('warn', `Layout "${named}" could not be read (${res.error.message}). Showing the default layout.`)
      }
      if (!keepScreen) showDefault()
    } else if (!keepScreen) {
      if (!showSaved(res.value, named !== null ? `Layout "${named}"` : 'The last layout')) current = null
    }
    set({ phase: 'ready', current })
    if (named !== null && current === null) void setCurrentPref(null)
    if (keepScreen) markDirty()
    void refresh()
    return true
  }

  const controller: LayoutController = {
    store,
    start() {
      let stopped = false
      const attempt = async () => {
        if (stopped || restoreInFlight || get().phase === 'ready') return
        restoreInFlight = true
        try {
          await restore()
        } catch (err) {
          console.error('restoring the layout failed', err)
        } finally {
          restoreInFlight = false
        }
        if (get().phase === 'ready') {
          clearInterval(retry)
          clearTimeout(fallback)
        }
      }
      const retry = setInterval(() => void attempt(), retryMs)
      const fallback = setTimeout(() => {
        if (get().phase === 'ready' || stopped) return
        shownFallback = true
        showDefault()
        notify('warn', 'The engine has not answered yet: showing the default layout until it does.')
        fallbackNoticeId = noticeId
      }, fallbackMs)
      const offConnection = api.onConnection((state) => {
        if (state !== 'open') return
        void attempt()
        // Saves that failed while the engine was away.
        if (get().phase === 'ready' && get().dirty) schedule(0)
      })
      void attempt()
      return () => {
        stopped = true
        clearInterval(retry)
        clearTimeout(fallback)
        offConnection()
        if (saveTimer) clearTimeout(saveTimer)
        saveTimer = null
      }
    },

    changed() {
      if (applying > 0) return
      if (get().phase !== 'ready') {
        // Only changes to the fallback layout on screen count; before it, nothing is there to change.
        if (shownFallback) changedBeforeReady = true
        return
      }
      markDirty()
    },

    flush,

    async save() {
      if (get().current === null) return { ok: false, message: 'Choose a name for this layout.', needsName: true }
      set({ dirty: true })
      changeCount++
      await flush()
      if (get().dirty) return { ok: false, message: 'The layout could not be saved.' }
      notify('info', `Saved layout "${get().current}".`)
      return { ok: true }
    },

    async saveAs(rawName) {
      const checked = checkLayoutName(rawName)
      if (!checked.ok) return { ok: false, message: checked.message }
      const name = checked.name
      await flush()
      const { version, config } = serializeLayout(dock.capture())
      const res = await api.invoke('layouts.save', { name, version, config })
      if (!res.ok) return { ok: false, message: res.error.message }
      lastSavedName = name
      lastSavedJson = JSON.stringify(config)
      set({ current: name, dirty: false })
      await setCurrentPref(name)
      await refresh()
      notify('info', `Saved layout "${name}".`)
      return { ok: true }
    },

    async load(name) {
      await flush()
      const res = await api.invoke('layouts.get', { name })
      if (!res.ok) {
        const message = `Layout "${name}" could not be read: ${res.error.message}`
        notify('error', message)
        return { ok: false, message }
      }
      const shown = showSaved(res.value, `Layout "${name}"`)
      const current = shown ? name : null
      set({ current, dirty: false, phase: 'ready' })
      if (!shown) markDirty()
      await setCurrentPref(current)
      return shown ? { ok: true } : { ok: false, message: get().notice?.text ?? 'the layout could not be loaded' }
    },

    async rename(from, rawTo) {
      const checked = checkLayoutName(rawTo)
      if (!checked.ok) return { ok: false, message: checked.message }
      const to = checked.name
      await flush()
      const res = await api.invoke('layouts.rename', { from, to })
      if (!res.ok) return { ok: false, message: res.error.message }
      // The engine moves the currentLayout preference along with the layout.
      if (get().current === from) set({ current: to })
      if (lastSavedName === from) lastSavedName = to
      await refresh()
      notify('info', `Renamed layout "${from}" to "${to}".`)
      return { ok: true }
    },

    async remove(name) {
      await flush()
      const res = await api.invoke('layouts.delete', { name })
      if (!res.ok) return { ok: false, message: res.error.message }
      if (get().current === name) {
        set({ current: null })
        await setCurrentPref(null)
        // The screen stays as it is; keep it as the last session.
        markDirty()
      }
      if (lastSavedName === name) {
        lastSavedName = null
        lastSavedJson = null
      }
      await refresh()
      notify('info', `Deleted layout "${name}".`)
      return { ok: true }
    },

    async resetToDefault() {
      await flush()
      showDefault()
      set({ current: null, phase: 'ready' })
      await setCurrentPref(null)
      markDirty()
      notify('info', 'Default layout restored. Saved layouts are unchanged.')
    },

    refresh,
    notify,
    dismissNotice() {
      set({ notice: null })
    },
    snapshot() {
      const { version, config } = serializeLayout(dock.capture())
      return { name: targetName(), version, config }
    },
  }
  return controller
}
