/**
 * Per-minute aggregates from Redis into the bar store: messages
 * `{ev:"AM",sym,s,e,o,h,l,c,v,vw}` (epoch-ms start/end; one object or an
 * array of them) on a configurable channel become `bars_1m` rows. Writes are
 * batched (one transaction per batch) and are upserts, so a re-published
 * minute (a late correction) replaces the stored one.
 */
import { BatchWriter, type BatchTimers } from '../store/batch-writer'
import type { BarStore, MinuteBarRow } from '../store/bar-store'

/** The default channel for per-minute aggregates; configurable. */
export const DEFAULT_AGGREGATE_MINUTE_CHANNEL = 'tickstock:bars:minute'

export interface MinuteAggregate {
  symbol: string
  row: MinuteBarRow
}

export type ParsedAggregates = { ok: MinuteAggregate[]; rejected: string[] }

const SYMBOL = /^[A-Z0-9.\-^/]{1,16}$/
const MINUTE = 60_000

function num(x: unknown): number {
  return typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN
}

/** One `AM` object -> a 1-minute row, or why it is rejected. */
export function parseAggregate(m: unknown): MinuteAggregate | string {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not an object'
  const o = m as Record<string, unknown>
  if (o.ev !== 'AM') return `ev ${JSON.stringify(o.ev)} is not "AM"`
  const symbol = typeof o.sym === 'string' ? o.sym.trim().toUpperCase() : ''
  if (!SYMBOL.test(symbol)) return `sym ${JSON.stringify(o.sym)} is not a symbol`
  const s = num(o.s)
  if (!Number.isSafeInteger(s) || s <= 0) return `s ${JSON.stringify(o.s)} is not an epoch-ms time`
  if (o.e !== undefined) {
    const e = num(o.e)
    if (!Number.isFinite(e) || e <= s || e - s > MINUTE) return `e ${JSON.stringify(o.e)} does not end the minute starting at s ${s}`
  }
  const open = num(o.o)
  const high = num(o.h)
  const low = num(o.l)
  const close = num(o.c)
  for (const [name, v] of [['o', open], ['h', high], ['l', low], ['c', close]] as const) {
    if (!Number.isFinite(v) || v <= 0) return `${name} ${JSON.stringify(o[name])} is not a positive price`
  }
  if (low > Math.min(open, close) || high < Math.max(open, close)) return `inconsistent prices: l ${low} / h ${high} do not bracket o ${open} and c ${close}`
  const volume = o.v === undefined ? 0 : num(o.v)
  if (!Number.isFinite(volume) || volume < 0) return `v ${JSON.stringify(o.v)} is not a non-negative number`
  return { symbol, row: { t: Math.floor(s / MINUTE) * MINUTE, open, high, low, close, volume } }
}

/** A wire message (JSON text): one aggregate or an array of them. */
export function parseAggregateMessage(raw: string): ParsedAggregates {
  let v: unknown
  try {
    v = JSON.parse(raw)
  } catch (e) {
    return { ok: [], rejected: [`not JSON: ${(e as Error).message}`] }
  }
  const out: ParsedAggregates = { ok: [], rejected: [] }
  for (const item of Array.isArray(v) ? v : [v]) {
    const r = parseAggregate(item)
    if (typeof r === 'string') out.rejected.push(r)
    else out.ok.push(r)
  }
  return out
}

export interface AggregateRecorderOptions {
  maxBatch?: number
  maxDelayMs?: number
  timers?: BatchTimers
  onError?: (error: unknown) => void
  /** Every accepted aggregate, as it arrives (before it is written): the market state's intraday figures. */
  onBars?: (bars: readonly MinuteAggregate[]) => void
}

/** Records aggregates into the bar store in batches; the engine feeds it the channel's messages. */
export class AggregateMinuteRecorder {
  private readonly writer: BatchWriter<MinuteAggregate>
  recorded = 0
  rejected = 0

  private readonly onBars: ((bars: readonly MinuteAggregate[]) => void) | null

  constructor(
    private readonly store: BarStore,
    opts: AggregateRecorderOptions = {},
  ) {
    this.onBars = opts.onBars ?? null
    this.writer = new BatchWriter<MinuteAggregate>(
      (items) =>
        this.store.transaction(() => {
          for (const a of items) this.store.upsert1m(a.symbol, [a.row])
        }),
      {
        maxBatch: opts.maxBatch ?? 1000,
        maxDelayMs: opts.maxDelayMs ?? 200,
        ...(opts.timers ? { timers: opts.timers } : {}),
        ...(opts.onError ? { onError: opts.onError } : {}),
        maxBacklog: 200_000,
      },
    )
  }

  /** One raw message from the channel; returns the reasons of rejected aggregates (empty when all were good). */
  push(raw: string): string[] {
    const r = parseAggregateMessage(raw)
    if (r.ok.length > 0) {
      this.writer.push(r.ok)
      this.onBars?.(r.ok)
    }
    this.recorded += r.ok.length
    this.rejected += r.rejected.length
    return r.rejected
  }

  /** Write what is pending now (read-your-writes before a bars query). */
  flushNow(): boolean {
    return this.writer.flushNow()
  }

  /** Stop the timer and write what is pending. */
  dispose(): void {
    this.writer.dispose()
  }
}
