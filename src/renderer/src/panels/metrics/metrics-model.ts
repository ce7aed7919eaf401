/** Pure helpers of the tier-metrics panel: sample history, sparkline and histogram geometry, rejection and drop rows. */
import { TIERS, type HealthReport, type PerformanceReport, type Tier } from '../../../../shared/domain'

/** Samples kept per tier for the sparkline (one per poll). */
export const SPARK_SAMPLES = 60

export type RateSamples = Record<Tier, number[]>

export const emptySamples = (): RateSamples => ({ daily: [], intraday: [], combo: [] })

/** Append each tier's events-per-minute (last minute) to its history, keeping the newest `max`. */
export function pushSamples(samples: RateSamples, report: PerformanceReport, max: number = SPARK_SAMPLES): RateSamples {
  const next = {} as RateSamples
  for (const tier of TIERS) {
    const v = report.tiers[tier]?.eventsPerMin.m1
    const list = [...samples[tier], Number.isFinite(v) ? (v as number) : 0]
    next[tier] = list.length > max ? list.slice(list.length - max) : list
  }
  return next
}

/** SVG polyline points for `values` in a w x h box (0 at the bottom); one value draws a flat line. */
export function sparklinePoints(values: readonly number[], w: number, h: number): string {
  if (values.length === 0) return ''
  const max = Math.max(...values, 0)
  const y = (v: number) => (max > 0 ? h - (v / max) * (h - 1) - 0.5 : h - 0.5)
  if (values.length === 1) return `0,${y(values[0]!).toFixed(1)} ${w},${y(values[0]!).toFixed(1)}`
  const step = w / (values.length - 1)
  return values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
}

/** Bar heights (px) for histogram counts, tallest = h; a non-zero count is at least 1 px. */
export function histogramHeights(counts: readonly number[], h: number): number[] {
  const max = Math.max(...counts, 0)
  return counts.map((c) => (max > 0 && c > 0 ? Math.max(1, (c / max) * h) : 0))
}

/** Rejected messages by reason, most first: the performance report's, else the health report's. */
export function rejectedRows(perf: PerformanceReport | null, health: HealthReport | null): [string, number][] {
  const perfRows = perf ? Object.entries(perf.rejected) : []
  const source = perfRows.some(([, n]) => n > 0) ? perfRows : health ? Object.entries(health.rejected.byReason) : []
  return source.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

/** Non-zero drop counters of the engine's ingest. */
export function droppedRows(health: HealthReport | null): [string, number][] {
  if (!health) return []
  const rows: [string, number][] = [
    ['store dropped', health.ingest.storeDropped],
    ['push dropped', health.ingest.pushDropped],
  ]
  return rows.filter(([, n]) => n > 0)
}

/** Age of a tier's last event at the report's time. */
export function lastEventAge(report: PerformanceReport, tier: Tier): number | null {
  const at = report.tiers[tier].lastEventAt
  return at === null ? null : Math.max(0, report.generatedAt - at)
}
