import { act, useState, type ComponentType } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PanelLink, PanelProps } from '../../app/panel-types'
import { render, type Rendered } from '../../test-support/render'
import { FakeTerminalApi } from '../chart/fake-terminal-api'
import { CorrelationMatrixPanel } from './CorrelationMatrixPanel'
import { EtfMatrixPanel } from './EtfMatrixPanel'
import { correlation, etfs, marketState, pulse, regimeEvents, sectors, unavailableState } from './market-fixtures'
import { MARKET_REFRESH_MS } from './market-model'
import { MarketOverviewPanel, olderChangesNote, REGIME_HISTORY_FETCH, REGIME_HISTORY_LIMIT } from './MarketOverviewPanel'
import { RotationGraphPanel } from './RotationGraphPanel'
import { SectorHeatmapPanel } from './SectorHeatmapPanel'
import { defaultCorrelationMatrixState, defaultEtfMatrixState, defaultRotationGraphState, defaultSectorHeatmapState } from '.'

let view: Rendered | null = null
let setSymbol = vi.fn<(s: string) => void>()
beforeEach(() => {
  vi.useFakeTimers()
  setSymbol = vi.fn<(s: string) => void>()
})
afterEach(() => {
  view?.unmount()
  view = null
  vi.useRealTimers()
})

const q = (id: string) => view!.container.querySelector<HTMLElement>(`[data-testid="${id}"]`)
const all = (id: string) => [...view!.container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
const advance = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))
/** Click, then let any request it starts be answered, inside act. */
const click = (el: Element | null | undefined) =>
  act(async () => {
    el!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await vi.advanceTimersByTimeAsync(0)
  })

/** Mount a panel with its state held like the shell holds it (setState re-renders). */
function mount<S>(Panel: ComponentType<PanelProps<S>>, api: FakeTerminalApi, initial: S, opts: { visible?: boolean; symbol?: string | null; color?: PanelLink['color'] } = {}) {
  const link: PanelLink = { color: opts.color ?? 'red', symbol: opts.symbol ?? null, setSymbol }
  function Harness() {
    const [state, setState] = useState(initial)
    return <Panel state={state} setState={setState} link={link} api={api} visible={opts.visible ?? true} />
  }
  view = render(<Harness />)
}

