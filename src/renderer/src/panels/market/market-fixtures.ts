/** Fixed market data for the market panel tests (the engine side is faked: see FakeTerminalApi). Not used by the app. */
import type { RequestResult } from '../../../../shared/contract'
import { epochMs, type EtfSnapshot, type MarketPeriod, type MarketPulse, type MarketPulseCause, type MarketState, type SectorRotation } from '../../../../shared/domain'

const R = (d1: number | null, d5: number | null, m1: number | null, m3: number | null, ytd: number | null, y1: number | null): Record<MarketPeriod, number | null> => ({
  '1D': d1,
  '5D': d5,
  '1M': m1,
  '3M': m3,
  YTD: ytd,
  '1Y': y1,
})

export function etf(symbol: string, sector: string | null, returns: Record<MarketPeriod, number | null>, over: Partial<EtfSnapshot> = {}): EtfSnapshot {
  return {
    symbol,
    sector,
    close: 100,
    asOf: '2026-11-25',
    returns,
    intraday: null,
    trend: { aboveSma50: true, aboveSma200: true, sma50Slope: 0.1, sma200Slope: 0.05 },
    volatility: { realized20: 0.15, percentile: 0.4 },
    drawdown: -0.02,
    relativeStrength: 1,
    ...over,
  }
}

export function marketState(over: Partial<MarketState> = {}): MarketState {
  return {
    available: true,
    reason: null,
    demo: false,
    asOf: '2026-11-25',
    regime: { label: 'Bull', confidence: 0.82, since: '2026-05-14' },
    risk: {
      score: 0.42,
      components: [
        { name: 'Equities vs bonds', value: 0.6 },
        { name: 'Small vs large', value: -0.3 },
        { name: 'Credit', value: null },
      ],
    },
    breadth: { above50: 0.636, above200: 0.727 },
    keyLevels: [
      { symbol: 'IWM', support: [210.5], resistance: [232], high52: 244.1, low52: 171.7 },
      { symbol: 'SPY', support: [580.25, 562], resistance: [612.4], high52: 615, low52: 490.3 },
      { symbol: 'QQQ', support: [], resistance: [530], high52: 540, low52: 410 },
    ],
    regimeChanges: [
      { date: '2026-03-02', from: 'Bull', to: 'Consolidation' },
      { date: '2026-04-07', from: 'Consolidation', to: 'Bear' },
      { date: '2026-05-14', from: 'Bear', to: 'Bull' },
    ],
    ...over,
  }
}

export const unavailableState: MarketState = {
  available: false,
  reason: 'No daily bars for SPY: import ../shared/data/etf-daily into the bar store.',
  demo: false,
  asOf: null,
  regime: null,
  risk: null,
  breadth: null,
  keyLevels: [],
  regimeChanges: [],
}

export function etfs(intraday = false): RequestResult<'market.etfs'> {
  return {
    asOf: '2026-11-25',
    etfs: [
      etf('SPY', null, R(0.004, 0.012, 0.031, 0.06, 0.18, 0.21), { close: 601.5, intraday: intraday ? 0.0021 : null }),
      etf('QQQ', null, R(-0.008, 0.02, 0.045, 0.09, 0.24, 0.3), { close: 520.1 }),
      etf('XLK', 'Technology', R(0.012, 0.03, 0.05, 0.12, 0.3, 0.35), { relativeStrength: 1.08 }),
      etf('XLE', 'Energy', R(-0.021, -0.04, -0.06, -0.1, -0.05, null), { relativeStrength: 0.91 }),
      etf('XLU', 'Utilities', R(null, 0.001, 0.01, 0.02, 0.08, 0.1), { relativeStrength: null }),
    ],
  }
}

function rot(symbol: string, sector: string, rsRatio: number | null, rsMomentum: number | null, quadrant: SectorRotation['quadrant'], tail: [number, number][]): SectorRotation {
  return {
    symbol,
    sector,
    rsRatio,
    rsMomentum,
    quadrant,
    tail: tail.map(([r, m], i) => ({ date: `2026-10-${String(1 + i * 7).padStart(2, '0')}`, rsRatio: r, rsMomentum: m })),
    returns: R(0, 0, 0, 0, 0, 0),
  }
}

export function sectors(): RequestResult<'market.sectors'> {
  return {
    asOf: '2026-11-21',
    sectors: [
      rot('XLK', 'Technology', 104, 102, 'Leading', [[101, 99], [102.5, 101]]),
      rot('XLF', 'Financials', 101.5, 97, 'Weakening', [[103, 100.5]]),
      rot('XLE', 'Energy', 95, 96, 'Lagging', [[97, 98]]),
      // No quadrant from the engine: the panel works it out.
      rot('XLV', 'Health Care', 98, 103, null, []),
      // No current point: not drawn.
      rot('XLRE', 'Real Estate', null, null, null, []),
    ],
  }
}

export function correlation(window: 20 | 60): RequestResult<'market.correlation'> {
  const a = window === 20 ? 0.8123 : 0.655
  return {
    asOf: '2026-11-25',
    window,
    symbols: ['SPY', 'QQQ', 'TLT'],
    matrix: [
      [1, a, -0.4],
      [a, 1, null],
      [-0.4, null, 1],
    ],
  }
}

/** Stored regime changes, newest first (as market.regimeEvents answers). */
export function regimeEvents(): RequestResult<'market.regimeEvents'> {
  const at = epochMs(Date.UTC(2026, 4, 14, 21))
  return {
    events: [
      { date: '2026-05-14', from: 'Bear', to: 'Bull', confidence: 0.71, recordedAt: at },
      { date: '2026-04-07', from: 'Consolidation', to: 'Bear', confidence: 0.64, recordedAt: at },
      { date: '2026-03-02', from: 'Bull', to: 'Consolidation', confidence: 0.55, recordedAt: at },
      { date: '2025-11-20', from: null, to: 'Bull', confidence: 0.9, recordedAt: at },
    ],
  }
}

/** A `market` push. */
export function pulse(version: number, cause: MarketPulseCause = 'daily', asOf = '2026-11-25'): MarketPulse {
  return { version, asOf, regime: 'Bull', risk: 0.42, causes: [cause], at: epochMs(Date.UTC(2026, 10, 25, 15) + version * 1000) }
}
