import { beforeAll, describe, expect, it } from 'vitest'
import { computeRiskScore, ratioTrendScore } from './risk'
import { realMarketState } from './testing/real-data'
import type { DailyMarketState } from './market-state'

describe('ratioTrendScore', () => {
  it('is +1 for a ratio breaking out upward, -1 downward, within -1..1 always', () => {
    // noisy flat ratio for a year, then a steady rise
    const r = Array.from({ length: 400 }, (_, i) => 1 + 0.01 * Math.sin(i * 1.7) + (i > 350 ? 0.01 * (i - 350) : 0))
    const s = ratioTrendScore(r)
    expect(s[399]).toBe(1)
    const down = ratioTrendScore(r.map((x) => 1 / x))
    expect(down[399]).toBe(-1)
    for (const v of s) if (!Number.isNaN(v)) expect(Math.abs(v)).toBeLessThanOrEqual(1)
    expect(s[100]).toBeNaN() // not enough history for the scale
  })

  it('uses only the components whose symbols are present', () => {
    const flat = Array.from({ length: 10 }, () => 1)
    const r = computeRiskScore(new Map([['SPY', flat], ['IWM', flat]]))
    expect([...r.components.keys()]).toEqual(['IWM/SPY'])
  })
})

describe('risk score on real history', () => {
  let state: DailyMarketState
  beforeAll(async () => {
    state = await realMarketState()
  })
  const shareOff = (from: string, to: string): number => {
    let n = 0
    let k = 0
    state.aligned.dates.forEach((d, i) => {
      if (d < from || d > to) return
      n++
      if ((state.risk.score[i] as number) < 0) k++
    })
    return k / n
  }

  it('is risk-off on most days of the 2008 and 2020 crashes', () => {
    expect(shareOff('2008-09-15', '2008-11-20')).toBeGreaterThan(0.75)
    expect(shareOff('2020-02-20', '2020-03-23')).toBeGreaterThan(0.75)
  })

  it('reports all seven components when their funds are present, each within -1..1', () => {
    expect([...state.risk.components.keys()].sort()).toEqual(['IWM/SPY', 'QQQ/SPY', 'SPY/GLD', 'SPY/TLT', 'XLE/SPY', 'XLF/SPY', 'XLY/XLP'])
    for (const s of state.risk.score) if (!Number.isNaN(s)) expect(Math.abs(s)).toBeLessThanOrEqual(1)
  })
})