describe('Market overview over a fake api (engine not yet wired) returning a fixed MarketState', () => {
  it('shows the regime badge with confidence and since, the risk gauge and components, breadth, key levels and the stored regime history', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState()).answer('market.regimeEvents', regimeEvents())
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(q('market-overview')).not.toBeNull()
    const badge = q('regime-badge')!
    expect(badge.dataset.regime).toBe('Bull')
    expect(badge.className).toContain('regime-bull')
    expect(q('regime-confidence')!.textContent).toBe('82%')
    expect(q('regime-since')!.textContent).toBe('since 2026-05-14')
    expect(q('risk-score')!.textContent).toBe('+0.42')
    const comps = q('risk-components')!.querySelectorAll('li')
    expect([...comps].map((li) => li.textContent)).toEqual(['Equities vs bonds+0.60', 'Small vs large-0.30', 'Credit—'])
    expect(q('breadth-50')!.textContent).toBe('64%')
    expect(q('breadth-200')!.textContent).toBe('73%')
    expect(all('key-level').map((r) => r.dataset.symbol)).toEqual(['SPY', 'QQQ', 'IWM'])
    expect(all('key-level')[0]!.textContent).toContain('580.25 · 562.00')
    // The stored changes, newest first, with the new regime's confidence.
    expect(api.callsOf('market.regimeEvents')).toEqual([{ limit: REGIME_HISTORY_FETCH }])
    expect(q('regime-history')!.querySelector('h3')!.textContent).toBe('Regime history')
    // The percentage column is labelled; all four changes are shown, so no "older" note.
    expect(q('regime-changes-head')!.textContent).toBe('Date · changeConf.')
    expect(q('regime-changes-older')).toBeNull()
    expect(all('regime-change').map((li) => li.textContent)).toEqual([
      '2026-05-14Bear → Bull71%',
      '2026-04-07Consolidation → Bear64%',
      '2026-03-02Bull → Consolidation55%',
      '2025-11-20— → Bull90%',
    ])
    expect(all('regime-change')[0]!.querySelector('.regime-bull')).not.toBeNull()
    expect(q('market-unavailable')).toBeNull()
    expect(q('market-asof')!.textContent).toBe('as of 2026-11-25')
  })

  it('colours Bear and Consolidation badges by regime', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState({ regime: { label: 'Consolidation', confidence: 0.5, since: '2026-11-01' } }))
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(q('regime-badge')!.dataset.regime).toBe('Consolidation')
    expect(q('regime-badge')!.className).toContain('regime-consolidation')
  })

  it('shows the reason prominently when market data is unavailable', async () => {
    const api = new FakeTerminalApi().answer('market.state', unavailableState)
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(q('market-unavailable')!.textContent).toContain('import ../shared/data/etf-daily')
    expect(q('regime-badge')).toBeNull()
    expect(q('risk-score')).toBeNull()
  })

  it('shows the newest changes and counts the older ones the engine has', async () => {
    const base = regimeEvents().events[0]!
    const many = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ ...base, date: `2026-05-${String(28 - i).padStart(2, '0')}` })) })
    const api = new FakeTerminalApi().answer('market.state', marketState()).answer('market.regimeEvents', many(REGIME_HISTORY_LIMIT + 3))
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(all('regime-change')).toHaveLength(REGIME_HISTORY_LIMIT)
    expect(all('regime-change')[0]!.textContent).toContain('2026-05-28')
    expect(q('regime-changes-older')!.textContent).toBe('+3 older')
    expect(olderChangesNote(REGIME_HISTORY_FETCH, REGIME_HISTORY_LIMIT, true)).toBe(`+${REGIME_HISTORY_FETCH - REGIME_HISTORY_LIMIT} or more older`)
    expect(olderChangesNote(4, 4, false)).toBeNull()
  })

  it('says so when no regime change is stored, and shows a failed history request in its section only', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState()).answer('market.regimeEvents', { events: [] })
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(q('regime-history')!.textContent).toContain('No regime changes stored yet.')
    view!.unmount()
    view = null
    mount(MarketOverviewPanel, new FakeTerminalApi().answer('market.state', marketState()), {})
    await advance()
    expect(q('regime-history')!.textContent).toContain('no fake handler for market.regimeEvents')
    expect(q('regime-badge')).not.toBeNull()
  })

  it('refetches state and history when a pulse moves the version (intraday too), with one subscription, not while hidden, and shows a failed request', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState()).answer('market.regimeEvents', regimeEvents())
    mount(MarketOverviewPanel, api, {})
    await advance()
    expect(api.active('market')).toHaveLength(1)
    api.push('market', pulse(1))
    api.push('market', pulse(2, 'intraday'))
    await advance(MARKET_REFRESH_MS)
    expect(api.callsOf('market.state')).toHaveLength(2)
    expect(api.callsOf('market.regimeEvents')).toHaveLength(2)
    view!.unmount()
    view = null
    expect(api.active('market')).toHaveLength(0)
    mount(MarketOverviewPanel, api, {}, { visible: false })
    api.push('market', pulse(3))
    api.push('market', pulse(4))
    await advance(3 * MARKET_REFRESH_MS)
    expect(api.callsOf('market.state')).toHaveLength(2)
    view!.unmount()
    view = null
    mount(MarketOverviewPanel, new FakeTerminalApi(), {})
    await advance()
    expect(q('market-error')!.textContent).toContain('no fake handler for market.state')
  })
})

