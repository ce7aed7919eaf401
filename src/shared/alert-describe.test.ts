import { describe, expect, it } from 'vitest'
import { describeCondition, describeRule } from './alert-describe'
import { CONDITION_KINDS, type Condition, type ConditionGroup } from './alerts'

const and = (...items: ConditionGroup['items']): ConditionGroup => ({ kind: 'group', op: 'and', items })
const or = (...items: ConditionGroup['items']): ConditionGroup => ({ kind: 'group', op: 'or', items })
const rule = (when: ConditionGroup) => ({ when })

describe('describeRule', () => {
  it('one line a trader reads', () => {
    const r = rule(and({ kind: 'pattern', names: ['Hammer', 'Shooting_Star'] }, { kind: 'tier', tiers: ['intraday'] }, { kind: 'confidence', min: 0.8 }, { kind: 'regime', in: ['Bull'] }))
    expect(describeRule(r)).toBe('Hammer or ShootingStar, intraday, confidence >= 0.80, in Bull')
  })

  it('OR and nested groups', () => {
    expect(describeRule(rule(or({ kind: 'tier', tiers: ['daily'] }, and({ kind: 'symbol', include: ['AAPL'] }, { kind: 'relVolume', min: 3 }))))).toBe(
      'daily or (AAPL, relative volume >= 3.0x)',
    )
    expect(describeRule(rule(and()))).toBe('every event')
    expect(describeRule(rule(or()))).toBe('nothing')
  })
})

describe('describeCondition', () => {
  const cases: [Condition, string][] = [
    [{ kind: 'pattern', names: ['HOD', 'Bullish_Engulfing'] }, 'HighOfDay or BullishEngulfing'],
    [{ kind: 'pattern', kinds: ['candlestick'], directions: ['bullish'] }, 'bullish candlestick patterns'],
    [{ kind: 'pattern', names: ['Doji'], directions: ['neutral'] }, 'Doji (neutral)'],
    [{ kind: 'tier', tiers: ['daily', 'intraday', 'combo'] }, 'daily, intraday or combo'],
    [{ kind: 'symbol', include: ['AAPL', 'MSFT', 'NVDA', 'AMD', 'TSLA', 'META'], exclude: ['GME'] }, 'AAPL, MSFT, NVDA, AMD and 2 more, not GME'],
    [{ kind: 'watchlist', include: ['Tech'], exclude: ['Earnings'] }, 'on watchlist Tech, not on watchlist Earnings'],
    [{ kind: 'sector', include: ['XLK', 'XLC'] }, 'sector XLK (Technology) or XLC (Communication Services)'],
    [{ kind: 'confidence', min: 0.8, max: 0.95 }, 'confidence 0.80-0.95'],
    [{ kind: 'priority', min: 'HIGH' }, 'priority HIGH or above'],
    [{ kind: 'price', max: 20 }, 'price <= 20.00'],
    [{ kind: 'relVolume', min: 2 }, 'relative volume >= 2.0x'],
    [{ kind: 'confluence', minTiers: 2 }, '2+ tiers within the window'],
    [{ kind: 'regime', in: ['Bull', 'Consolidation'] }, 'in Bull or Consolidation'],
    [{ kind: 'risk', above: 0.2 }, 'risk above +0.20'],
    [{ kind: 'quadrant', in: ['Leading', 'Improving'] }, 'sector Leading or Improving'],
    [{ kind: 'session', in: ['pre', 'regular'] }, 'pre-market or regular session'],
  ]

  it('a draft the editor has not finished still reads', () => {
    expect(describeCondition({ kind: 'symbol' } as Condition)).toBe('no symbols')
    expect(describeCondition({ kind: 'confidence' } as Condition)).toBe('confidence (any)')
    expect(describeCondition({ kind: 'regime', in: [] } as unknown as Condition)).toBe('no regime')
    expect(describeCondition({ kind: 'pattern' } as Condition)).toBe('any pattern')
  })

  it('every kind has words', () => {
    expect(new Set(cases.map(([c]) => c.kind))).toEqual(new Set(CONDITION_KINDS))
    for (const [c, text] of cases) expect(describeCondition(c)).toBe(text)
  })
})
