import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { epochMs } from '../../../shared/domain'
import { FakeLayoutApi } from './fake-layout-api'
import { LAST_SESSION_LAYOUT, LAYOUT_FORMAT_VERSION, serializeLayout, type LayoutDocument } from './layout-format'
import { createLayoutController, type DockPort, type LayoutController } from './layout-store'

/** A document whose only panel is tagged, so tests can tell layouts apart. */
function docTagged(tag: string, symbol: string | null = null): LayoutDocument {
  return {
    gl: {
      resolved: true,
      root: { type: 'stack', content: [{ type: 'component', content: [], componentType: 'chart', componentState: { state: { tag }, link: 'red', symbol: null } }] },
    },
    links: { red: symbol, green: null, blue: null, yellow: null },
  }
}
const tagOf = (doc: LayoutDocument | 'default' | null): string | null => {
  if (doc === 'default' || doc === null) return doc
  const root = doc.gl.root as { content: { componentState: { state: { tag: string } } }[] }
  return root.content[0]!.componentState.state.tag
}

class FakeDock implements DockPort {
  shown: LayoutDocument | 'default' | null = null
  failApply = false
  applies = 0
  capture(): LayoutDocument {
    if (this.shown === 'default') return docTagged('default', 'SPY')
    return this.shown ?? docTagged('empty')
  }
  apply(doc: LayoutDocument): void {
    this.applies++
    if (this.failApply) throw new Error('golden-layout says no')
    this.shown = JSON.parse(JSON.stringify(doc)) as LayoutDocument
  }
  applyDefault(): void {
    this.shown = 'default'
  }
  /** What a user drag or a panel setting does: the screen changes and the dock reports it. */
  edit(layout: LayoutController, tag: string): void {
    this.shown = docTagged(tag)
    layout.changed()
  }
}

function stored(name: string, doc: LayoutDocument, version = LAYOUT_FORMAT_VERSION) {
  const { config } = serializeLayout(doc)
  return { name, version, config: JSON.parse(JSON.stringify(config)) as unknown, updatedAt: epochMs(1) }
}

let api: FakeLayoutApi
let dock: FakeDock
let layout: LayoutController
let stop: () => void

function start(opts: { onPrefs?: () => void } = {}) {
  layout = createLayoutController({ api, dock, debounceMs: 1000, fallbackMs: 2500, retryMs: 1000, onPrefs: opts.onPrefs })
  stop = layout.start()
}
const state = () => layout.store.getState()

beforeEach(() => {
  vi.useFakeTimers()
  api = new FakeLayoutApi()
  dock = new FakeDock()
  stop = () => {}
})
afterEach(() => {
  stop()
  vi.useRealTimers()
})