describe('ETF matrix over a fake api (engine not yet wired) returning fixed snapshots', () => {
  it('lists ETFs by period, coloured by return, sorted by 1D by default', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(EtfMatrixPanel, api, defaultEtfMatrixState)
    await advance()
    expect(q('etf-matrix')).not.toBeNull()
    expect(all('etf-row').map((r) => r.dataset.symbol)).toEqual(['XLK', 'SPY', 'QQQ', 'XLE', 'XLU'])
    expect(q('etf-col-intraday')).toBeNull()
    const xle = all('etf-row').find((r) => r.dataset.symbol === 'XLE')!
    const d1 = xle.querySelector<HTMLElement>('[data-col="1D"]')!
    expect(d1.textContent).toBe('-2.10%')
    expect(d1.className).toContain('heat-n5')
    expect(xle.querySelector('[data-col="1Y"]')!.className).toContain('heat-none')
    expect(xle.textContent).toContain('Energy')
  })

  it('shows the intraday column only when some ETF has a live change', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs(true))
    mount(EtfMatrixPanel, api, defaultEtfMatrixState)
    await advance()
    expect(q('etf-col-intraday')).not.toBeNull()
    const spy = all('etf-row').find((r) => r.dataset.symbol === 'SPY')!
    expect(spy.querySelector('[data-col="intraday"]')!.textContent).toBe('+0.21%')
  })

  it('sorts by a clicked column, flipping on a second click', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(EtfMatrixPanel, api, defaultEtfMatrixState)
    await advance()
    await click(q('etf-col-1Y'))
    expect(all('etf-row').map((r) => r.dataset.symbol)).toEqual(['XLK', 'QQQ', 'SPY', 'XLU', 'XLE'])
    expect(q('etf-col-1Y')!.getAttribute('aria-sort')).toBe('descending')
    await click(q('etf-col-1Y'))
    expect(all('etf-row').map((r) => r.dataset.symbol)).toEqual(['XLU', 'SPY', 'QQQ', 'XLK', 'XLE'])
    await click(q('etf-col-symbol'))
    expect(all('etf-row').map((r) => r.dataset.symbol)).toEqual(['QQQ', 'SPY', 'XLE', 'XLK', 'XLU'])
  })

  it('refetches on an intraday pulse: the Today column follows the 1-minute bars', async () => {
    let live = false
    const api = new FakeTerminalApi().handle('market.etfs', () => ({ ok: true, value: etfs(live) }))
    mount(EtfMatrixPanel, api, defaultEtfMatrixState)
    await advance()
    expect(q('etf-col-intraday')).toBeNull()
    api.push('market', pulse(1))
    live = true
    api.push('market', pulse(2, 'intraday'))
    await advance(MARKET_REFRESH_MS)
    expect(api.callsOf('market.etfs')).toHaveLength(2)
    expect(q('etf-col-intraday')).not.toBeNull()
  })

  it('clicking a row sets the linked symbol, as the hint line says', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(EtfMatrixPanel, api, defaultEtfMatrixState, { symbol: 'QQQ' })
    await advance()
    expect(q('drill-hint')!.textContent).toBe('Click an ETF to chart it; a sector fund also filters linked boards to its sector')
    expect(all('etf-row').find((r) => r.dataset.symbol === 'QQQ')!.className).toContain('selected')
    await click(all('etf-row').find((r) => r.dataset.symbol === 'XLE')!.querySelector('td'))
    expect(setSymbol).toHaveBeenCalledWith('XLE')
  })
})

