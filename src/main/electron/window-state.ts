/**
 * Main window bounds and maximized state, kept in `<userData>/window-state.json`
 * and restored onto a display that is still attached (a laptop undocked from
 * the monitor the window was on must not open it off-screen).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const rectSchema = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() })
export const windowStateSchema = z.object({ bounds: rectSchema, isMaximized: z.boolean() })
export type WindowState = z.infer<typeof windowStateSchema>

export const WINDOW_STATE_FILE = 'window-state.json'
export const DEFAULT_SIZE = { width: 1440, height: 900 } as const
export const MIN_SIZE = { width: 800, height: 500 } as const

/** How much of the window must overlap a display for its saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 60 }

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const right = Math.min(a.x + a.width, b.x + b.width)
  const bottom = Math.min(a.y + a.height, b.y + b.height)
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), Math.max(lo, hi))

function centerOn(area: Rect, width: number, height: number): Rect {
  const w = Math.min(width, area.width)
  const h = Math.min(height, area.height)
  return { x: Math.round(area.x + (area.width - w) / 2), y: Math.round(area.y + (area.height - h) / 2), width: w, height: h }
}

/**
 * Where to open the window. Saved bounds are kept on the display they overlap
 * most, pulled fully inside its work area and shrunk to fit; if they overlap no
 * display enough, the saved size is centred on the primary display.
 */
export function restoreWindowState(saved: WindowState | null, workAreas: readonly Rect[], primary: Rect): WindowState {
  const width = Math.max(MIN_SIZE.width, saved?.bounds.width ?? DEFAULT_SIZE.width)
  const height = Math.max(MIN_SIZE.height, saved?.bounds.height ?? DEFAULT_SIZE.height)
  if (!saved) return { bounds: centerOn(primary, width, height), isMaximized: false }

  const wanted = { ...saved.bounds, width, height }
  let best: { area: Rect; overlap: Rect } | null = null
  for (const area of workAreas) {
    const overlap = intersection(wanted, area)
    if (overlap && (!best || overlap.width * overlap.height > best.overlap.width * best.overlap.height)) best = { area, overlap }
  }
  if (!best || best.overlap.width < Math.min(MIN_VISIBLE.width, width) || best.overlap.height < Math.min(MIN_VISIBLE.height, height)) {
    return { bounds: centerOn(primary, width, height), isMaximized: saved.isMaximized }
  }
  const { area } = best
  const w = Math.min(width, area.width)
  const h = Math.min(height, area.height)
  return {
    bounds: { x: clamp(wanted.x, area.x, area.x + area.width - w), y: clamp(wanted.y, area.y, area.y + area.height - h), width: w, height: h },
    isMaximized: saved.isMaximized,
  }
}

/** The saved state, or null when the file is missing or not a valid state. */
export function loadWindowState(file: string): WindowState | null {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Write atomically (temp file + rename) so a crash mid-write cannot leave a torn file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(state))
  renameSync(tmp, file)
}

/** The BrowserWindow methods the tracker reads. */
export interface TrackedWindow {
  isDestroyed(): boolean
  isMaximized(): boolean
  isMinimized(): boolean
  isFullScreen(): boolean
  getBounds(): Rect
  /** Bounds when not maximized/minimized (what to restore to). */
  getNormalBounds(): Rect
}

export interface WindowStateTracker {
  /** Call on resize/move/maximize/unmaximize: saves after a quiet period. */
  changed(): void
  /** Save now (on close). */
  flush(): void
  dispose(): void
}

/** Snapshot of a window's state to persist; null while minimized or full-screen (not a state to reopen in). */
export function captureWindowState(win: TrackedWindow): WindowState | null {
  if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return null
  const isMaximized = win.isMaximized()
  const b = isMaximized ? win.getNormalBounds() : win.getBounds()
  return { bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }, isMaximized }
}

export function trackWindowState(win: TrackedWindow, save: (state: WindowState) => void, debounceMs = 500): WindowStateTracker {
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: WindowState | null = null
  const flush = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    const state = captureWindowState(win)
    if (state) last = state
    if (last) save(last)
  }
  return {
    changed() {
      if (timer) clearTimeout(timer)
      timer = setTimeout(flush, debounceMs)
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