describe('start-up', () => {
  it('first run: the default layout, nothing chosen, nothing saved yet', async () => {
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state().phase).toBe('ready')
    expect(state().current).toBeNull()
    expect(dock.shown).toBe('default')
    expect(state().notice).toBeNull()
    expect(api.saves()).toEqual([])
  })

  it('restores the last session when no layout is chosen, without saving it straight back', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, stored(LAST_SESSION_LAYOUT, docTagged('session', 'NVDA')))
    start()
    await vi.advanceTimersByTimeAsync(5000)
    expect(tagOf(dock.shown)).toBe('session')
    expect(state().current).toBeNull()
    expect(api.saves()).toEqual([])
  })

  it('restores the chosen layout (prefs.get then layouts.get) and hands the prefs over', async () => {
    api.layouts.set('Morning', stored('Morning', docTagged('morning')))
    api.prefs = { theme: 'light', currentLayout: 'Morning' }
    const onPrefs = vi.fn()
    start({ onPrefs })
    await vi.advanceTimersByTimeAsync(0)
    expect(onPrefs).toHaveBeenCalledWith({ theme: 'light', currentLayout: 'Morning' })
    expect(tagOf(dock.shown)).toBe('morning')
    expect(state().current).toBe('Morning')
    expect(api.calls.slice(0, 2).map((c) => c.method)).toEqual(['prefs.get', 'layouts.get'])
  })

  it('a layout from a newer version falls back to the default with a notice, and is not overwritten', async () => {
    api.layouts.set('Future', stored('Future', docTagged('future'), LAYOUT_FORMAT_VERSION + 1))
    api.prefs = { theme: 'dark', currentLayout: 'Future' }
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(dock.shown).toBe('default')
    expect(state().notice).toMatchObject({ tone: 'warn', text: expect.stringContaining('newer version') })
    expect(state().current).toBeNull()
    expect(api.prefs.currentLayout).toBeNull()
    dock.edit(layout, 'after')
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.saves().map((s) => s.name)).toEqual([LAST_SESSION_LAYOUT])
    expect(api.layouts.get('Future')!.version).toBe(LAYOUT_FORMAT_VERSION + 1)
  })

  it('a damaged layout falls back to the default with a notice', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, { name: LAST_SESSION_LAYOUT, version: 1, config: { format: 'tickstock-layout', gl: { resolved: true, root: { type: 'bogus', content: [] } } }, updatedAt: epochMs(1) })
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(dock.shown).toBe('default')
    expect(state().notice?.text).toMatch(/could not be loaded.*damaged/)
  })

  it('a layout golden-layout throws on falls back to the default with a notice', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, stored(LAST_SESSION_LAYOUT, docTagged('x')))
    dock.failApply = true
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(dock.shown).toBe('default')
    expect(state().notice?.text).toContain('golden-layout says no')
  })

  it('an unreadable last-session layout is kept under its own name before anything is auto-saved over it', async () => {
    const broken = { name: LAST_SESSION_LAYOUT, version: 1, config: { format: 'tickstock-layout', gl: { resolved: true, root: { type: 'bogus', content: [] } } }, updatedAt: epochMs(1) }
    api.layouts.set(LAST_SESSION_LAYOUT, broken)
    start()
    await vi.advanceTimersByTimeAsync(0)
    const kept = [...api.layouts.values()].find((l) => l.name.startsWith('(unreadable layout '))
    expect(kept?.config).toEqual(broken.config)
    expect(state().notice?.text).toContain(`kept as "${kept!.name}"`)
    dock.edit(layout, 'after')
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.layouts.get(LAST_SESSION_LAYOUT)!.config).not.toEqual(broken.config)
    expect(api.layouts.get(kept!.name)!.config).toEqual(broken.config)
  })

  it('when not even the default layout can be shown, nothing is auto-saved until the trader saves', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, stored(LAST_SESSION_LAYOUT, docTagged('x')))
    dock.failApply = true
    dock.applyDefault = () => {
      throw new Error('default broken too')
    }
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state().notice).toMatchObject({ tone: 'error', text: expect.stringContaining('Nothing is saved automatically') })
    const before = api.saves().filter((s) => s.name === LAST_SESSION_LAYOUT).length
    dock.edit(layout, 'empty-screen')
    await vi.advanceTimersByTimeAsync(5000)
    expect(api.saves().filter((s) => s.name === LAST_SESSION_LAYOUT)).toHaveLength(before)
    expect(api.layouts.get(LAST_SESSION_LAYOUT)!.config).toEqual(stored(LAST_SESSION_LAYOUT, docTagged('x')).config)
  })

  it('a chosen layout that is gone falls back to the default with a notice', async () => {
    api.prefs = { theme: 'dark', currentLayout: 'Gone' }
    start()
    await vi.advanceTimersByTimeAsync(0)
    expect(dock.shown).toBe('default')
    expect(state().notice?.text).toContain('Gone')
    expect(state().current).toBeNull()
  })

  it('waits for the engine, shows the default meanwhile, then restores the saved layout', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, stored(LAST_SESSION_LAYOUT, docTagged('session')))
    api.connected = false
    start()
    await vi.advanceTimersByTimeAsync(1000)
    expect(state().phase).toBe('restoring')
    expect(dock.shown).toBeNull()
    layout.changed() // ignored: nothing is saved before the layout is decided
    await vi.advanceTimersByTimeAsync(2000)
    expect(dock.shown).toBe('default')
    expect(state().notice?.tone).toBe('warn')
    api.setConnected(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(tagOf(dock.shown)).toBe('session')
    expect(state().phase).toBe('ready')
    expect(state().notice).toBeNull()
    expect(api.saves()).toEqual([])
  })

  it('keeps what the user arranged on the fallback layout once the engine answers, and saves it', async () => {
    api.layouts.set(LAST_SESSION_LAYOUT, stored(LAST_SESSION_LAYOUT, docTagged('old session')))
    api.connected = false
    start()
    await vi.advanceTimersByTimeAsync(2500)
    dock.edit(layout, 'arranged offline')
    api.setConnected(true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(tagOf(dock.shown)).toBe('arranged offline')
    expect(api.saves().map((s) => s.name)).toEqual([LAST_SESSION_LAYOUT])
  })
})

describe('auto-save', () => {
  it('debounces changes into one save of the last session (~1 s after the last change)', async () => {
    start()
    await vi.advanceTimersByTimeAsync(0)
    dock.edit(layout, 'a')
    await vi.advanceTimersByTimeAsync(600)
    dock.edit(layout, 'b')
    await vi.advanceTimersByTimeAsync(600)
    expect(api.saves()).toEqual([])
    expect(state().dirty).toBe(true)
    await vi.advanceTimersByTimeAsync(400)
    expect(api.saves()).toHaveLength(1)
    expect(api.saves()[0]).toMatchObject({ name: LAST_SESSION_LAYOUT, version: LAYOUT_FORMAT_VERSION })
    expect(tagOf({ gl: (api.saves()[0]!.config as LayoutDocument).gl, links: docTagged('').links })).toBe('b')
    expect(state().dirty).toBe(false)
  })

  it('saves under the chosen layout name, and skips saves that change nothing', async () => {
    api.layouts.set('Morning', stored('Morning', docTagged('morning')))
    api.prefs = { theme: 'dark', currentLayout: 'Morning' }
    start()
    await vi.advanceTimersByTimeAsync(0)
    layout.changed() // golden-layout noise: same layout
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.saves()).toEqual([])
    dock.edit(layout, 'moved')
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.saves().map((s) => s.name)).toEqual(['Morning'])
  })

  it('keeps changes made while the engine is away and saves them on reconnect', async () => {
    start()
    await vi.advanceTimersByTimeAsync(0)
    api.setConnected(false)
    dock.edit(layout, 'offline')
    await vi.advanceTimersByTimeAsync(1000)
    expect(state().dirty).toBe(true)
    expect(state().notice).toBeNull()
    api.setConnected(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(state().dirty).toBe(false)
    expect(api.layouts.has(LAST_SESSION_LAYOUT)).toBe(true)
  })

  it('flush saves at once (page hide)', async () => {
    start()
    await vi.advanceTimersByTimeAsync(0)
    dock.edit(layout, 'now')
    await layout.flush()
    expect(api.saves()).toHaveLength(1)
  })
})

