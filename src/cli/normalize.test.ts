import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable, Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epochMs } from '../shared/domain'
import { normalize } from '../main/engine/ingest/normalize'
import { main, runNormalize } from './normalize'

const NOW = Date.UTC(2025, 10, 1)
const clock = (): number => NOW
const SAMPLES = join(__dirname, '../../test/fixtures/wire/samples.jsonl')

/** A writable that collects what is written. */
function sink(opts: { highWaterMark?: number; slow?: boolean } = {}): Writable & { text: () => string } {
  const chunks: string[] = []
  const w = new Writable({
    highWaterMark: opts.highWaterMark ?? 16_384,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString())
      if (opts.slow) setImmediate(cb)
      else cb()
    },
  })
  return Object.assign(w, { text: () => chunks.join('') })
}

const parseOut = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickstock-normalize-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('runNormalize', () => {
  it('writes one JSON line per input line, patterns as {kind, events, rejected}, other shapes as is', async () => {
    const input = Readable.from([
      `${JSON.stringify({ channel: 'tickstock:patterns:streaming', message: { type: 'streaming_pattern', detection: { pattern: 'Hammer', symbol: 'xlp', confidence: 0.85, timestamp: '2025-10-17T20:25:29+00:00', bar_data: { close: 78.32 } } } })}\n`,
      `${JSON.stringify({ channel: 'tickstock:streaming:health', message: JSON.stringify({ type: 'streaming_health', health: { status: 'healthy' }, timestamp: 1760724000 }) })}\n`,
    ])
    const out = sink()
    expect(await runNormalize(input, out, clock)).toEqual({ lines: 2, rejected: 0 })
    const [p, h] = parseOut(out.text())
    expect(p).toMatchObject({ kind: 'pattern', rejected: [], events: [{ symbol: 'XLP', tier: 'intraday', price: 78.32, detectedAt: Date.UTC(2025, 9, 17, 20, 25, 29) }] })
    expect(Object.keys(p!)).toEqual(['kind', 'events', 'rejected'])
    expect(h).toMatchObject({ kind: 'health', scope: 'streaming', status: 'healthy', at: 1760724000000 })
  })

  it('reports bad lines as bad_input_line with their line number; blank lines are skipped but counted for numbering', async () => {
    const text = [
      '',
      '{not json',
      '   ',
      '{"channel":"tickstock:errors"}',
      '{"channel":"","message":{}}',
      '{"channel":"tickstock:errors","message":42}',
      '[1,2]',
      '{"channel":"tickstock:errors","message":{"message":"boom","timestamp":1760724100}}',
      '',
    ].join('\n')
    const out = sink()
    expect(await runNormalize(Readable.from([text]), out, clock)).toEqual({ lines: 6, rejected: 5 })
    const rows = parseOut(out.text())
    expect(rows.map((r) => [r.kind, r.reason, (r.detail as string | undefined)?.split(':')[0]])).toEqual([
      ['rejected', 'bad_input_line', 'line 2'],
      ['rejected', 'bad_input_line', 'line 4'],
      ['rejected', 'bad_input_line', 'line 5'],
      ['rejected', 'bad_input_line', 'line 6'],
      ['rejected', 'bad_input_line', 'line 7'],
      ['error', undefined, undefined],
    ])
    expect(rows[0]!.detail).toMatch(/^line 2: invalid JSON/)
    expect(rows[1]!.detail).toMatch(/^line 4: expected .*message/)
  })

  it('passes normalizer rejections through and counts rejected batch elements', async () => {
    const lines = [
      { channel: 'tickstock.events.patterns', message: { test: 'permission_check' } },
      { channel: 'no.such.channel', message: {} },
      { channel: 'tickstock.events.patterns', message: '{"symbol": ' },
      { channel: 'tickstock.events.patterns', message: { type: 'patterns_batch', patterns: [{ pattern: 'A', symbol: 'X', confidence: 0.8 }, { pattern: 'B' }, null] } },
    ]
    const out = sink()
    expect(await runNormalize(Readable.from([lines.map((l) => JSON.stringify(l)).join('\n')]), out, clock)).toEqual({ lines: 4, rejected: 5 })
    const rows = parseOut(out.text())
    expect(rows.map((r) => r.reason ?? r.kind)).toEqual(['test_message', 'unknown_channel', 'invalid_json', 'pattern'])
    expect((rows[3]!.events as unknown[]).length).toBe(1)
    expect((rows[3]!.rejected as { reason: string }[]).map((r) => r.reason)).toEqual(['missing_symbol', 'not_object']) // batch order
  })

  it('uses the injected clock for messages without a time', async () => {
    const out = sink()
    await runNormalize(Readable.from(['{"channel":"tickstock.events.patterns","message":{"pattern":"Doji","symbol":"A","confidence":0.5}}\n']), out, () => 1_760_000_000_000)
    expect(parseOut(out.text())[0]).toMatchObject({ events: [{ detectedAt: 1_760_000_000_000 }] })
  })

  it('handles CRLF, a last line without newline, and lines split across chunks', async () => {
    const line = JSON.stringify({ channel: 'tickstock:errors', message: { message: 'm', timestamp: 1760724100 } })
    const whole = `${line}\r\n${line}\r\n${line}`
    const chunks = [whole.slice(0, 7), whole.slice(7, 60), whole.slice(60)]
    const out = sink()
    expect(await runNormalize(Readable.from(chunks), out, clock)).toEqual({ lines: 3, rejected: 0 })
    expect(parseOut(out.text()).map((r) => r.kind)).toEqual(['error', 'error', 'error'])
  })

  it('works on a live stream and respects a slow writer (backpressure), keeping order', async () => {
    const input = new PassThrough()
    const out = sink({ highWaterMark: 64, slow: true })
    const done = runNormalize(input, out, clock)
    const N = 2_000
    for (let i = 0; i < N; i++) input.write(`${JSON.stringify({ channel: 'tickstock:errors', message: { error_id: `e${i}`, message: 'm', timestamp: 1760724100 } })}\n`)
    input.end()
    expect(await done).toEqual({ lines: N, rejected: 0 })
    const rows = parseOut(out.text())
    expect(rows).toHaveLength(N)
    expect(rows.every((r, i) => r.errorId === `e${i}`)).toBe(true)
  })

  it('rejects when the input stream fails', async () => {
    const input = new PassThrough()
    const done = runNormalize(input, sink(), clock)
    input.write('{"channel":"tickstock:errors","message":{"message":"m"}}\n')
    input.destroy(new Error('disk gone'))
    await expect(done).rejects.toThrow('disk gone')
  })

  it('an empty input gives no output', async () => {
    const out = sink()
    expect(await runNormalize(Readable.from(['']), out, clock)).toEqual({ lines: 0, rejected: 0 })
    expect(out.text()).toBe('')
  })
})

