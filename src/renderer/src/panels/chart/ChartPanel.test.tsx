import { act, useCallback, useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BarTimeframe, MarketPulse, RegimePeriod } from '../../../../shared/domain'
import { epochMs } from '../../../../shared/domain'
import type { PanelLink } from '../../app/panel-types'
import { makeEvent } from '../../test-support/fixtures'
import { render, type Rendered } from '../../test-support/render'
import { ChartPanel, type ChartState } from './ChartPanel'
import type { ChartView, ChartViewCallbacks, ChartViewFactory } from './chart-view'
import { barsHandler, FakeTerminalApi } from './fake-terminal-api'
import { chartPanel, parseChartState } from './index'
import type { RegimeRun } from './regime-band'

const LAST = Date.UTC(2024, 2, 15, 14, 55)

/** Stands in for lightweight-charts (jsdom has no canvas): records views and lets a test hover. */
class FakeViews {
  created: {
    timeframe: BarTimeframe
    callbacks: ChartViewCallbacks
    disposed: boolean
    bars: number
    sets: number
    updates: number
    levels: string[]
    band: readonly RegimeRun[]
  }[] = []
  readonly factory: ChartViewFactory = (_host, timeframe, callbacks) => {
    const rec = { timeframe, callbacks, disposed: false, bars: 0, sets: 0, updates: 0, levels: [] as string[], band: [] as readonly RegimeRun[] }
    this.created.push(rec)
    const view: ChartView = {
      setBars: (points) => {
        rec.bars = points.length
        rec.sets++
      },
      updateBar: () => void rec.updates++,
      setMarkers: () => {},
      setLevels: (lines) => void (rec.levels = lines.map((l) => `${l.title} ${l.price}`)),
      setRegimeBand: (runs) => void (rec.band = runs),
      dispose: () => (rec.disposed = true),
    }
    return view
  }
  get live() {
    return this.created.filter((v) => !v.disposed)
  }
}

/** Let the fake api's answers land, inside act (they update React state). */
const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 0)))

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

interface HostControl {
  setLink(symbol: string | null): void
  setVisible(v: boolean): void
}

/** Plays the shell: holds the panel's state and link, re-rendering the panel with them. */
function Host(props: {
  api: FakeTerminalApi
  views: FakeViews
  initial: ChartState
  linkSymbol: string | null
  onState(s: ChartState): void
  setSymbol(s: string): void
  control: Partial<HostControl>
}) {
  const [state, setStateRaw] = useState(props.initial)
  const [linkSymbol, setLinkSymbol] = useState(props.linkSymbol)
  const [visible, setVisible] = useState(true)
  props.control.setLink = setLinkSymbol
  props.control.setVisible = setVisible
  const setState = useCallback(
    (s: ChartState) => {
      props.onState(s)
      setStateRaw(s)
    },
    [props],
  )
  const link: PanelLink = { color: linkSymbol ? 'red' : 'none', symbol: linkSymbol, setSymbol: props.setSymbol }
  return <ChartPanel state={state} setState={setState} link={link} api={props.api} visible={visible} createView={props.views.factory} />
}

const LAST_DAY = Date.UTC(2024, 2, 15, 4) // Friday 2024-03-15, 00:00 New York
const PERIODS: RegimePeriod[] = [
  { from: '2023-11-01', to: '2024-03-05', regime: 'Bear', confidence: 0.6 },
  { from: '2024-03-06', to: '2024-03-15', regime: 'Bull', confidence: 0.8 },
]

