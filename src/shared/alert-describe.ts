/**
 * Rules and conditions in a trader's words: a one-line summary for the rule
 * list, the editor and the alert history ("Hammer or ShootingStar, intraday,
 * confidence >= 0.80, in Bull"), and the number formats the evaluator's
 * "matched" lines share with it. Shared by the engine and the rule editor, so
 * it also words a draft that is not complete yet ("no symbols", "(any)").
 */
import type { AlertRule, Condition, ConditionGroup, TradingSession } from './alerts'
import { assertNever } from './assert'
import { sectorName } from './domain'
import { displayName } from './patterns'

export const fmtConfidence = (n: number): string => n.toFixed(2)
export const fmtPrice = (n: number): string => (n >= 1 ? n.toFixed(2) : n.toPrecision(3))
export const fmtRelVolume = (n: number): string => `${n >= 10 ? n.toFixed(0) : n.toFixed(1)}x`
export const fmtRisk = (n: number): string => (n > 0 ? `+${n.toFixed(2)}` : n.toFixed(2))

/** "XLK (Technology)"; the fund alone when it is not a sector fund. */
export function sectorLabel(fund: string): string {
  const name = sectorName(fund)
  return name ? `${fund} (${name})` : fund
}

const SESSION_WORDS: Record<TradingSession, string> = { pre: 'pre-market', regular: 'regular', after: 'after-hours' }
export const sessionWord = (s: TradingSession): string => SESSION_WORDS[s]

/** "a, b or c". */
function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

/** Long symbol lists shortened: "AAPL, MSFT, NVDA and 12 more". */
function symbolList(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}

function range(label: string, min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return `${label} ${fmt(min)}-${fmt(max)}`
  if (min !== undefined) return `${label} >= ${fmt(min)}`
  if (max !== undefined) return `${label} <= ${fmt(max)}`
  return `${label} (any)`
}

/** One condition, short: what the editor shows on its chip and the summary joins. */
export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'pattern': {
      const parts: string[] = []
      const dirs = c.directions ? orList(c.directions) : ''
      const kinds = c.kinds ? orList(c.kinds) : ''
      if (c.names && c.names.length > 0) {
        const names = orList([...new Set(c.names.map((n) => displayName(n)))])
        const qual = [dirs, kinds].filter(Boolean).join(' ')
        return qual ? `${names} (${qual})` : names
      }
      if (dirs) parts.push(dirs)
      if (kinds) parts.push(kinds)
      return parts.length > 0 ? `${parts.join(' ')} patterns` : 'any pattern'
    }
    case 'tier':
      return c.tiers.length > 0 ? orList(c.tiers) : 'no tier'
    case 'symbol': {
      const parts: string[] = []
      if (c.include && c.include.length > 0) parts.push(symbolList(c.include))
      if (c.exclude && c.exclude.length > 0) parts.push(`not ${symbolList(c.exclude)}`)
      return parts.join(', ') || 'no symbols'
    }
    case 'watchlist': {
      const parts: string[] = []
      if (c.include && c.include.length > 0) parts.push(`on watchlist ${orList(c.include)}`)
      if (c.exclude && c.exclude.length > 0) parts.push(`not on watchlist ${orList(c.exclude)}`)
      return parts.join(', ') || 'no watchlist'
    }
    case 'sector': {
      const parts: string[] = []
      if (c.include && c.include.length > 0) parts.push(`sector ${orList(c.include.map(sectorLabel))}`)
      if (c.exclude && c.exclude.length > 0) parts.push(`not sector ${orList(c.exclude.map(sectorLabel))}`)
      return parts.join(', ') || 'no sector'
    }
    case 'confidence':
      return range('confidence', c.min, c.max, fmtConfidence)
    case 'priority':
      return c.min === 'CRITICAL' ? 'priority CRITICAL' : `priority ${c.min} or above`
    case 'price':
      return range('price', c.min, c.max, fmtPrice)
    case 'relVolume':
      return `relative volume >= ${fmtRelVolume(c.min)}`
    case 'confluence':
      return `${c.minTiers}+ tiers within the window`
    case 'regime':
      return c.in.length > 0 ? `in ${orList(c.in)}` : 'no regime'
    case 'risk':
      if (c.above !== undefined && c.below !== undefined) return `risk between ${fmtRisk(c.above)} and ${fmtRisk(c.below)}`
      if (c.above !== undefined) return `risk above ${fmtRisk(c.above)}`
      if (c.below !== undefined) return `risk below ${fmtRisk(c.below)}`
      return 'risk (any)'
    case 'quadrant':
      return c.in.length > 0 ? `sector ${orList(c.in)}` : 'no quadrant'
    case 'session':
      return c.in.length > 0 ? `${orList(c.in.map(sessionWord))} session` : 'no session'
    default:
      return assertNever(c)
  }
}

/** A group: AND items joined with ", ", OR items with " or ", nested groups in parentheses. */
export function describeGroup(g: ConditionGroup, nested = false): string {
  if (g.items.length === 0) return g.op === 'and' ? 'every event' : 'nothing'
  const parts = g.items.map((it) => (it.kind === 'group' ? describeGroup(it, true) : describeCondition(it)))
  if (parts.length === 1) return parts[0]!
  const text = g.op === 'and' ? parts.join(', ') : parts.join(' or ')
  return nested ? `(${text})` : text
}

/** One line for the rule list and the history: "Hammer or ShootingStar, intraday, confidence >= 0.80, in Bull". */
export function describeRule(rule: Pick<AlertRule, 'when'>): string {
  return describeGroup(rule.when)
}