describe('Sector heatmap over a fake api (engine not yet wired) returning fixed snapshots', () => {
  it('tiles the sector funds by relative strength, switches to a period return, and clicks set the symbol', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(SectorHeatmapPanel, api, defaultSectorHeatmapState)
    await advance()
    expect(q('sector-heatmap')).not.toBeNull()
    const tiles = () => all('sector-tile').map((t) => [t.dataset.symbol, t.querySelector('.sector-value')!.textContent])
    expect(tiles()).toEqual([
      ['XLK', '1.08'],
      ['XLE', '0.91'],
      ['XLU', '—'],
    ])
    expect(all('sector-tile')[0]!.textContent).toContain('Technology')
    expect(all('sector-tile')[0]!.className).toContain('heat-p')
    expect(all('sector-tile')[1]!.className).toContain('heat-n')
    await click(q('sector-by-1D'))
    expect(tiles()).toEqual([
      ['XLK', '+1.20%'],
      ['XLE', '-2.10%'],
      ['XLU', '—'],
    ])
    await click(all('sector-tile')[1])
    expect(setSymbol).toHaveBeenCalledWith('XLE')
  })

  it('moves the colouring with the arrow keys on its switch', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(SectorHeatmapPanel, api, defaultSectorHeatmapState)
    await advance()
    const group = q('sector-by-rs')!.parentElement!
    expect(group.getAttribute('role')).toBe('radiogroup')
    expect(q('sector-by-rs')!.tabIndex).toBe(0)
    expect(q('sector-by-1D')!.tabIndex).toBe(-1)
    await act(() => {
      q('sector-by-rs')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
    })
    expect(q('sector-by-1D')!.getAttribute('aria-checked')).toBe('true')
    expect(document.activeElement).toBe(q('sector-by-1D'))
    await act(() => {
      q('sector-by-1D')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }))
    })
    await act(() => {
      q('sector-by-rs')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }))
    })
    // Wraps round to the last.
    expect(q('sector-by-1Y')!.getAttribute('aria-checked')).toBe('true')
  })

  it('drills down: a sector click sets the link symbol to its fund; the hint says what that does, and warns when unlinked', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(SectorHeatmapPanel, api, defaultSectorHeatmapState, { symbol: 'XLK' })
    await advance()
    expect(q('drill-hint')!.textContent).toBe('Click a sector to chart its fund and see its patterns in linked boards')
    const xlk = all('sector-tile')[0]!
    expect(xlk.className).toContain('selected')
    expect(xlk.getAttribute('aria-pressed')).toBe('true')
    expect(xlk.title).toContain('filter linked boards to Technology')
    await click(xlk)
    expect(setSymbol).toHaveBeenLastCalledWith('XLK')
    view!.unmount()
    view = null
    mount(SectorHeatmapPanel, api, defaultSectorHeatmapState, { color: 'none' })
    await advance()
    expect(q('drill-hint')!.textContent).toContain('not linked')
  })

  it('refetches on daily and sector-table pulses, not on intraday ones', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(SectorHeatmapPanel, api, defaultSectorHeatmapState)
    await advance()
    api.push('market', pulse(1))
    api.push('market', pulse(2, 'intraday'))
    await advance(MARKET_REFRESH_MS)
    expect(api.callsOf('market.etfs')).toHaveLength(1)
    api.push('market', pulse(3, 'sectors'))
    await advance(MARKET_REFRESH_MS)
    expect(api.callsOf('market.etfs')).toHaveLength(2)
  })
})

