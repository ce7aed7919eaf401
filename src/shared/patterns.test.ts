import { describe, expect, it } from 'vitest'
import { patternKey } from './patterns'

describe('patternKey', () => {
  it.each([
    [['DojiPattern', 'Doji', 'doji', 'DOJI', 'doji_pattern', 'Doji Pattern'], 'doji'],
    [['WeeklyBO', 'Weekly_Breakout', 'WeeklyBreakout', 'weekly breakout', 'weekly-bo', 'WEEKLY_BO'], 'weeklybreakout'],
    [['Day1Breakout', 'Day1BO', 'day_1_breakout'], 'day1breakout'],
    [['HeadAndShoulders', 'Head & Shoulders', 'head_and_shoulders', 'HS'], 'headandshoulders'],
    [['InverseHeadAndShoulders', 'Inverse Head & Shoulders', 'IHS'], 'inverseheadandshoulders'],
    [['VWAP_Break', 'VwapBreak', 'vwap break'], 'vwapbreak'],
    [['BullishEngulfingPattern', 'Bullish_Engulfing', 'bullishengulfing'], 'bullishengulfing'],
  ])('folds %j to %s', (names, key) => {
    for (const n of names) expect(patternKey(n), n).toBe(key)
  })

  it('keeps distinct patterns distinct', () => {
    const names = ['Doji', 'Hammer', 'HangingMan', 'ShootingStar', 'BullishEngulfing', 'BearishEngulfing', 'Harami', 'MorningStar', 'EveningStar',
      'ThreeWhiteSoldiers', 'ThreeBlackCrows', 'PiercingLine', 'DarkCloudCover', 'HeadAndShoulders', 'InverseHeadAndShoulders', 'DoubleBottom',
      'MACrossover', 'HighOfDay', 'LowOfDay', 'TrendingUp', 'TrendingDown', 'MinuteTrend', 'MomentumSpike', 'Day1Breakout', 'WeeklyBO',
      'MultiDayBreakout', 'SRBreakout', 'BullFlag', 'Triangle', 'VolumeSpike', 'IntradayGap', 'GapFill', 'VWAP_Break', 'SwingHighLow', 'PriceChange']
    const keys = new Set(names.map(patternKey))
    expect(keys.size).toBe(names.length)
  })

  it('only strips a trailing "pattern", never the whole name or a middle one', () => {
    expect(patternKey('Pattern')).toBe('pattern')
    expect(patternKey('PatternBreak')).toBe('patternbreak')
  })

  it('does not read words ending in "bo" as a breakout abbreviation', () => {
    expect(patternKey('ComboPattern')).toBe('combo')
    expect(patternKey('Combo')).toBe('combo')
    expect(patternKey('Turbo')).toBe('turbo')
    expect(patternKey('MomentumBO')).toBe('momentumbreakout')
  })

  it('returns an empty key for a name of separators only', () => {
    expect(patternKey('')).toBe('')
    expect(patternKey(' _ - ')).toBe('')
  })
})