describe('named layouts', () => {
  beforeEach(async () => {
    start()
    await vi.advanceTimersByTimeAsync(0)
  })

  it('save as: stores it, makes it current, remembers it in prefs, lists it (not the last session)', async () => {
    dock.edit(layout, 'mine')
    await vi.advanceTimersByTimeAsync(1000)
    expect(await layout.saveAs('  Morning ')).toEqual({ ok: true })
    expect(state().current).toBe('Morning')
    expect(api.prefs.currentLayout).toBe('Morning')
    expect(tagOf({ gl: (api.layouts.get('Morning')!.config as LayoutDocument).gl, links: docTagged('').links })).toBe('mine')
    expect(state().layouts.map((l) => l.name)).toEqual(['Morning'])
    expect(state().notice?.tone).toBe('info')
  })

  it('save as refuses bad names before asking the engine', async () => {
    expect(await layout.saveAs('  ')).toMatchObject({ ok: false })
    expect(await layout.saveAs(LAST_SESSION_LAYOUT)).toMatchObject({ ok: false })
    expect(api.saves()).toEqual([])
  })

  it('save with no name chosen asks for one', async () => {
    expect(await layout.save()).toMatchObject({ ok: false, needsName: true })
  })

  it('load: saves pending changes of the current layout first, then switches', async () => {
    await layout.saveAs('A')
    api.layouts.set('B', stored('B', docTagged('b', 'TSLA')))
    dock.edit(layout, 'a changed')
    const res = await layout.load('B')
    expect(res).toEqual({ ok: true })
    expect(tagOf({ gl: (api.layouts.get('A')!.config as LayoutDocument).gl, links: docTagged('').links })).toBe('a changed')
    expect(tagOf(dock.shown)).toBe('b')
    expect(state().current).toBe('B')
    expect(api.prefs.currentLayout).toBe('B')
  })

  it('load of an old-format layout shows the default with a notice and keeps the stored one', async () => {
    api.layouts.set('Old', stored('Old', docTagged('old'), 0))
    const res = await layout.load('Old')
    expect(res.ok).toBe(false)
    expect(dock.shown).toBe('default')
    expect(state().notice?.tone).toBe('warn')
    expect(state().current).toBeNull()
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.layouts.get('Old')!.version).toBe(0)
  })

  it('rename: the current layout follows; an existing name is refused', async () => {
    await layout.saveAs('A')
    api.layouts.set('B', stored('B', docTagged('b')))
    expect(await layout.rename('A', 'B')).toMatchObject({ ok: false, message: expect.stringContaining('already exists') })
    expect(await layout.rename('A', 'C')).toEqual({ ok: true })
    expect(state().current).toBe('C')
    expect(api.prefs.currentLayout).toBe('C')
    dock.edit(layout, 'after rename')
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.saves().at(-1)!.name).toBe('C')
  })

  it('delete of the current layout: nothing chosen any more, the screen stays and is kept as the last session', async () => {
    await layout.saveAs('A')
    expect(await layout.remove('A')).toEqual({ ok: true })
    expect(state().current).toBeNull()
    expect(api.prefs.currentLayout).toBeNull()
    expect(state().layouts).toEqual([])
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.layouts.has(LAST_SESSION_LAYOUT)).toBe(true)
  })

  it('reset: the default layout, nothing chosen, saved layouts untouched', async () => {
    await layout.saveAs('A')
    await layout.resetToDefault()
    expect(dock.shown).toBe('default')
    expect(state().current).toBeNull()
    expect(api.prefs.currentLayout).toBeNull()
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.layouts.has('A')).toBe(true)
    expect(api.saves().at(-1)!.name).toBe(LAST_SESSION_LAYOUT)
  })

  it('snapshot: what would be saved, and where', async () => {
    await layout.saveAs('A')
    expect(layout.snapshot()).toMatchObject({ name: 'A', version: LAYOUT_FORMAT_VERSION, config: { format: 'tickstock-layout' } })
  })
})
