/** The alert performance table's model: columns, sorting (empty cells last either way) and formats. */
import type { Alert, RuleStats } from '../../../../shared/alerts'
import { SUPPRESSION_WORDS } from '../alert-rules/RulePreview'

export const STATS_COLUMNS = ['rule', 'fired', 'delivered', 'failed', 'suppressed', 'acknowledged', 'useful', 'after1h', 'after1d', 'after5d', 'measured'] as const
export type StatsColumn = (typeof STATS_COLUMNS)[number]
export interface StatsSort {
  key: StatsColumn
  dir: 'asc' | 'desc'
}

export const DEFAULT_STATS_SORT: StatsSort = { key: 'fired', dir: 'desc' }

export const isStatsColumn = (v: unknown): v is StatsColumn => typeof v === 'string' && (STATS_COLUMNS as readonly string[]).includes(v)

/** A cell's sort value; null sorts last whichever way the column runs. */
export function statValue(r: RuleStats, key: StatsColumn): number | string | null {
  switch (key) {
    case 'rule':
      return r.ruleName.toLowerCase()
    case 'useful':
      return r.usefulShare
    case 'after1h':
    case 'after1d':
    case 'after5d':
      return r.outcome[key]
    case 'measured':
      return r.outcome.measured
    default:
      return r[key]
  }
}

export function sortStats(rows: readonly RuleStats[], sort: StatsSort): RuleStats[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const va = statValue(a, sort.key)
    const vb = statValue(b, sort.key)
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign
    }
    return a.ruleName.localeCompare(b.ruleName) || (a.ruleId < b.ruleId ? -1 : 1)
  })
}

/** Clicking a header: the same column flips; another starts high to low (the rule name A to Z). */
export function nextStatsSort(sort: StatsSort, key: StatsColumn): StatsSort {
  if (sort.key === key) return { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
  return { key, dir: key === 'rule' ? 'asc' : 'desc' }
}

/** A mean move, a fraction signed the pattern's way: "+1.25%", "—" without bars. */
export function formatOutcome(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—'
  const pct = v * 100
  return `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`
}

export const outcomeTone = (v: number | null): string => (v === null || v === 0 ? '' : v > 0 ? 'ast-up' : 'ast-down')

/** "75% (3/4)", "—" without feedback. */
export function formatUseful(r: Pick<RuleStats, 'useful' | 'notUseful' | 'usefulShare'>): string {
  if (r.usefulShare === null) return '—'
  return `${Math.round(r.usefulShare * 100)}% (${r.useful}/${r.useful + r.notUseful})`
}

/** What became of one alert: held back, failed somewhere, on its way, or delivered. */
export function deliveryOf(a: Alert): { text: string; tone: 'ok' | 'bad' | 'dim' } {
  if (a.suppressedBy) return { text: `held back: ${SUPPRESSION_WORDS[a.suppressedBy]}`, tone: 'dim' }
  const failed = a.channels.filter((c) => c.state === 'failed')
  if (failed.length > 0) return { text: `failed: ${failed.map((c) => (c.target ? `${c.channel} ${c.target}` : c.channel)).join(', ')}`, tone: 'bad' }
  if (a.channels.some((c) => c.state === 'pending')) return { text: 'pending', tone: 'dim' }
  return { text: 'delivered', tone: 'ok' }
}