describe('samples.jsonl (one line per WIRE.md variant)', () => {
  // The order of test/fixtures/wire/samples.jsonl; update both together.
  const EXPECTED = [
    ['pattern', 'canonical'],
    ['pattern', 'canonical as a JSON string, daily_intraday + tier combo'],
    ['pattern', '1 double-nested'],
    ['pattern', '2 flat with details'],
    ['pattern', '3 legacy pattern_name, BRK.B'],
    ['pattern', '3 legacy pattern_type'],
    ['pattern', '4 streaming'],
    ['pattern', '4 streaming copy on detected'],
    ['pattern', '5 streaming_patterns_batch'],
    ['pattern', '5 patterns_batch with one bad element'],
    ['pattern', '6 daily batch envelope'],
    ['rejected', '7 permission_check'],
    ['rejected', '7 health_check'],
    ['indicator', 'streaming indicator'],
    ['indicator', 'streaming indicator, older form'],
    ['alert', 'indicator alert flat'],
    ['alert', 'indicator alert nested'],
    ['alert', 'critical alert flat'],
    ['alert', 'critical alert nested'],
    ['alert', 'critical alert recovery'],
    ['session', 'session started'],
    ['session', 'session stopped'],
    ['health', 'streaming health'],
    ['health', 'system health'],
    ['monitoring', 'METRIC_UPDATE'],
    ['monitoring', 'ALERT_TRIGGERED'],
    ['monitoring', 'ALERT_RESOLVED'],
    ['monitoring', 'HEALTH_CHECK'],
    ['monitoring', 'SYSTEM_STATUS'],
    ['error', 'error record'],
    ['backtest', 'backtest progress'],
    ['backtest', 'backtest results'],
    ['batch', 'processing started'],
    ['batch', 'import progress'],
    ['batch', 'cache completed'],
    ['batch', 'indicators progress'],
    ['batch', 'patterns completed'],
  ] as const

  it('normalizes every sample as expected, from a real file, identically to normalize()', async () => {
    const out = sink()
    const stats = await runNormalize((await import('node:fs')).createReadStream(SAMPLES), out, clock)
    const rows = parseOut(out.text())
    expect(rows.map((r) => r.kind)).toEqual(EXPECTED.map(([k]) => k))
    expect(stats).toEqual({ lines: EXPECTED.length, rejected: 3 })

    const inputs = (await readFile(SAMPLES, 'utf8')).split('\n').filter((l) => l.trim() !== '')
    inputs.forEach((l, i) => {
      const { channel, message } = JSON.parse(l) as { channel: string; message: string | object }
      expect(rows[i], `line ${i + 1}: ${EXPECTED[i]![1]}`).toEqual(JSON.parse(JSON.stringify(normalize(channel, message, epochMs(NOW)))))
    })

    const patterns = rows.filter((r) => r.kind === 'pattern')
    const events = patterns.flatMap((r) => r.events as Record<string, unknown>[])
    expect(new Set(events.map((e) => e.tier))).toEqual(new Set(['daily', 'intraday', 'combo']))
    expect(events.find((e) => e.symbol === 'BRK.B')).toBeDefined()
    expect(events.find((e) => e.pattern === 'WeeklyBO')?.patternKey).toBe(events.find((e) => e.pattern === 'Weekly_Breakout')?.patternKey)
    expect(events.find((e) => e.pattern === 'BullishEngulfing')?.levels).toHaveLength(5)
    expect(patterns[9]!.rejected).toEqual([{ reason: 'missing_symbol', detail: 'pattern Triangle has no symbol' }])
    expect(rows.slice(11, 13).map((r) => r.reason)).toEqual(['test_message', 'test_message'])
  })
})

