import { describe, expect, it } from 'vitest'
import { parseCorrelationMatrixState, parseEtfMatrixState, parseRotationGraphState, parseSectorHeatmapState } from '.'
import { etfs, marketState, sectors } from './market-fixtures'
import {
  centredBar,
  placeLabels,
  formatFixed,
  formatReturn,
  formatShare,
  formatSigned,
  gaugePercent,
  heatClass,
  heatLevel,
  nextSort,
  quadrantOf,
  rrgPosition,
  rrgScale,
  sortEtfs,
} from './market-model'
import { orderLevels } from './MarketOverviewPanel'
import { rrgPoints } from './RotationGraphPanel'
import { sectorTiles } from './SectorHeatmapPanel'

describe('market panel helpers', () => {
  it('buckets values on a diverging -5..+5 scale, full colour at the scale', () => {
    expect(heatLevel(null, 0.02)).toBeNull()
    expect(heatLevel(0, 0.02)).toBe(0)
    expect(heatLevel(0.001, 0.02)).toBe(1)
    expect(heatLevel(0.02, 0.02)).toBe(5)
    expect(heatLevel(0.5, 0.02)).toBe(5)
    expect(heatLevel(-0.011, 0.02)).toBe(-3)
    expect(heatClass(-3)).toBe('heat-n3')
    expect(heatClass(4)).toBe('heat-p4')
    expect(heatClass(0)).toBe('heat-0')
    expect(heatClass(null)).toBe('heat-none')
  })

  it('formats returns, shares and signed scores; unknowns are dashes', () => {
    expect(formatReturn(0.0123)).toBe('+1.23%')
    expect(formatReturn(-0.004)).toBe('-0.40%')
    expect(formatReturn(-0.00001)).toBe('0.00%')
    expect(formatReturn(null)).toBe('—')
    expect(formatShare(0.636)).toBe('64%')
    expect(formatSigned(0.42)).toBe('+0.42')
    expect(formatSigned(-0.3)).toBe('-0.30')
    expect(formatSigned(null)).toBe('—')
    // A correlation of -0.001 is shown as 0.00, not -0.00.
    expect(formatFixed(-0.001)).toBe('0.00')
    expect(formatFixed(-0.0049)).toBe('0.00')
    expect(formatFixed(-0.005)).toBe('-0.01')
    expect(formatFixed(-0.42)).toBe('-0.42')
    expect(formatFixed(0.7)).toBe('0.70')
    expect(formatFixed(-0.04, 1)).toBe('0.0')
    expect(formatFixed(null)).toBe('—')
    expect(gaugePercent(-1)).toBe(0)
    expect(gaugePercent(0.5)).toBe(75)
    expect(gaugePercent(3)).toBe(100)
    expect(centredBar(0.6)).toEqual({ left: 50, width: 30 })
    expect(centredBar(-0.3)).toEqual({ left: 35, width: 15 })
    expect(centredBar(null)).toEqual({ left: 50, width: 0 })
  })

  it('sorts ETFs by a column with unknowns last, and flips on a second click', () => {
    const list = etfs().etfs
    expect(sortEtfs(list, { key: '1D', dir: 'desc' }).map((e) => e.symbol)).toEqual(['XLK', 'SPY', 'QQQ', 'XLE', 'XLU'])
    expect(sortEtfs(list, { key: '1D', dir: 'asc' }).map((e) => e.symbol)).toEqual(['XLE', 'QQQ', 'SPY', 'XLK', 'XLU'])
    expect(sortEtfs(list, { key: 'symbol', dir: 'asc' }).map((e) => e.symbol)).toEqual(['QQQ', 'SPY', 'XLE', 'XLK', 'XLU'])
    expect(nextSort({ key: '1D', dir: 'desc' }, '1D')).toEqual({ key: '1D', dir: 'asc' })
    expect(nextSort({ key: '1D', dir: 'asc' }, '1Y')).toEqual({ key: '1Y', dir: 'desc' })
    expect(nextSort({ key: '1D', dir: 'desc' }, 'symbol')).toEqual({ key: 'symbol', dir: 'asc' })
  })

  it('puts SPY, QQQ and IWM first among the key levels', () => {
    expect(orderLevels(marketState().keyLevels).map((l) => l.symbol)).toEqual(['SPY', 'QQQ', 'IWM'])
  })

  it('tiles only the sector funds, strongest first, by RS or by a period return', () => {
    const byRs = sectorTiles(etfs().etfs, 'rs')
    expect(byRs.map((t) => [t.symbol, t.label, t.heat])).toEqual([
      ['XLK', '1.08', 'heat-p4'],
      ['XLE', '0.91', 'heat-n5'],
      ['XLU', '—', 'heat-none'],
    ])
    expect(sectorTiles(etfs().etfs, '1M').map((t) => [t.symbol, t.label])).toEqual([
      ['XLK', '+5.00%'],
      ['XLU', '+1.00%'],
      ['XLE', '-6.00%'],
    ])
  })
})

