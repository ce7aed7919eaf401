import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DEFAULT_SIZE,
  MIN_SIZE,
  captureWindowState,
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  trackWindowState,
  type Rect,
  type TrackedWindow,
  type WindowState,
} from './window-state'

const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 }
const right: Rect = { x: 1920, y: 0, width: 2560, height: 1400 }
const state = (bounds: Rect, isMaximized = false): WindowState => ({ bounds, isMaximized })

describe('restoreWindowState (clamp to a visible display)', () => {
  it('centres the default size on the primary display the first time', () => {
    const r = restoreWindowState(null, [primary], primary)
    expect(r).toEqual({ bounds: { x: 240, y: 70, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height }, isMaximized: false })
  })

  it('keeps bounds that are fully on a display, and the maximized flag', () => {
    const saved = state({ x: 2000, y: 100, width: 1200, height: 800 }, true)
    expect(restoreWindowState(saved, [primary, right], primary)).toEqual(saved)
  })

  it('pulls a window hanging off an edge fully inside the display it mostly overlaps', () => {
    const r = restoreWindowState(state({ x: 1500, y: -50, width: 1000, height: 700 }), [primary], primary)
    expect(r.bounds).toEqual({ x: 920, y: 0, width: 1000, height: 700 })
  })

  it('recentres on the primary display when the saved display is gone (undocked laptop)', () => {
    const r = restoreWindowState(state({ x: 2100, y: 200, width: 1200, height: 800 }, true), [primary], primary)
    expect(r).toEqual({ bounds: { x: 360, y: 120, width: 1200, height: 800 }, isMaximized: true })
  })

  it('recentres when only a sliver is visible', () => {
    const r = restoreWindowState(state({ x: 1900, y: 100, width: 1200, height: 800 }), [primary], primary)
    expect(r.bounds.x).toBe(360)
  })

  it('shrinks a window larger than the display and enforces the minimum size', () => {
    const small: Rect = { x: 0, y: 0, width: 1280, height: 720 }
    expect(restoreWindowState(state({ x: 0, y: 0, width: 3000, height: 2000 }), [small], small).bounds).toEqual(small)
    expect(restoreWindowState(state({ x: 10, y: 10, width: 100, height: 100 }), [small], small).bounds).toEqual({
      x: 10,
      y: 10,
      width: MIN_SIZE.width,
      height: MIN_SIZE.height,
    })
  })

  it('handles displays left of or above the primary (negative coordinates)', () => {
    const left: Rect = { x: -1600, y: -200, width: 1600, height: 900 }
    const saved = state({ x: -1500, y: -150, width: 1000, height: 700 })
    expect(restoreWindowState(saved, [primary, left], primary)).toEqual(saved)
  })
})

describe('window state file', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickstock-winstate-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('round-trips through a JSON file, creating the folder', () => {
    const file = join(dir, 'nested', 'window-state.json')
    const s = state({ x: 1, y: 2, width: 1000, height: 700 }, true)
    saveWindowState(file, s)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(s)
    expect(loadWindowState(file)).toEqual(s)
  })

  it('returns null for a missing, corrupt or invalid file', () => {
    const file = join(dir, 'window-state.json')
    expect(loadWindowState(file)).toBeNull()
    writeFileSync(file, '{not json')
    expect(loadWindowState(file)).toBeNull()
    writeFileSync(file, JSON.stringify({ bounds: { x: 0, y: 0, width: -5, height: 10 }, isMaximized: false }))
    expect(loadWindowState(file)).toBeNull()
  })
})

describe('window state tracking', () => {
  const fakeWindow = (over: Partial<TrackedWindow> = {}): TrackedWindow => ({
    isDestroyed: () => false,
    isMaximized: () => false,
    isMinimized: () => false,
    isFullScreen: () => false,
    getBounds: () => ({ x: 10.4, y: 20, width: 1000, height: 700 }),
    getNormalBounds: () => ({ x: 5, y: 6, width: 900, height: 600 }),
    ...over,
  })

  it('saves normal bounds when maximized, nothing while minimized or full-screen', () => {
    expect(captureWindowState(fakeWindow())).toEqual(state({ x: 10, y: 20, width: 1000, height: 700 }))
    expect(captureWindowState(fakeWindow({ isMaximized: () => true }))).toEqual(state({ x: 5, y: 6, width: 900, height: 600 }, true))
    expect(captureWindowState(fakeWindow({ isMinimized: () => true }))).toBeNull()
    expect(captureWindowState(fakeWindow({ isFullScreen: () => true }))).toBeNull()
  })

  it('debounces saves while the window is dragged and saves at once on close', () => {
    vi.useFakeTimers()
    try {
      const saves: WindowState[] = []
      const t = trackWindowState(fakeWindow(), (s) => saves.push(s), 500)
      for (let i = 0; i < 10; i++) {
        t.changed()
        vi.advanceTimersByTime(100)
      }
      expect(saves).toHaveLength(0)
      vi.advanceTimersByTime(500)
      expect(saves).toHaveLength(1)
      t.changed()
      t.flush()
      expect(saves).toHaveLength(2)
      vi.advanceTimersByTime(1_000)
      expect(saves).toHaveLength(2)
      t.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})
