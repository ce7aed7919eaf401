/**
 * `tickstock normalize [FILE]`: run the wire normalizer over JSON lines
 * `{"channel": "...", "message": <string|object>}` (a capture of what arrived
 * on Redis) and write one JSON line per input line: the normalized result as
 * the engine would see it, or a `bad_input_line` rejection for a line that is
 * not a valid input record. Reads stdin when no FILE is given.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { epochMs } from '../shared/domain'
import { normalize, normalizeInputSchema, type NormalizeResult } from '../main/engine/ingest/normalize'

export type NormalizeOutputLine = NormalizeResult | { kind: 'rejected'; reason: 'bad_input_line'; detail: string }

const MAX_DETAIL = 200

function badLine(lineNo: number, why: string): NormalizeOutputLine {
  return { kind: 'rejected', reason: 'bad_input_line', detail: `line ${lineNo}: ${why}`.slice(0, MAX_DETAIL) }
}

/** One input line -> one output record. Never throws. */
function normalizeLine(line: string, lineNo: number, now: () => number): NormalizeOutputLine {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (e) {
    return badLine(lineNo, `invalid JSON: ${(e as Error).message}`)
  }
  const input = normalizeInputSchema.safeParse(parsed)
  if (!input.success) {
    const issue = input.error.issues[0]
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    return badLine(lineNo, `expected {"channel": string, "message": string|object}: ${where}${issue?.message ?? 'invalid'}`)
  }
  return normalize(input.data.channel, input.data.message, epochMs(now()))
}

/**
 * Normalize every JSON line of `input` onto `output` (blank lines skipped).
 * `rejected` counts every rejection: lines rejected outright plus pattern-batch
 * elements reported in a pattern result's `rejected` list.
 */
export function runNormalize(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  now: () => number = Date.now,
): Promise<{ lines: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    let lines = 0
    let rejected = 0
    let lineNo = 0
    let settled = false
    const rl = createInterface({ input, crlfDelay: Infinity })
    const fail = (e: unknown): void => {
      if (settled) return
      settled = true
      rl.close()
      reject(e instanceof Error ? e : new Error(String(e)))
    }
    // readline re-emits input errors on the interface; without a listener they would be thrown
    rl.on('error', fail)
    input.once('error', fail)
    output.once('error', fail)

    // Respect the writer's backpressure: pause reading until it drains.
    let waitingForDrain = false
    const onDrain = (): void => {
      waitingForDrain = false
      rl.resume()
    }

    rl.on('line', (line) => {
      lineNo += 1
      if (line.trim() === '') return
      lines += 1
      const result = normalizeLine(line, lineNo, now)
      if (result.kind === 'rejected') rejected += 1
      else if (result.kind === 'pattern') rejected += result.rejected.length
      let text: string
      try {
        text = JSON.stringify(result)
      } catch (e) {
        text = JSON.stringify(badLine(lineNo, `result not serialisable: ${(e as Error).message}`))
      }
      if (!output.write(`${text}\n`) && !waitingForDrain) {
        waitingForDrain = true
        rl.pause()
        output.once('drain', onDrain)
      }
    })
    rl.once('close', () => {
      input.removeListener('error', fail)
      output.removeListener('error', fail)
      output.removeListener('drain', onDrain)
      if (settled) return
      settled = true
      resolve({ lines, rejected })
    })
  })
}

const USAGE = 'usage: tickstock normalize [FILE]\n  Normalize JSON lines {"channel": "...", "message": <string|object>} from FILE (or stdin) to JSON lines on stdout.\n'

/**
 * CLI entry: `argv` holds the arguments after `normalize` (an optional FILE,
 * `-` for stdin). Returns the process exit code: 0 done, 2 bad usage or
 * unreadable file, 1 read/write failure. Results go to stdout, a summary to stderr.
 */
export async function main(
  argv: readonly string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(USAGE)
    return 0
  }
  if (argv.length > 1 || argv.some((a) => a.startsWith('-') && a !== '-')) {
    io.stderr.write(USAGE)
    return 2
  }
  const file = argv[0] && argv[0] !== '-' ? argv[0] : null
  if (file) {
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file')
    } catch (e) {
      io.stderr.write(`tickstock normalize: cannot read ${file}: ${(e as Error).message}\n`)
      return 2
    }
  }
  const input = file ? createReadStream(file, { encoding: 'utf8' }) : io.stdin
  try {
    const { lines, rejected } = await runNormalize(input, io.stdout)
    io.stderr.write(`normalized ${lines} line${lines === 1 ? '' : 's'}, ${rejected} rejected\n`)
    return 0
  } catch (e) {
    io.stderr.write(`tickstock normalize: ${(e as Error).message}\n`)
    return 1
  }
}
