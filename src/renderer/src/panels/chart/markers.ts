/**
 * Pattern markers and level lines, as data: which bar an event belongs to,
 * which way it points, how it is drawn, and the lines its levels become.
 * Pure; the chart view turns these into lightweight-charts calls.
 */
import type { PatternEvent, Tier } from '../../../../shared/domain'
import { patternDirection, type PatternDirection } from '../../../../shared/pattern-catalogue'
import type { BarBook, ChartTime } from './chart-model'

export type Direction = PatternDirection

/** Direction from the shared pattern catalogue; unknown names read "bull"/"bear", else neutral. */
export { patternDirection }

export interface PatternMarker {
  /** `${barKey}|${direction}` */
  id: string
  time: ChartTime
  /** Key of the bar's chart time (the tooltip's lookup). */
  barKey: string
  direction: Direction
  /** Tier of the newest event in the group (colours neutral markers). */
  tier: Tier
  /** Newest pattern's name, with "+n" for more on the same bar and side. */
  text: string
  count: number
}

export interface MarkerBuild {
  /** Ascending by time, one per bar and direction. */
  markers: PatternMarker[]
  /** Events per bar key, newest first (tooltips). */
  byBar: Map<string, PatternEvent[]>
  /** Events outside the loaded bars (older, or newer than the forming bar). */
  unplaced: number
}

const newestFirst = (a: PatternEvent, b: PatternEvent): number => b.detectedAt - a.detectedAt || b.id - a.id

/** Each event on the bar whose span holds its detection time. */
export function buildMarkers(events: Iterable<PatternEvent>, book: BarBook): MarkerBuild {
  const byBar = new Map<string, PatternEvent[]>()
  const groups = new Map<string, { index: number; direction: Direction; events: PatternEvent[] }>()
  let unplaced = 0
  for (const e of events) {
    const index = book.containingIndex(e.detectedAt)
    if (index < 0) {
      unplaced++
      continue
    }
    const barKey = book.keyAt(index)
    const direction = patternDirection(e.pattern, e.patternKey)
    const id = `${barKey}|${direction}`
    let g = groups.get(id)
    if (!g) groups.set(id, (g = { index, direction, events: [] }))
    g.events.push(e)
    let list = byBar.get(barKey)
    if (!list) byBar.set(barKey, (list = []))
    list.push(e)
  }
  for (const list of byBar.values()) list.sort(newestFirst)
  const ordered = [...groups.entries()].sort(([, a], [, b]) => a.index - b.index || a.direction.localeCompare(b.direction))
  const markers = ordered.map(([id, g]): PatternMarker => {
    g.events.sort(newestFirst)
    const newest = g.events[0]!
    const point = book.displayPointAt(g.index)
    return {
      id,
      time: point.time,
      barKey: point.key,
      direction: g.direction,
      tier: newest.tier,
      text: g.events.length > 1 ? `${newest.pattern} +${g.events.length - 1}` : newest.pattern,
      count: g.events.length,
    }
  })
  return { markers, byBar, unplaced }
}

export interface MarkerPalette {
  up: string
  down: string
  tier: Record<Tier, string>
}

export interface MarkerStyle {
  position: 'aboveBar' | 'belowBar'
  shape: 'arrowUp' | 'arrowDown' | 'circle'
  color: string
}

/** Bullish: green arrow under the bar; bearish: red arrow over it; neutral: a dot over it in the tier's colour. */
export function markerStyle(direction: Direction, tier: Tier, palette: MarkerPalette): MarkerStyle {
  switch (direction) {
    case 'bullish':
      return { position: 'belowBar', shape: 'arrowUp', color: palette.up }
    case 'bearish':
      return { position: 'aboveBar', shape: 'arrowDown', color: palette.down }
    case 'neutral':
      return { position: 'aboveBar', shape: 'circle', color: palette.tier[tier] }
  }
}

// ---------------------------------------------------------------- levels

export type LevelKind = 'entry' | 'stop' | 'target' | 'support' | 'resistance' | 'other'

export interface LevelLine {
  price: number
  kind: LevelKind
  /** Shown on the line and its axis label. */
  title: string
}

const KIND_BY_NAME: Record<string, LevelKind> = {
  entry: 'entry',
  entryprice: 'entry',
  stop: 'stop',
  stoploss: 'stop',
  target: 'target',
  targetprice: 'target',
  support: 'support',
  resistance: 'resistance',
}

export function levelKind(type: string): LevelKind {
  return KIND_BY_NAME[type.toLowerCase().replace(/[\s_-]+/g, '')] ?? 'other'
}

/** The lines an event's levels become: finite prices, one per type and price. */
export function levelLines(event: PatternEvent | null): LevelLine[] {
  if (!event) return []
  const seen = new Set<string>()
  const out: LevelLine[] = []
  for (const l of event.levels) {
    if (!Number.isFinite(l.value) || l.value <= 0) continue
    const kind = levelKind(l.type)
    const title = kind === 'other' ? l.type : kind
    const id = `${title}|${l.value}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push({ price: l.value, kind, title })
  }
  return out
}

/** Whose levels are drawn: the selected event if it is held, else the newest event that has levels. */
export function levelsSource(events: Iterable<PatternEvent>, selectedId: number | null): PatternEvent | null {
  let newest: PatternEvent | null = null
  for (const e of events) {
    if (selectedId !== null && e.id === selectedId) return e
    if (e.levels.length > 0 && (newest === null || newestFirst(e, newest) < 0)) newest = e
  }
  return newest
}

export interface LevelPalette {
  entry: string
  stop: string
  target: string
  support: string
  resistance: string
  other: string
}

export function levelColor(kind: LevelKind, palette: LevelPalette): string {
  return palette[kind]
}