describe('rotation graph (RRG) placement math', () => {
  it('names the quadrant: right of 100 is stronger than SPY, above 100 is gaining', () => {
    expect(quadrantOf(102, 101)).toBe('Leading')
    expect(quadrantOf(102, 99)).toBe('Weakening')
    expect(quadrantOf(98, 99)).toBe('Lagging')
    expect(quadrantOf(98, 101)).toBe('Improving')
    expect(quadrantOf(100, 100)).toBe('Leading')
  })

  it('centres both axes on 100 and scales each to its widest point', () => {
    const s = rrgScale(
      [
        { rsRatio: 104, rsMomentum: 98 },
        { rsRatio: 99, rsMomentum: 101 },
      ],
      400,
      400,
      20,
    )
    expect(s.spanX).toBeCloseTo(4.4)
    expect(s.spanY).toBeCloseTo(2.2)
    expect(rrgPosition(s, 100, 100)).toEqual({ x: 200, y: 200 })
    // The widest point sits 10% inside the padded edge.
    expect(rrgPosition(s, 104, 100).x).toBeCloseTo(200 + 180 / 1.1, 0)
    // Leading is up and right, Lagging down and left (SVG y grows downwards).
    const lead = rrgPosition(s, 101, 101)
    expect(lead.x).toBeGreaterThan(200)
    expect(lead.y).toBeLessThan(200)
    const lag = rrgPosition(s, 99, 99)
    expect(lag.x).toBeLessThan(200)
    expect(lag.y).toBeGreaterThan(200)
    // Never a zero span, even when everything is at 100.
    expect(rrgScale([{ rsRatio: 100, rsMomentum: 100 }], 100, 100).spanX).toBe(1)
  })

  it('places every sector with a point in its screen quadrant; tails end at the point', () => {
    const pts = rrgPoints(sectors().sectors, 400, 400)
    expect(pts.map((p) => [p.symbol, p.quadrant])).toEqual([
      ['XLK', 'Leading'],
      ['XLF', 'Weakening'],
      ['XLE', 'Lagging'],
      ['XLV', 'Improving'],
    ])
    for (const p of pts) {
      const right = p.x > 200
      const up = p.y < 200
      expect(p.quadrant).toBe(right ? (up ? 'Leading' : 'Weakening') : up ? 'Improving' : 'Lagging')
      expect(p.tail.endsWith(`${p.x},${p.y}`)).toBe(true)
    }
    expect(pts[0]!.tail.split(' ')).toHaveLength(3)
  })
})

describe('market panel saved state', () => {
  it('reads back good state and falls back on anything else', () => {
    expect(parseEtfMatrixState({ sort: { key: '3M', dir: 'asc' } })).toEqual({ sort: { key: '3M', dir: 'asc' } })
    expect(parseEtfMatrixState({ sort: { key: 'bogus', dir: 'asc' } })).toEqual({ sort: { key: '1D', dir: 'desc' } })
    expect(parseEtfMatrixState(null)).toEqual({ sort: { key: '1D', dir: 'desc' } })
    expect(parseSectorHeatmapState({ colorBy: 'YTD' })).toEqual({ colorBy: 'YTD' })
    expect(parseSectorHeatmapState({ colorBy: 7 })).toEqual({ colorBy: 'rs' })
    expect(parseRotationGraphState({ tailWeeks: 12 })).toEqual({ tailWeeks: 12 })
    expect(parseRotationGraphState({ tailWeeks: 99 })).toEqual({ tailWeeks: 8 })
    expect(parseCorrelationMatrixState({ window: 20 })).toEqual({ window: 20 })
    expect(parseCorrelationMatrixState({ window: 30 })).toEqual({ window: 60 })
  })
})

describe('rotation graph labels', () => {
  it('keep the usual place when free, and move aside instead of covering one another', () => {
    const spots = placeLabels([
      { symbol: 'XLC', x: 100, y: 100 },
      { symbol: 'XLY', x: 102, y: 101 }, // nearly on top of XLC
      { symbol: 'XLK', x: 300, y: 300 },
    ])
    expect(spots.get('XLC')).toEqual({ x: 107, y: 94, anchor: 'start' })
    expect(spots.get('XLK')).toEqual({ x: 307, y: 294, anchor: 'start' })
    const xly = spots.get('XLY')!
    expect(xly).not.toEqual({ x: 109, y: 95, anchor: 'start' })
    // XLY's box does not meet XLC's.
    const box = (s: { x: number; y: number; anchor: string }, w: number) => ({ x0: s.anchor === 'start' ? s.x : s.x - w, y0: s.y - 9, y1: s.y + 2, w })
    const a = box(spots.get('XLC')!, 19.5)
    const b = box(xly, 19.5)
    const apart = b.x0 + b.w <= a.x0 || a.x0 + a.w <= b.x0 || b.y1 <= a.y0 || a.y1 <= b.y0
    expect(apart).toBe(true)
  })
})
