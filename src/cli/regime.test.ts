import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { assertRealData } from '../main/engine/market/testing/real-data'
import { main, parseRegimeArgs } from './regime'

function capture(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l) => void out.push(l), err: (l) => void err.push(l) } }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'tickstock-regime-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('tickstock regime', () => {
  it('parses flags', () => {
    expect(parseRegimeArgs(['--data', 'd', '--from', '2020-01-01', '--to=2020-02-01'])).toEqual({ data: 'd', from: '2020-01-01', to: '2020-02-01' })
    expect(parseRegimeArgs(['--data'])).toBe('--data needs a value')
    expect(parseRegimeArgs([])).toBe('--data DIR is required')
    expect(parseRegimeArgs(['--data', 'd', '--from', '2020-13-01'])).toMatch(/--from "2020-13-01" is not a date/)
    expect(parseRegimeArgs(['--data', 'd', '--nope'])).toBe('unknown option "--nope"')
  })

  it('a bad flag or a missing SPY.csv is a one-line error naming it, exit 2', async () => {
    const c = capture()
    expect(await main(['--data', tmp, '--since', 'x'], c.io)).toBe(2)
    expect(c.err).toEqual(['tickstock regime: unknown option "--since"'])
    const d = capture()
    expect(await main(['--data', tmp], d.io)).toBe(2)
    expect(d.err).toEqual([`tickstock regime: missing ${path.join(tmp, 'SPY.csv')}`])
    expect(d.out).toEqual([])
  })

  it('prints one CSV row per trading day in the range, from the real data', async () => {
    const c = capture()
    expect(await main(['--data', assertRealData(), '--from', '2020-03-02', '--to', '2020-03-06'], c.io)).toBe(0)
    expect(c.err).toEqual([])
    expect(c.out[0]).toBe('date,regime,confidence,risk_score')
    expect(c.out.slice(1).map((l) => l.split(',')[0])).toEqual(['2020-03-02', '2020-03-03', '2020-03-04', '2020-03-05', '2020-03-06'])
    for (const line of c.out.slice(1)) {
      const [, regime, conf, risk] = line.split(',')
      expect(['Bull', 'Bear', 'Consolidation']).toContain(regime)
      expect(Number(conf)).toBeGreaterThanOrEqual(0)
      expect(Number(risk)).toBeLessThan(0) // risk-off in the 2020 crash
    }
  })

  it('uses only the files in DIR and reports bad rows by file and line', async () => {
    const spy = readFileSync(path.join(assertRealData(), 'SPY.csv'), 'utf8').split('\n').slice(0, 301)
    spy.splice(5, 0, '1993-02-05,oops,1,1,1,1,1')
    writeFileSync(path.join(tmp, 'SPY.csv'), spy.join('\n'))
    const c = capture()
    expect(await main(['--data', tmp], c.io)).toBe(0)
    expect(c.err).toEqual([expect.stringMatching(/^tickstock regime: SPY\.csv line 6: open "oops" is not a number/)])
    expect(c.out).toHaveLength(301) // header + 300 days
    expect(c.out[300]?.split(',')[3]).toBe('') // no risk components without the other funds
  })
})