function mount(
  opts: { symbol?: string | null; linkSymbol?: string | null; source?: 'demo' | 'none'; timeframe?: BarTimeframe; regimeBand?: boolean | null; periods?: RegimePeriod[] } = {},
) {
  const timeframe = opts.timeframe ?? '5m'
  const daily = timeframe === '1D' || timeframe === '1W'
  const api = new FakeTerminalApi()
    .handle('bars.get', barsHandler(timeframe, daily ? LAST_DAY : LAST, { source: opts.source }))
    .answer('market.regimes', { periods: opts.periods ?? PERIODS })
    .answer('patterns.symbol', {
    patterns: [
      makeEvent(1, 'daily', { symbol: 'NVDA', pattern: 'BullishEngulfing', patternKey: 'bullishengulfing', detectedAt: epochMs(LAST - 7 * 60_000), levels: [{ type: 'entry', value: 101 }] }),
      makeEvent(2, 'intraday', { symbol: 'NVDA', pattern: 'Doji', patternKey: 'doji', detectedAt: epochMs(LAST + 60_000) }),
      makeEvent(3, 'daily', { symbol: 'NVDA', pattern: 'Hammer', patternKey: 'hammer', detectedAt: epochMs(LAST - 30 * 60_000), levels: [{ type: 'stop', value: 95 }] }),
    ],
  })
  const views = new FakeViews()
  let state: ChartState = { symbol: opts.symbol ?? null, timeframe, regimeBand: opts.regimeBand ?? null }
  const setState = vi.fn((s: ChartState) => {
    state = s
  })
  const setSymbol = vi.fn()
  const control: Partial<HostControl> = {}
  view = render(<Host api={api} views={views} initial={state} linkSymbol={opts.linkSymbol ?? null} onState={setState} setSymbol={setSymbol} control={control} />)
  const q = (id: string) => view!.container.querySelector(`[data-testid="${id}"]`)
  return {
    api,
    views,
    setState,
    setSymbol,
    q,
    get state() {
      return state
    },
    control: control as HostControl,
  }
}

describe('ChartPanel (the engine over a fake api, lightweight-charts replaced by a fake view)', () => {
  it('charts the linked symbol with timeframe buttons, the ET zone and a marker count', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    const panel = m.q('chart-panel')!
    expect(panel.getAttribute('data-symbol')).toBe('NVDA')
    expect(panel.getAttribute('data-timeframe')).toBe('5m')
    expect(panel.textContent).toContain('ET')
    await settle()
    expect(m.q('chart-markers')!.getAttribute('data-count')).toBe('3')
    expect(m.views.live).toHaveLength(1)
    expect(m.views.live[0]!.bars).toBe(500)
    expect(m.q('tf-5m')!.getAttribute('aria-pressed')).toBe('true')
    for (const tf of ['1m', '15m', '1h', '1D', '1W']) expect(m.q(`tf-${tf}`)).not.toBeNull()
    // The persisted symbol follows the link, so the title does too.
    expect(m.setState).toHaveBeenCalledWith({ symbol: 'NVDA', timeframe: '5m', regimeBand: null })
    expect(chartPanel.title(m.state)).toBe('Chart · NVDA 5m')
  })

  it('shows the tooltip of the hovered bar', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    expect(m.q('chart-markers')!.getAttribute('data-count')).toBe('3')
    const barKey = String(Date.UTC(2024, 2, 15, 10, 45) / 1000)
    act(() => m.views.live[0]!.callbacks.onHover(barKey, 100))
    expect(m.q('chart-tooltip')!.textContent).toContain('BullishEngulfing')
    expect(m.q('chart-tooltip')!.textContent).toContain('daily')
    act(() => m.views.live[0]!.callbacks.onHover(null, null))
    expect(m.q('chart-tooltip')).toBeNull()
  })

  it('says there are no bars yet when the source is none, and lists the symbol’s patterns', async () => {
    const m = mount({ linkSymbol: 'NVDA', source: 'none' })
    await settle()
    expect(m.q('chart-empty')).not.toBeNull()
    expect(m.q('chart-empty')!.textContent).toContain('No bars for NVDA yet: the bar feed arrives with the market-data source')
    expect(m.q('chart-recent')!.querySelectorAll('tr')).toHaveLength(3)
  })

  it('rebuilds the chart on a new timeframe, disposing the old one and its subscriptions', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    expect(m.views.live[0]?.bars).toBe(500)
    act(() => (m.q('tf-1h') as HTMLButtonElement).click())
    expect(m.state.timeframe).toBe('1h')
    await settle()
    expect(m.views.live.map((v) => v.timeframe)).toEqual(['1h'])
    expect(m.views.created.filter((v) => v.disposed).length).toBeGreaterThanOrEqual(1)
    expect(m.api.active('bars').map((s) => s.filter)).toEqual([{ symbol: 'NVDA', timeframe: '1h' }])
    expect(m.q('chart-panel')!.getAttribute('data-timeframe')).toBe('1h')
  })

  it('typing a symbol moves the link group to it', async () => {
    const m = mount({ symbol: null })
    expect(m.q('chart-nosymbol')).not.toBeNull()
    const input = m.q('chart-symbol-input') as HTMLInputElement
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      setter.call(input, 'amd')
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    act(() => input.form!.requestSubmit())
    expect(m.setSymbol).toHaveBeenCalledWith('AMD')
    expect(m.state.symbol).toBe('AMD')
    await settle()
    expect(m.q('chart-panel')!.getAttribute('data-symbol')).toBe('AMD')
  })

  it('draws the newest levels; clicking a marker’s bar pins its pattern’s; a new linked symbol drops the pin', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    expect(m.views.live[0]!.levels).toEqual(['entry 101'])
    expect(m.q('chart-levels')!.textContent).toContain('BullishEngulfing')
    const at1025 = String(Date.UTC(2024, 2, 15, 10, 25) / 1000)
    act(() => m.views.live[0]!.callbacks.onClick(at1025))
    expect(m.views.live[0]!.levels).toEqual(['stop 95'])
    expect(m.q('chart-levels')!.textContent).toContain('Hammer')
    expect(m.q('chart-levels')!.querySelector('button')).not.toBeNull()
    // A row picked elsewhere moves the link group: new chart, the newest levels again.
    act(() => m.control.setLink('AMD'))
    await settle()
    expect(m.views.created).toHaveLength(2)
    expect(m.views.live).toHaveLength(1)
    expect(m.api.active('bars').map((s) => s.filter)).toEqual([{ symbol: 'AMD', timeframe: '5m' }])
    expect(m.state.symbol).toBe('AMD')
    expect(m.views.live[0]!.levels).toEqual(['entry 101'])
    expect(m.q('chart-levels')!.querySelector('button')).toBeNull()
  })

  it('does not draw ticks while hidden, and redraws once when shown again', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    const v = m.views.live[0]!
    const bar = { time: epochMs(LAST), open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }
    act(() => m.api.push('bars', [bar]))
    expect(v.updates).toBe(1)
    act(() => m.control.setVisible(false))
    act(() => m.api.push('bars', [{ ...bar, close: 1.6 }]))
    expect(v.updates).toBe(1)
    const sets = v.sets
    act(() => m.control.setVisible(true))
    expect(v.sets).toBe(sets + 1)
  })

  it('leaves nothing behind on unmount', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    expect(m.views.live[0]?.bars).toBe(500)
    view!.unmount()
    view = null
    expect(m.views.live).toHaveLength(0)
    expect(m.api.active()).toHaveLength(0)
    expect(m.api.connectionListeners).toBe(0)
  })
})

