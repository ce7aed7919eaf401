import { act, useState, type ComponentType } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PanelLink, PanelProps } from '../../app/panel-types'
import { render, type Rendered } from '../../test-support/render'
import { FakeTerminalApi } from '../chart/fake-terminal-api'
import { CorrelationMatrixPanel } from './CorrelationMatrixPanel'
import { EtfMatrixPanel } from './EtfMatrixPanel'
import { correlation, etfs, marketState, sectors, unavailableState } from './market-fixtures'
import { MARKET_POLL_MS } from './market-model'
import { MarketOverviewPanel } from './MarketOverviewPanel'
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
function mount<S>(Panel: ComponentType<PanelProps<S>>, api: FakeTerminalApi, initial: S, opts: { visible?: boolean; symbol?: string | null } = {}) {
  const link: PanelLink = { color: 'red', symbol: opts.symbol ?? null, setSymbol }
  function Harness() {
    const [state, setState] = useState(initial)
    return <Panel state={state} setState={setState} link={link} api={api} visible={opts.visible ?? true} />
  }
  view = render(<Harness />)
}

describe('Market overview over a fake api (engine not yet wired) returning a fixed MarketState', () => {
  it('shows the regime badge with confidence and since, the risk gauge and components, breadth, key levels and recent changes', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState())
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
    // Newest first.
    expect(q('regime-changes')!.querySelector('li')!.textContent).toBe('2026-05-14Bear → Bull')
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

  it('refreshes every 30 s while visible, not while hidden, and shows a failed request', async () => {
    const api = new FakeTerminalApi().answer('market.state', marketState())
    mount(MarketOverviewPanel, api, {})
    await advance()
    await advance(MARKET_POLL_MS)
    expect(api.callsOf('market.state')).toHaveLength(2)
    view!.unmount()
    view = null
    mount(MarketOverviewPanel, api, {}, { visible: false })
    await advance(3 * MARKET_POLL_MS)
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

  it('clicking a row sets the linked symbol', async () => {
    const api = new FakeTerminalApi().answer('market.etfs', etfs())
    mount(EtfMatrixPanel, api, defaultEtfMatrixState, { symbol: 'QQQ' })
    await advance()
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
  })

  it('asks for a longer tail when switched', async () => {
    const api = new FakeTerminalApi().answer('market.sectors', sectors())
    mount(RotationGraphPanel, api, defaultRotationGraphState)
    await advance()
    await click([...view!.container.querySelectorAll('button')].find((b) => b.textContent === '12w'))
    await advance()
    expect(api.callsOf('market.sectors')).toEqual([{ tailWeeks: 8 }, { tailWeeks: 12 }])
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
  })
})