describe('Rotation graph over a fake api (engine not yet wired) returning fixed rotations', () => {
  it('draws each sector with a point in its quadrant, with tails and hover values; click selects the fund', async () => {
    const api = new FakeTerminalApi().answer('market.sectors', sectors())
    mount(RotationGraphPanel, api, defaultRotationGraphState)
    await advance()
    expect(q('rotation-graph')).not.toBeNull()
    expect(api.callsOf('market.sectors')).toEqual([{ tailWeeks: 8 }])
    const pts = all('rrg-point')
    expect(pts.map((p) => [p.dataset.symbol, p.dataset.quadrant])).toEqual([
      ['XLK', 'Leading'],
      ['XLF', 'Weakening'],
      ['XLE', 'Lagging'],
      ['XLV', 'Improving'],
    ])
    const labels = [...view!.container.querySelectorAll('.rrg-quadrant text')].map((t) => t.textContent)
    expect(labels.sort()).toEqual(['Improving', 'Lagging', 'Leading', 'Weakening'])
    expect(pts[0]!.querySelector('polyline')!.getAttribute('points')!.split(' ')).toHaveLength(3)
    expect(pts[0]!.querySelector('title')!.textContent).toBe('XLK Technology: RS-Ratio 104.00, RS-Momentum 102.00 (Leading)')
    await act(() => {
      pts[2]!.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }))
    })
    expect(q('rrg-readout')!.textContent).toContain('RS-Ratio 95.00')
    await click(pts[3]!.querySelector('circle'))
    expect(setSymbol).toHaveBeenCalledWith('XLV')
    expect(q('drill-hint')!.textContent).toBe('Click a sector to chart its fund and see its patterns in linked boards')
    // Keyboard: a focused sector is selected with Enter.
    await act(() => {
      pts[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    })
    expect(setSymbol).toHaveBeenLastCalledWith('XLF')
  })

  it('asks for a longer tail when switched', async () => {
    const api = new FakeTerminalApi().answer('market.sectors', sectors())
    mount(RotationGraphPanel, api, defaultRotationGraphState)
    await advance()
    await click(q('rrg-tail-12'))
    await advance()
    expect(api.callsOf('market.sectors')).toEqual([{ tailWeeks: 8 }, { tailWeeks: 12 }])
    expect(q('rrg-tail-12')!.getAttribute('aria-checked')).toBe('true')
  })

  it('refetches on daily pulses only', async () => {
    const api = new FakeTerminalApi().answer('market.sectors', sectors())
    mount(RotationGraphPanel, api, defaultRotationGraphState)
    await advance()
    api.push('market', pulse(1))
    for (let v = 2; v < 6; v++) api.push('market', pulse(v, 'intraday'))
    await advance(3 * MARKET_REFRESH_MS)
    expect(api.callsOf('market.sectors')).toHaveLength(1)
    api.push('market', pulse(6, 'daily', '2026-11-26'))
    await advance(MARKET_REFRESH_MS)
    expect(api.callsOf('market.sectors')).toHaveLength(2)
  })
})

describe('Correlation matrix over a fake api (engine not yet wired) returning fixed matrices', () => {
  it('shows a coloured heatmap to 2 decimals and switches between 20 and 60 days', async () => {
    const api = new FakeTerminalApi().handle('market.correlation', (p) => ({ ok: true, value: correlation(p.window ?? 60) }))
    mount(CorrelationMatrixPanel, api, defaultCorrelationMatrixState)
    await advance()
    expect(q('correlation-matrix')).not.toBeNull()
    const cells = all('corr-cell')
    expect(cells).toHaveLength(9)
    expect(cells.map((c) => c.textContent)).toEqual(['1.00', '0.66', '-0.40', '0.66', '1.00', '—', '-0.40', '—', '1.00'])
    expect(cells[0]!.className).toContain('heat-p5')
    expect(cells[2]!.className).toContain('heat-n2')
    expect(cells[5]!.className).toContain('heat-none')
    await click(q('corr-window-20'))
    await advance()
    expect(api.callsOf('market.correlation')).toEqual([{ window: 60 }, { window: 20 }])
    expect(all('corr-cell')[1]!.textContent).toBe('0.81')
    expect(q('corr-window-20')!.getAttribute('aria-checked')).toBe('true')
    expect(q('corr-window-60')!.getAttribute('aria-checked')).toBe('false')
  })

  it('ignores intraday pulses', async () => {
    const api = new FakeTerminalApi().answer('market.correlation', correlation(60))
    mount(CorrelationMatrixPanel, api, defaultCorrelationMatrixState)
    await advance()
    api.push('market', pulse(1))
    api.push('market', pulse(2, 'intraday'))
    await advance(3 * MARKET_REFRESH_MS)
    expect(api.callsOf('market.correlation')).toHaveLength(1)
  })
})
