import { describe, expect, it } from 'vitest'
import { alignBars, parseDailyCsv, type DailyBar } from './daily-bars'

const HEADER = 'date,open,high,low,close,adj_close,volume'

describe('parseDailyCsv', () => {
  it('parses valid rows, treating empty adj_close/volume as close/0 (an index)', () => {
    const r = parseDailyCsv(`${HEADER}\n2020-01-02,10,11,9,10.5,10.2,100\n2020-01-03,10.5,10.5,10.5,10.5,,\n`)
    expect(r.badRows).toEqual([])
    expect(r.bars).toEqual([
      { date: '2020-01-02', open: 10, high: 11, low: 9, close: 10.5, adjClose: 10.2, volume: 100 },
      { date: '2020-01-03', open: 10.5, high: 10.5, low: 10.5, close: 10.5, adjClose: 10.5, volume: 0 },
    ])
  })

  it('reports each bad row by line number and skips it', () => {
    const text = [
      HEADER,
      '2020-01-02,10,11,9,10.5,10.2,100', // 2 ok
      '2020-01-03,10,11,9,10.5,10.2', // 3 field count
      '2020-02-30,10,11,9,10.5,10.2,100', // 4 bad date
      '2020-01-02,10,11,9,10.5,10.2,100', // 5 not ascending
      '2020-01-06,abc,11,9,10.5,10.2,100', // 6 not a number
      '2020-01-07,10,11,9,-1,10.2,100', // 7 negative close
      '2020-01-08,10,10.2,9,10.5,10.2,100', // 8 high below close
      '2020-01-09,10,11,9,10.5,10.2,1.5', // 9 fractional volume
      '',
      '2020-01-10,10,11,9,10.5,10.2,100', // 11 ok
    ].join('\n')
    const r = parseDailyCsv(text)
    expect(r.bars.map((b) => b.date)).toEqual(['2020-01-02', '2020-01-10'])
    expect(r.badRows.map((b) => b.line)).toEqual([3, 4, 5, 6, 7, 8, 9])
    expect(r.badRows[0]?.reason).toMatch(/7 fields, got 6/)
    expect(r.badRows[1]?.reason).toMatch(/not an ISO date/)
    expect(r.badRows[2]?.reason).toMatch(/not after/)
    expect(r.badRows[3]?.reason).toMatch(/open "abc" is not a number/)
    expect(r.badRows[4]?.reason).toMatch(/close -1 is not positive/)
    expect(r.badRows[5]?.reason).toMatch(/do not bracket/)
    expect(r.badRows[6]?.reason).toMatch(/volume/)
  })

  it('rejects a file with the wrong header', () => {
    expect(() => parseDailyCsv('ts,open,high,low,close,volume\n')).toThrow(/expected header/)
  })
})

describe('alignBars', () => {
  const bar = (date: string, c: number): DailyBar => ({ date, open: c, high: c, low: c, close: c, adjClose: c, volume: 1 })
  it('aligns on the base calendar with NaN where a symbol has no bar', () => {
    const a = alignBars(
      new Map([
        ['SPY', [bar('2020-01-02', 1), bar('2020-01-03', 2), bar('2020-01-06', 3)]],
        ['XLC', [bar('2020-01-03', 20), bar('2020-01-04', 99), bar('2020-01-06', 30)]],
      ]),
      'SPY',
    )
    expect(a.dates).toEqual(['2020-01-02', '2020-01-03', '2020-01-06'])
    expect([...(a.adjClose.get('XLC') ?? [])]).toEqual([NaN, 20, 30])
    expect(a.bars.get('XLC')?.[0]).toBeUndefined()
  })
})
