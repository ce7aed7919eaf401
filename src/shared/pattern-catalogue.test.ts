import { describe, expect, it } from 'vitest'
import { TIERS } from './domain'
import { lookupPattern, PATTERN_CATALOGUE, patternDirection } from './pattern-catalogue'
import { displayName, patternKey } from './patterns'

// The names listed in WIRE.md ("Pattern names seen include ..."), copied verbatim (35 names).
const WIRE_NAMES = [
  'Doji', 'Hammer', 'HangingMan', 'ShootingStar', 'BullishEngulfing', 'BearishEngulfing', 'Harami', 'MorningStar', 'EveningStar',
  'ThreeWhiteSoldiers', 'ThreeBlackCrows', 'PiercingLine', 'DarkCloudCover', 'HeadAndShoulders', 'InverseHeadAndShoulders', 'DoubleBottom',
  'MACrossover', 'HighOfDay', 'LowOfDay', 'TrendingUp', 'TrendingDown', 'MinuteTrend', 'MomentumSpike', 'Day1Breakout', 'WeeklyBO',
  'MultiDayBreakout', 'SRBreakout', 'BullFlag', 'Triangle', 'VolumeSpike', 'IntradayGap', 'GapFill', 'VWAP_Break', 'SwingHighLow', 'PriceChange',
]

describe('pattern catalogue', () => {
  it('resolves every pattern name WIRE.md lists, and the extra well-known ones', () => {
    for (const n of [...WIRE_NAMES, 'HeadAndShoulders', 'InverseHeadAndShoulders', 'DoubleTop']) expect(lookupPattern(n), n).not.toBeNull()
  })

  it('resolves every alias, and spelling variants, to its entry', () => {
    for (const entry of PATTERN_CATALOGUE) {
      expect(lookupPattern(entry.name)).toBe(entry)
      for (const a of entry.aliases) {
        expect(lookupPattern(a)?.name, a).toBe(entry.name)
        expect(displayName(a), a).toBe(entry.name)
      }
    }
    expect(lookupPattern('DojiPattern')?.name).toBe('Doji')
    expect(lookupPattern('doji')?.name).toBe('Doji')
    expect(lookupPattern('Weekly_Breakout')?.name).toBe('WeeklyBreakout')
    expect(lookupPattern('WeeklyBO')?.name).toBe('WeeklyBreakout')
    expect(lookupPattern('vwap break')?.name).toBe('VWAP_Break')
    expect(lookupPattern('Head & Shoulders')?.name).toBe('HeadAndShoulders')
  })

  it('accepts a key as well as a name', () => {
    expect(lookupPattern('weeklybreakout')?.name).toBe('WeeklyBreakout')
    expect(lookupPattern('x', 'bullishengulfing')?.name).toBe('BullishEngulfing')
  })

  it('gives no two entries the same key', () => {
    const owner = new Map<string, string>()
    for (const entry of PATTERN_CATALOGUE) {
      for (const n of [entry.name, ...entry.aliases]) {
        const k = patternKey(n)
        const prior = owner.get(k)
        expect(prior === undefined || prior === entry.name, `${n} -> ${k} also ${prior}`).toBe(true)
        owner.set(k, entry.name)
      }
    }
    expect(new Set(PATTERN_CATALOGUE.map((e) => e.name)).size).toBe(PATTERN_CATALOGUE.length)
  })

  it('has well-formed entries', () => {
    for (const e of PATTERN_CATALOGUE) {
      expect(e.tiers.length, e.name).toBeGreaterThan(0)
      for (const t of e.tiers) expect(TIERS, e.name).toContain(t)
      const [min, max] = e.confidence
      expect(min >= 0 && min < max && max <= 1, e.name).toBe(true)
      expect(e.description.length, e.name).toBeGreaterThan(0)
      expect(e.description.includes('\n'), e.name).toBe(false)
    }
    expect(lookupPattern('Doji')?.confidence).toEqual([0.5, 0.9])
    expect(lookupPattern('Hammer')?.confidence).toEqual([0.6, 0.9])
    expect(lookupPattern('HeadAndShoulders')?.confidence).toEqual([0.8, 1])
    expect(lookupPattern('WeeklyBO')?.confidence).toEqual([0.6, 1])
    expect(lookupPattern('VolumeSpike')?.confidence).toEqual([0.7, 1])
  })

  it('knows the direction of the well-known ones', () => {
    expect(patternDirection('Hammer')).toBe('bullish')
    expect(patternDirection('ShootingStar')).toBe('bearish')
    expect(patternDirection('Doji')).toBe('neutral')
    expect(patternDirection('DojiPattern')).toBe('neutral')
    expect(patternDirection('BullFlag')).toBe('bullish')
    expect(patternDirection('HeadAndShoulders')).toBe('bearish')
    expect(patternDirection('HS')).toBe('bearish')
    expect(patternDirection('InverseHeadAndShoulders')).toBe('bullish')
    expect(patternDirection('IHS')).toBe('bullish')
  })

  it('leaves unknown names unknown: null entry, direction from bull/bear, display as spelled', () => {
    expect(lookupPattern('CupAndHandle')).toBeNull()
    expect(lookupPattern('')).toBeNull()
    expect(patternDirection('BullishHarami')).toBe('bullish')
    expect(patternDirection('bull_pennant')).toBe('bullish')
    expect(patternDirection('BearFlag')).toBe('bearish')
    expect(patternDirection('CupAndHandle')).toBe('neutral')
    expect(patternDirection('')).toBe('neutral')
    expect(displayName('CupAndHandle')).toBe('CupAndHandle')
  })
})
