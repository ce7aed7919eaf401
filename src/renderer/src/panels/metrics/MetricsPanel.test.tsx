import { act } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { epochMs, type PerformanceReport, type Tier, type TierPerformance } from '../../../../shared/domain'
import type { PanelLink } from '../../app/panel-types'
import { makeHealth, T0 } from '../../test-support/fixtures'
import { render, type Rendered } from '../../test-support/render'
import { FakeTerminalApi } from '../chart/fake-terminal-api'
import { MetricsPanel } from './MetricsPanel'
import { droppedRows, histogramHeights, pushSamples, rejectedRows, sparklinePoints, emptySamples } from './metrics-model'

function tierPerf(tier: Tier, over: Partial<TierPerformance> = {}): TierPerformance {
  return {
    tier,
    eventsPerMin: { m1: 12.5, m15: 10.2, h1: 9.8 },
    total: 1234,
    meanConfidence: 0.743,
    confidenceHistogram: [0, 0, 0, 0, 0, 0, 5, 20, 10, 2],
    topPatterns: [
      { pattern: 'Doji', patternKey: 'doji', count: 40 },
      { pattern: 'Hammer', patternKey: 'hammer', count: 12 },
    ],
    belowThreshold: 56,
    lastEventAt: epochMs(T0 - 3200),
    lagMs: { p50: 12, p99: 1460 },
    threshold: 0.6,
    ...over,
  }
}

function report(m1 = 12.5, over: Partial<PerformanceReport> = {}): PerformanceReport {
  return {
    tiers: {
      daily: tierPerf('daily', { eventsPerMin: { m1, m15: 10.2, h1: 9.8 } }),
      intraday: tierPerf('intraday', { lastEventAt: null, meanConfidence: null, lagMs: { p50: null, p99: null } }),
      combo: tierPerf('combo', { threshold: 0.7 }),
    },
    rejected: { schema: 3, json: 1 },
    confluence: { total: 8 },
    generatedAt: epochMs(T0),
    ...over,
  }
}

const link: PanelLink = { color: 'none', symbol: null, setSymbol: () => {} }
let view: Rendered | null = null
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  view?.unmount()
  view = null
  vi.useRealTimers()
})

const q = (id: string) => view!.container.querySelector(`[data-testid="${id}"]`)
/** Let the fake api answer (and the next poll fire after `ms`), inside act. */
const advance = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

function mount(api: FakeTerminalApi, visible = true) {
  view = render(<MetricsPanel state={{}} setState={() => {}} link={link} api={api} visible={visible} />)
}

describe('MetricsPanel over a fake api returning a PerformanceReport', () => {
  it('shows each tier’s rate, confidence, histogram, top patterns, age, threshold and lag', async () => {
    const api = new FakeTerminalApi().answer('patterns.performance', report()).answer('health.get', makeHealth())
    mount(api)
    await advance()
    expect(q('metrics-panel')).not.toBeNull()
    for (const tier of ['daily', 'intraday', 'combo']) expect(q(`metrics-${tier}`)).not.toBeNull()
    expect(q('metrics-daily-rate')!.textContent).toBe('13')
    expect(q('metrics-daily-mean')!.textContent).toBe('74')
    expect(q('metrics-daily-age')!.textContent).toBe('3.2s ago')
    expect(q('metrics-daily-lag')!.textContent).toBe('12 ms / 1.5 s')
    expect(q('metrics-daily-threshold')!.textContent).toBe('≥ 60')
    expect(q('metrics-combo-threshold')!.textContent).toBe('≥ 70')
    expect(q('metrics-daily-top')!.textContent).toContain('Doji40')
    const bars = q('metrics-daily-hist')!.querySelectorAll('rect')
    expect(bars).toHaveLength(10)
    expect(bars[7]!.getAttribute('data-count')).toBe('20')
    // Unknowns are dashes, not zeros.
    expect(q('metrics-intraday-age')!.textContent).toBe('—')
    expect(q('metrics-intraday-mean')!.textContent).toBe('—')
    expect(q('metrics-intraday-lag')!.textContent).toBe('— / —')
    expect(q('metrics-rejected')!.textContent).toContain('schema3')
    expect(q('metrics-dropped')).toBeNull()
    expect(q('metrics-confluence')!.textContent).toBe('8')
  })

  it('polls every 2 s while visible, growing the sparkline, and stops while hidden', async () => {
    let m1 = 1
    const api = new FakeTerminalApi().handle('patterns.performance', () => ({ ok: true, value: report(m1++) })).answer('health.get', makeHealth())
    mount(api)
    await advance()
    expect(api.callsOf('patterns.performance')).toHaveLength(1)
    await advance(2000)
    await advance(2000)
    expect(api.callsOf('patterns.performance')).toHaveLength(3)
    expect(q('metrics-daily-spark')!.getAttribute('data-samples')).toBe('3')
    expect(q('metrics-daily-rate')!.textContent).toBe('3.0')
    view!.unmount()
    view = null
    mount(api, false)
    await advance(10_000)
    expect(api.callsOf('patterns.performance')).toHaveLength(3)
  })

  it('shows dropped counts from health only when non-zero', async () => {
    const health = makeHealth()
    health.ingest = { ...health.ingest, storeDropped: 0, pushDropped: 17 }
    const api = new FakeTerminalApi().answer('patterns.performance', report(5, { rejected: {} })).answer('health.get', { ...health, rejected: { total: 2, byReason: { too_large: 2 }, samples: [] } })
    mount(api)
    await advance()
    expect(q('metrics-dropped')!.textContent).toBe('Droppedpush dropped17')
    // The performance report had none: the health report's reasons are shown.
    expect(q('metrics-rejected')!.textContent).toContain('too_large2')
  })
})

describe('metrics helpers', () => {
  it('keeps the newest 60 samples per tier', () => {
    let s = emptySamples()
    for (let i = 0; i < 70; i++) s = pushSamples(s, report(i))
    expect(s.daily).toHaveLength(60)
    expect(s.daily[0]).toBe(10)
    expect(s.daily[59]).toBe(69)
  })

  it('scales the sparkline and histogram to their boxes', () => {
    expect(sparklinePoints([0, 5, 10], 100, 21)).toBe('0.0,20.5 50.0,10.5 100.0,0.5')
    expect(sparklinePoints([], 100, 20)).toBe('')
    expect(sparklinePoints([3], 100, 20)).toBe('0,0.5 100,0.5')
    expect(histogramHeights([0, 1, 100], 30)).toEqual([0, 1, 30])
    expect(histogramHeights([0, 0], 30)).toEqual([0, 0])
  })

  it('sorts rejections and lists non-zero drops', () => {
    expect(rejectedRows(report(1, { rejected: { a: 1, b: 5, c: 0 } }), null)).toEqual([
      ['b', 5],
      ['a', 1],
    ])
    expect(droppedRows(null)).toEqual([])
    expect(droppedRows(makeHealth())).toEqual([])
  })
})