describe('main', () => {
  function io(stdinText = ''): { stdin: Readable; stdout: Writable & { text: () => string }; stderr: Writable & { text: () => string } } {
    return { stdin: Readable.from([stdinText]), stdout: sink(), stderr: sink() }
  }

  it('reads a FILE argument', async () => {
    const file = join(dir, 'capture.jsonl')
    await writeFile(file, `${JSON.stringify({ channel: 'tickstock.events.patterns', message: { pattern: 'Doji', symbol: 'spy', confidence: 61, timestamp: 1760724000 } })}\n\nnot json\n`)
    const t = io()
    expect(await main([file], t)).toBe(0)
    const rows = parseOut(t.stdout.text())
    expect(rows.map((r) => r.kind)).toEqual(['pattern', 'rejected'])
    expect(rows[0]).toMatchObject({ events: [{ symbol: 'SPY', confidence: 0.61, priority: 'LOW' }] })
    expect(rows[1]).toMatchObject({ reason: 'bad_input_line', detail: expect.stringMatching(/^line 3: /) })
    expect(t.stderr.text()).toBe('normalized 2 lines, 1 rejected\n')
  })

  it('reads the samples fixture file', async () => {
    const t = io()
    expect(await main([SAMPLES], t)).toBe(0)
    expect(parseOut(t.stdout.text())).toHaveLength(37)
  })

  it('reads stdin without a FILE, or with -', async () => {
    const line = `${JSON.stringify({ channel: 'tickstock:errors', message: { message: 'x', timestamp: 1760724100 } })}\n`
    for (const argv of [[], ['-']]) {
      const t = io(line)
      expect(await main(argv, t)).toBe(0)
      expect(parseOut(t.stdout.text())).toMatchObject([{ kind: 'error', message: 'x' }])
    }
  })

  it('a missing file, a directory, or bad usage exit with 2 and say why', async () => {
    const missing = io()
    expect(await main([join(dir, 'nope.jsonl')], missing)).toBe(2)
    expect(missing.stderr.text()).toMatch(/cannot read .*nope\.jsonl/)
    expect(missing.stdout.text()).toBe('')
    expect(await main([dir], io())).toBe(2)
    const many = io()
    expect(await main(['a', 'b'], many)).toBe(2)
    expect(many.stderr.text()).toMatch(/^usage: tickstock normalize \[FILE\]/)
    expect(await main(['--bogus'], io())).toBe(2)
  })

  it('--help prints usage', async () => {
    const t = io()
    expect(await main(['--help'], t)).toBe(0)
    expect(t.stdout.text()).toMatch(/^usage:/)
  })
})
