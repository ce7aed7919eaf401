/**
 * Shell actions as data: the command palette lists them (fuzzy-filtered) and
 * the menu bar shows the same ones, so every action exists in both places.
 */
import { normalizeSymbol } from '../state/link-store'

export type CommandGroup = 'Symbol' | 'Panels' | 'Layout' | 'Theme' | 'View' | 'Alerts'

export interface Command {
  /** Stable id, also the menu item's and palette item's data-command-id. */
  id: string
  title: string
  group: CommandGroup
  /** Extra words the filter matches (not shown). */
  keywords?: string
  /** Shown at the right: a shortcut or a short detail. */
  hint?: string
  /** A check mark in the menu (the theme in use, the layout in use). */
  checked?: boolean
  run(): void
}

export interface Match {
  score: number
  /** The query occurs as one run of characters (not only as a scattered subsequence). */
  contiguous: boolean
}

const isWordStart = (text: string, i: number) => i === 0 || /[\s:/\-_(.]/.test(text[i - 1]!)

/**
 * Fuzzy match: every query character in order (case-insensitive); word starts,
 * runs and early matches score higher. Null when the query does not match.
 */
export function fuzzyMatch(query: string, text: string): Match | null {
  const q = query.trim().toLowerCase()
  if (q.length === 0) return { score: 0, contiguous: true }
  const t = text.toLowerCase()
  const at = t.indexOf(q)
  if (at >= 0) {
    // A run: the earlier and the more word-aligned, the better.
    const score = 1000 + (at === 0 ? 300 : 0) + (isWordStart(t, at) ? 200 : 0) - at - (t.length - q.length) * 0.5
    return { score, contiguous: true }
  }
  let score = 0
  let ti = 0
  let prev = -2
  for (const ch of q) {
    if (ch === ' ') continue
    let found = -1
    // Prefer the next word start holding ch, else the next occurrence.
    for (let j = ti; j < t.length; j++) {
      if (t[j] === ch && isWordStart(t, j)) {
        found = j
        break
      }
    }
    const next = t.indexOf(ch, ti)
    if (next < 0) return null
    if (found < 0 || (next === prev + 1 && next < found)) found = next
    score += 10
    if (isWordStart(t, found)) score += 15
    if (found === prev + 1) score += 8
    score -= Math.min(found - ti, 10)
    prev = found
    ti = found + 1
  }
  return { score, contiguous: false }
}

function matchCommand(query: string, c: Command): Match | null {
  const inTitle = fuzzyMatch(query, c.title)
  // The group and the keywords count only as runs: scattered letters across them match almost anything.
  const runOnly = (m: Match | null) => (m?.contiguous ? m : null)
  const inGroup = runOnly(fuzzyMatch(query, `${c.group} ${c.title}`))
  const inKeywords = c.keywords ? runOnly(fuzzyMatch(query, c.keywords)) : null
  let best: Match | null = null
  for (const [m, weight] of [
    [inTitle, 0],
    [inGroup, -50],
    [inKeywords, -100],
  ] as const) {
    if (m && (!best || m.score + weight > best.score)) best = { score: m.score + weight, contiguous: m.contiguous }
  }
  return best
}

/** Commands matching the query, best first (the original order among equals). */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  return rankCommands(commands, query).map((r) => r.command)
}

function rankCommands(commands: readonly Command[], query: string): { command: Command; match: Match }[] {
  const ranked: { command: Command; match: Match; index: number }[] = []
  commands.forEach((command, index) => {
    const match = matchCommand(query, command)
    if (match) ranked.push({ command, match, index })
  })
  ranked.sort((a, b) => b.match.score - a.match.score || a.index - b.index)
  return ranked
}

/** A query that can be a ticker: one word of ticker characters, at most 10 long. */
export function symbolFromQuery(query: string): string | null {
  const q = query.trim()
  if (q.length === 0 || q.length > 10 || /\s/.test(q)) return null
  return normalizeSymbol(q.replace(/^\$/, ''))
}

export type PaletteEntry = { kind: 'command'; command: Command } | { kind: 'symbol'; symbol: string }

/**
 * What the palette lists for a query. A query that can be a ticker adds "go
 * to symbol" first, unless commands match it as a run of letters (typing
 * "dark" or "load" finds the commands; typing "aapl" + Enter jumps to AAPL).
 */
export function paletteEntries(commands: readonly Command[], query: string): PaletteEntry[] {
  const ranked = rankCommands(commands, query)
  const symbol = symbolFromQuery(query)
  const entries: PaletteEntry[] = []
  let symbolAdded = symbol === null
  for (const r of ranked) {
    if (!symbolAdded && !r.match.contiguous) {
      entries.push({ kind: 'symbol', symbol: symbol! })
      symbolAdded = true
    }
    entries.push({ kind: 'command', command: r.command })
  }
  if (!symbolAdded) entries.push({ kind: 'symbol', symbol: symbol! })
  // A ticker the user typed exactly is what they mean, even if a command contains those letters ("SPY" vs "Display").
  if (symbol !== null && /^[A-Z0-9.^/-]+$/.test(query.trim()) && query.trim().length >= 1) {
    const i = entries.findIndex((e) => e.kind === 'symbol')
    if (i > 0) entries.unshift(...entries.splice(i, 1))
  }
  return entries
}
