import { useEffect, useState } from 'react'
import { TIERS, type HealthReport, type PerformanceReport, type Tier, type TierPerformance } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { formatAge, formatConfidence, formatCount, formatLag, formatRate } from '../format'
import {
  droppedRows,
  emptySamples,
  histogramHeights,
  lastEventAge,
  pushSamples,
  rejectedRows,
  sparklinePoints,
  type RateSamples,
} from './metrics-model'
import './metrics.css'

export type MetricsState = Record<string, never>

/** How often the panel asks for the performance report (and health) while on screen. */
export const METRICS_POLL_MS = 2000

const TIER_LABEL: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }
const TOP_PATTERNS = 5
const SPARK_W = 120
const SPARK_H = 26
const HIST_W = 120
const HIST_H = 30

interface Data {
  perf: PerformanceReport | null
  health: HealthReport | null
  samples: RateSamples
  error: string | null
}

export function MetricsPanel({ api, visible, pollMs = METRICS_POLL_MS }: PanelProps<MetricsState> & { pollMs?: number }) {
  const [data, setData] = useState<Data>(() => ({ perf: null, health: null, samples: emptySamples(), error: null }))

  useEffect(() => {
    if (!visible) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    // A chain of timeouts, not an interval: a slow answer never stacks requests.
    const poll = async () => {
      const [perf, health] = await Promise.all([api.invoke('patterns.performance', {}), api.invoke('health.get', {})])
      if (stopped) return
      setData((d) => ({
        perf: perf.ok ? perf.value : d.perf,
        health: health.ok ? health.value : d.health,
        samples: perf.ok ? pushSamples(d.samples, perf.value) : d.samples,
        error: perf.ok ? null : perf.error.code === 'unavailable' ? d.error : `patterns.performance: ${perf.error.message}`,
      }))
      timer = setTimeout(() => void poll(), pollMs)
    }
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [api, visible, pollMs])

  const { perf, health, samples, error } = data
  const rejected = rejectedRows(perf, health)
  const dropped = droppedRows(health)

  return (
    <div className="metrics-panel" data-testid="metrics-panel">
      {error && <div className="metrics-error">{error}</div>}
      <div className="metrics-tiers">
        {TIERS.map((tier) => (
          <TierCard key={tier} tier={tier} perf={perf?.tiers[tier] ?? null} age={perf ? lastEventAge(perf, tier) : null} samples={samples[tier]} />
        ))}
      </div>
      <div className="metrics-footer">
        <section className="metrics-box" data-testid="metrics-rejected">
          <h3>
            Rejected <span className="num">{formatCount(rejected.reduce((n, [, c]) => n + c, 0))}</span>
          </h3>
          {rejected.length === 0 ? (
            <div className="dim">none</div>
          ) : (
            <ul className="metrics-list">
              {rejected.map(([reason, n]) => (
                <li key={reason}>
                  <span className="metrics-name">{reason}</span>
                  <span className="num">{formatCount(n)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        {dropped.length > 0 && (
          <section className="metrics-box metrics-dropped" data-testid="metrics-dropped">
            <h3>Dropped</h3>
            <ul className="metrics-list">
              {dropped.map(([what, n]) => (
                <li key={what}>
                  <span className="metrics-name">{what}</span>
                  <span className="num">{formatCount(n)}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {perf && (
          <section className="metrics-box">
            <h3>Confluence</h3>
            <div className="num" data-testid="metrics-confluence">
              {formatCount(perf.confluence.total)}
            </div>
          </section>
        )}
      </div>
    </div>
  )
}

function TierCard({ tier, perf, age, samples }: { tier: Tier; perf: TierPerformance | null; age: number | null; samples: readonly number[] }) {
  const id = `metrics-${tier}`
  return (
    <section className="metrics-tier" data-testid={id}>
      <header className="metrics-tier-head">
        <h3>{TIER_LABEL[tier]}</h3>
        <span className="dim" data-testid={`${id}-threshold`} title="Confidence threshold of this tier">
          ≥ {perf ? formatConfidence(perf.threshold) : '—'}
        </span>
      </header>
      <div className="metrics-rate">
        <span className="metrics-big" data-testid={`${id}-rate`}>
          {perf ? formatRate(perf.eventsPerMin.m1) : '—'}
        </span>
        <span className="dim">/min</span>
        <svg className="metrics-spark" data-testid={`${id}-spark`} data-samples={samples.length} width={SPARK_W} height={SPARK_H} viewBox={`0 0 ${SPARK_W} ${SPARK_H}`} aria-label="events per minute, recent samples">
          <polyline points={sparklinePoints(samples, SPARK_W, SPARK_H)} />
        </svg>
      </div>
      <div className="dim metrics-sub">
        15m {perf ? formatRate(perf.eventsPerMin.m15) : '—'} · 1h {perf ? formatRate(perf.eventsPerMin.h1) : '—'} · total {perf ? formatCount(perf.total) : '—'}
      </div>
      <dl className="metrics-stats">
        <dt>Mean conf</dt>
        <dd data-testid={`${id}-mean`}>{perf?.meanConfidence != null ? formatConfidence(perf.meanConfidence) : '—'}</dd>
        <dt>Last event</dt>
        <dd data-testid={`${id}-age`}>{age === null ? '—' : `${formatAge(age)} ago`}</dd>
        <dt>Lag p50 / p99</dt>
        <dd data-testid={`${id}-lag`}>
          {formatLag(perf?.lagMs.p50 ?? null)} / {formatLag(perf?.lagMs.p99 ?? null)}
        </dd>
        <dt>Below threshold</dt>
        <dd>{perf ? formatCount(perf.belowThreshold) : '—'}</dd>
      </dl>
      <Histogram counts={perf?.confidenceHistogram ?? []} testId={`${id}-hist`} />
      <ol className="metrics-top" data-testid={`${id}-top`}>
        {(perf?.topPatterns ?? []).slice(0, TOP_PATTERNS).map((p) => (
          <li key={p.patternKey}>
            <span className="metrics-name">{p.pattern}</span>
            <span className="num">{formatCount(p.count)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}

function Histogram({ counts, testId }: { counts: readonly number[]; testId: string }) {
  const n = 10
  const values = Array.from({ length: n }, (_, i) => counts[i] ?? 0)
  const heights = histogramHeights(values, HIST_H - 1)
  const slot = HIST_W / n
  return (
    <div className="metrics-hist">
      <svg data-testid={testId} width={HIST_W} height={HIST_H} viewBox={`0 0 ${HIST_W} ${HIST_H}`} aria-label="confidence histogram">
        {heights.map((h, i) => (
          <rect key={i} x={i * slot + 1} y={HIST_H - h} width={slot - 2} height={h} data-count={values[i]}>
            <title>{`${i * 10}-${i * 10 + 10}%: ${values[i]}`}</title>
          </rect>
        ))}
        <line x1={0} x2={HIST_W} y1={HIST_H - 0.5} y2={HIST_H - 0.5} />
      </svg>
      <div className="metrics-hist-axis dim">
        <span>0</span>
        <span>conf</span>
        <span>100</span>
      </div>
    </div>
  )
}
