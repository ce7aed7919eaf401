import { describe, expect, it } from 'vitest'
import { lookupPattern, PATTERN_CATALOGUE } from '../../../../shared/pattern-catalogue'
import { filterCatalogue, matchRank } from './PatternPicker'

const names = (search: string) => filterCatalogue(search, undefined, undefined).map((e) => e.name)
const entry = (name: string) => lookupPattern(name)!

describe('pattern search ranking', () => {
  it('lists a name that starts with the search before ones matched by description only', () => {
    const list = names('high')
    expect(list[0]).toBe('HighOfDay')
    expect(list).toContain('Hammer')
    expect(list).toContain('HeadAndShoulders')
    expect(list.indexOf('HighOfDay')).toBeLessThan(list.indexOf('Hammer'))
    expect(list.indexOf('HighOfDay')).toBeLessThan(list.indexOf('HeadAndShoulders'))
  })

  it('ranks start of name, then start of a camel-case word, then anywhere in the name, then aliases and descriptions', () => {
    expect(matchRank(entry('HighOfDay'), 'high')).toBe(0)
    expect(matchRank(entry('SwingHighLow'), 'high')).toBe(1)
    expect(matchRank(entry('HighOfDay'), 'of day')).toBe(1)
    expect(matchRank(entry('Day1Breakout'), 'breakout')).toBe(1)
    expect(matchRank(entry('Triangle'), 'angle')).toBe(2)
    expect(matchRank(entry('Hammer'), 'high')).toBe(3)
    const day = names('day')
    expect(day.slice(0, 3)).toEqual(['Day1Breakout', 'HighOfDay', 'LowOfDay'])
  })

  it('sorts alphabetically within a rank, and keeps catalogue order without a search', () => {
    expect(names('star')).toEqual(['EveningStar', 'MorningStar', 'ShootingStar'])
    expect(names('')).toEqual(PATTERN_CATALOGUE.map((e) => e.name))
  })
})
