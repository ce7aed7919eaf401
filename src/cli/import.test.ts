/** `tickstock import bars` on real SQLite files and the real CSVs in <repo>/../shared/data (read in place, never copied). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REAL_DATA_DIR } from '../main/engine/market/testing/real-data'
import { openDatabase } from '../main/engine/store/db'
import { BarStore } from '../main/engine/store/bar-store'
import { lockDataFolder } from '../main/engine/store/data-lock'
import { detectKind, importFile, main, parseImportArgs, progressBar, symbolFromFile } from './import'

const SHARED = path.dirname(REAL_DATA_DIR)
const SPY_DAILY = path.join(SHARED, 'etf-daily', 'SPY.csv')
const XLF_1MIN = path.join(SHARED, 'intraday', 'XLF-1min.csv')

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'tickstock-import-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function capture() {
  const out: string[] = []
  const err: string[] = []
  const progress: string[] = []
  return { out, err, progress, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), progress: (t: string) => void progress.push(t), env: {} } }
}

function withStore<T>(data: string, fn: (s: BarStore) => T): T {
  const db = openDatabase(path.join(data, 'tickstock.db'))
  try {
    return fn(new BarStore(db))
  } finally {
    db.close()
  }
}

const dataLines = (file: string): number => readFileSync(file, 'utf8').split(/\r?\n/).filter((l, i) => i > 0 && l.trim() !== '').length

describe('import progress bar', () => {
  it('fills with the share done and never overflows', () => {
    expect(progressBar(0, 100, 10)).toBe('[----------]')
    expect(progressBar(45, 100, 10)).toBe('[####------]')
    expect(progressBar(100, 100, 10)).toBe('[##########]')
    expect(progressBar(150, 100, 10)).toBe('[##########]')
    expect(progressBar(0, 0, 4)).toBe('[####]') // an empty file is done
  })
})

describe('tickstock import bars', () => {
  it('parses its arguments and names files', () => {
    expect(parseImportArgs(['bars', 'a.csv', '--data', '/tmp/x'], {})).toEqual({ paths: ['a.csv'], data: '/tmp/x' })
    expect(parseImportArgs(['bars', 'dir', '--data=/tmp/y'], {})).toEqual({ paths: ['dir'], data: '/tmp/y' })
    expect(parseImportArgs(['bars', 'dir'], { TICKSTOCK_DATA: '/tmp/z' })).toEqual({ paths: ['dir'], data: '/tmp/z' })
    expect(parseImportArgs(['bars'], {})).toBe('FILE or DIR is required')
    expect(parseImportArgs(['bars', 'x', '--nope'], {})).toBe('unknown option "--nope"')
    expect(parseImportArgs(['ticks', 'x'], {})).toMatch(/unknown import "ticks"/)
    expect(symbolFromFile('/a/SPY.csv')).toBe('SPY')
    expect(symbolFromFile('XLF-1min.csv')).toBe('XLF')
    expect(symbolFromFile('spy-1min-lean.csv')).toBe('SPY')
    expect(detectKind('date,open,high,low,close,adj_close,volume\n')).toBe('daily')
    expect(detectKind('\uFEFFts,open,high,low,close,volume\r\n1')).toBe('1m')
    expect(detectKind('time,price\n')).toBeNull()
  })

  it('bad flags and no files exit 2', async () => {
    const c = capture()
    expect(await main(['bars', '--data'], c.io)).toBe(2)
    expect(c.err[0]).toMatch(/--data needs a value/)
    const empty = tempDir()
    const d = capture()
    expect(await main(['bars', empty, '--data', tempDir()], d.io)).toBe(2)
    expect(d.err.join('\n')).toMatch(/no CSV files/)
    const e = capture()
    expect(await main(['bars', path.join(empty, 'missing.csv'), '--data', tempDir()], e.io)).toBe(2)
  })

  it('imports the real SPY daily and XLF 1-minute files; a re-import changes nothing', async () => {
    const data = tempDir()
    const c = capture()
    expect(await main(['bars', SPY_DAILY, XLF_1MIN, '--data', data], c.io)).toBe(0)
    expect(c.err).toEqual([])
    const spyRows = dataLines(SPY_DAILY)
    const xlfRows = dataLines(XLF_1MIN)
    expect(spyRows).toBe(8284)
    expect(xlfRows).toBe(1939)
    expect(c.out[0]).toBe(`SPY.csv: SPY daily, ${spyRows} rows, ${spyRows} new or changed, 0 unchanged, 0 bad`)
    expect(c.out[1]).toBe(`XLF-1min.csv: XLF 1-minute, ${xlfRows} rows, ${xlfRows} new or changed, 0 unchanged, 0 bad`)
    expect(c.out.at(-1)).toMatch(new RegExp(`imported 2 of 2 files .*: ${spyRows + xlfRows} rows, ${spyRows + xlfRows} new or changed, 0 bad`))
    // Progress per file (rows/total and percent), ending at 100%.
    expect(c.progress).toContain(`[1/2] SPY.csv  [####################]  ${spyRows}/${spyRows} rows  100%`)
    expect(c.progress.some((p) => /^\[2\/2\] XLF-1min\.csv {2}\[[#-]{20}\] {2}\d+\/1939 rows {2}\d+%$/.test(p))).toBe(true)
    // The lock is released afterwards.
    expect(existsSync(path.join(data, 'tickstock.lock'))).toBe(false)

    withStore(data, (s) => {
      expect(s.countDaily('SPY')).toBe(spyRows)
      expect(s.count1m('XLF')).toBe(xlfRows)
      expect(s.recentDaily('SPY', '2020-03-23', 1)[0]).toMatchObject({ date: '2020-03-23', close: 222.95 })
      expect(s.recent1m('XLF', Infinity, 1)[0]!.t).toBe(Date.parse('2019-12-24T10:59:00-05:00'))
      expect(s.recent1m('XLF', Date.parse('2019-12-17T11:01:00-05:00'), 1)[0]).toEqual({ t: Date.parse('2019-12-17T11:00:00-05:00'), open: 30.92, high: 30.94, low: 30.92, close: 30.94, volume: 0 })
    })

    const again = capture()
    expect(await main(['bars', SPY_DAILY, XLF_1MIN, '--data', data], again.io)).toBe(0)
    expect(again.out[0]).toBe(`SPY.csv: SPY daily, ${spyRows} rows, 0 new or changed, ${spyRows} unchanged, 0 bad`)
    expect(again.out[1]).toBe(`XLF-1min.csv: XLF 1-minute, ${xlfRows} rows, 0 new or changed, ${xlfRows} unchanged, 0 bad`)
    withStore(data, (s) => {
      expect(s.countDaily('SPY')).toBe(spyRows)
      expect(s.count1m('XLF')).toBe(xlfRows)
    })
  })

  it('imports the good rows of a file with bad ones and reports each bad row by line number', async () => {
    const src = tempDir()
    const data = tempDir()
    writeFileSync(
      path.join(src, 'QQQ-1min.csv'),
      [
        'ts,open,high,low,close,volume',
        '2019-12-17T11:00:00-05:00,205.1,205.3,205.0,205.2,1000',
        '2019-12-17T11:01:00-05:00,205.2,205.1,205.0,205.2,10', // line 3: high below close
        '2019-12-17T11:02:00,205.2,205.4,205.1,205.3,10', // line 4: no offset
        '',
        '2019-12-17T11:03:00-05:00,205.3,205.5,205.2,205.4,abc', // line 6: volume
        '2019-12-17T11:04:00-05:00,205.4,205.6,205.3,205.5,20',
        '2019-12-17T11:04:00-05:00,205.4,205.6,205.3,205.5,20', // line 8: duplicate
      ].join('\n'),
    )
    writeFileSync(path.join(src, 'DIA.csv'), 'date,open,high,low,close,adj_close,volume\n2020-01-02,285,286,284,285.5,280,100\n2020-01-03,x,1,1,1,1,1\n')
    writeFileSync(path.join(src, 'notes.txt'), 'not a csv')
    const c = capture()
    expect(await main(['bars', src, '--data', data], c.io)).toBe(0)
    expect(c.err).toEqual([
      expect.stringMatching(/DIA\.csv line 3: open "x" is not a number \(skipped\)$/),
      expect.stringMatching(/QQQ-1min\.csv line 3: inconsistent prices.*\(skipped\)$/),
      expect.stringMatching(/QQQ-1min\.csv line 4: ts .* UTC offset \(skipped\)$/),
      expect.stringMatching(/QQQ-1min\.csv line 6: volume "abc" .*\(skipped\)$/),
      expect.stringMatching(/QQQ-1min\.csv line 8: ts .* is not after .*\(skipped\)$/),
    ])
    expect(c.out).toContain('QQQ-1min.csv: QQQ 1-minute, 2 rows, 2 new or changed, 0 unchanged, 4 bad')
    expect(c.out.at(-1)).toMatch(/imported 2 of 2 files .*: 3 rows, 3 new or changed, 5 bad rows skipped$/)
    withStore(data, (s) => {
      expect(s.recent1m('QQQ', Infinity, 10).map((r) => r.t)).toEqual([Date.parse('2019-12-17T16:04:00Z'), Date.parse('2019-12-17T16:00:00Z')])
      expect(s.countDaily('DIA')).toBe(1)
    })
  })

  it('a failure in the middle of a file leaves nothing of that file', () => {
    const data = tempDir()
    const db = openDatabase(path.join(data, 'tickstock.db'))
    try {
      const store = new BarStore(db)
      const seen: number[] = []
      expect(() =>
        importFile(store, SPY_DAILY, {
          onProgress: (done) => {
            seen.push(done)
            if (done >= 4000) throw new Error('disk full')
          },
        }),
      ).toThrow('disk full')
      expect(seen).toEqual([2000, 4000]) // rows were written before the failure
      expect(store.countDaily('SPY')).toBe(0)
    } finally {
      db.close()
    }
  })

  it('a file that fails is reported, nothing of it kept, and the others still import', async () => {
    const src = tempDir()
    const data = tempDir()
    writeFileSync(path.join(src, 'GLD.csv'), 'time,price\n1,2\n')
    writeFileSync(path.join(src, 'TLT.csv'), 'date,open,high,low,close,adj_close,volume\n2020-01-02,136,137,135,136.5,130,100\n')
    const c = capture()
    expect(await main(['bars', src, '--data', data], c.io)).toBe(0)
    expect(c.err).toEqual([expect.stringMatching(/GLD\.csv: unknown header .*\(nothing imported from this file\)$/)])
    expect(c.out.at(-1)).toMatch(/imported 1 of 2 files .*1 files failed$/)
    const only = capture()
    expect(await main(['bars', path.join(src, 'GLD.csv'), '--data', data], only.io)).toBe(1)
  })

  it('refuses while an engine holds the data folder, importing nothing', async () => {
    const data = tempDir()
    mkdirSync(data, { recursive: true })
    const lock = lockDataFolder(data) // as a running engine does
    try {
      const c = capture()
      expect(await main(['bars', SPY_DAILY, '--data', data], c.io)).toBe(1)
      expect(c.err).toEqual([expect.stringMatching(new RegExp(`data folder .* is in use by another TickStock engine \\(process ${process.pid}\\).*nothing was imported`))])
      expect(c.out).toEqual([])
      expect(existsSync(path.join(data, 'tickstock.db'))).toBe(false)
    } finally {
      lock.release()
    }
  })
})