describe('ChartPanel: weekly bars and the regime band', () => {
  const pulse = (version: number): MarketPulse => ({ version, asOf: '2024-03-15', regime: 'Bull', risk: 0.6, causes: ['daily'], at: epochMs(0) })

  it('offers the weekly timeframe', async () => {
    const m = mount({ linkSymbol: 'NVDA' })
    await settle()
    act(() => (m.q('tf-1W') as HTMLButtonElement).click())
    expect(m.state.timeframe).toBe('1W')
    await settle()
    expect(m.views.live.map((v) => v.timeframe)).toEqual(['1W'])
    expect(m.api.active('bars').map((s) => s.filter)).toEqual([{ symbol: 'NVDA', timeframe: '1W' }])
    expect(chartPanel.title(m.state)).toBe('Chart · NVDA 1W')
  })

  it('shows the band on SPY by default: asks for the periods, follows the market topic, and says the regime in a legend', async () => {
    const m = mount({ linkSymbol: 'SPY', timeframe: '1D' })
    await settle()
    expect(m.api.callsOf('market.regimes')).toEqual([{}])
    expect(m.api.active('market')).toHaveLength(1)
    expect(m.views.live[0]!.band.map((r) => r.regime)).toEqual(['Bear', 'Bull'])
    expect(m.q('chart-regime-toggle')!.getAttribute('aria-pressed')).toBe('true')
    // Off the bars: the newest bar's regime; on a bar: that bar's.
    expect(m.q('chart-regime-legend')!.textContent).toBe('Bull since Mar 6, 2024')
    act(() => m.views.live[0]!.callbacks.onHover('2024-03-01', 50))
    expect(m.q('chart-regime-legend')!.textContent).toBe('Bear since Nov 1, 2023')
    expect(m.q('chart-regime-legend')!.getAttribute('data-regime')).toBe('Bear')
    act(() => m.views.live[0]!.callbacks.onHover(null, null))
    expect(m.q('chart-regime-legend')!.getAttribute('data-regime')).toBe('Bull')
    // A new market version refetches, a second after the last request at the earliest.
    act(() => m.api.push('market', pulse(3)))
    act(() => m.api.push('market', pulse(4)))
    await settle()
    expect(m.api.callsOf('market.regimes')).toHaveLength(1)
    await act(() => vi.waitFor(() => expect(m.api.callsOf('market.regimes')).toHaveLength(2), { timeout: 2000 }))
  })

  it('is a toggle for other symbols, persisted in the panel state', async () => {
    const m = mount({ linkSymbol: 'AAPL', timeframe: '1W' })
    await settle()
    expect(m.api.callsOf('market.regimes')).toHaveLength(0)
    expect(m.api.active('market')).toHaveLength(0)
    expect(m.q('chart-regime-legend')).toBeNull()
    const toggle = m.q('chart-regime-toggle') as HTMLButtonElement
    expect(toggle.getAttribute('aria-pressed')).toBe('false')
    act(() => toggle.click())
    expect(m.state.regimeBand).toBe(true)
    await settle()
    // The same chart, now with the band: no rebuild.
    expect(m.views.created).toHaveLength(1)
    expect(m.api.callsOf('market.regimes')).toEqual([{}])
    expect(m.api.active('market')).toHaveLength(1)
    expect(m.views.live[0]!.band.length).toBeGreaterThan(0)
    expect(m.q('chart-regime-toggle')!.getAttribute('aria-pressed')).toBe('true')
    act(() => (m.q('chart-regime-toggle') as HTMLButtonElement).click())
    expect(m.state.regimeBand).toBe(false)
    expect(m.api.active('market')).toHaveLength(0)
    expect(m.views.live[0]!.band).toEqual([])
    expect(parseChartState(m.state)).toEqual({ symbol: 'AAPL', timeframe: '1W', regimeBand: false })
  })

  it('has no band and no toggle on intraday charts, and no legend or error without market data', async () => {
    const intraday = mount({ linkSymbol: 'SPY', timeframe: '5m' })
    await settle()
    expect(intraday.q('chart-regime-toggle')).toBeNull()
    expect(intraday.api.callsOf('market.regimes')).toHaveLength(0)
    view!.unmount()
    const noData = mount({ linkSymbol: 'SPY', timeframe: '1D', periods: [] })
    await settle()
    expect(noData.api.callsOf('market.regimes')).toHaveLength(1)
    expect(noData.views.live[0]!.band).toEqual([])
    expect(noData.q('chart-regime-legend')).toBeNull()
    expect(noData.q('chart-panel')!.querySelector('.chart-error')).toBeNull()
  })

  it('unsubscribes from the market topic when the symbol changes or the panel goes', async () => {
    const m = mount({ linkSymbol: 'SPY', timeframe: '1D' })
    await settle()
    expect(m.api.active('market')).toHaveLength(1)
    act(() => m.control.setLink('QQQ'))
    await settle()
    expect(m.api.active('market')).toHaveLength(0)
    act(() => m.control.setLink('SPY'))
    await settle()
    expect(m.api.active('market')).toHaveLength(1)
    view!.unmount()
    view = null
    expect(m.api.active()).toHaveLength(0)
  })
})

describe('chart panel state', () => {
  it('reads back saved state field by field', () => {
    expect(parseChartState({ symbol: 'nvda', timeframe: '1h' })).toEqual({ symbol: 'NVDA', timeframe: '1h', regimeBand: null })
    expect(parseChartState({ symbol: 'bad symbol!', timeframe: '2m', regimeBand: 'yes' })).toEqual({ symbol: null, timeframe: '5m', regimeBand: null })
    expect(parseChartState({ symbol: 'SPY', timeframe: '1W', regimeBand: false })).toEqual({ symbol: 'SPY', timeframe: '1W', regimeBand: false })
    expect(parseChartState(null)).toEqual(chartPanel.defaultState)
    expect(chartPanel.title({ symbol: null, timeframe: '1D', regimeBand: null })).toBe('Chart · 1D')
  })
})
