/**
 * The tier processor: dedupe, per-tier confidence thresholds, expiry, ids,
 * cross-tier confluence and per-tier metrics. Synchronous and pure apart from
 * its own bounded state; the engine feeds it normalized patterns in batches.
 */
import { TIERS, epochMs, type ConfluenceEvent, type EpochMs, type NormalizedPattern, type PatternEvent, type Tier } from '../../../shared/domain'
import { marketCloseAfter } from '../../../shared/exchange-time'
import { DAILY_DEDUPE_MAX_ENTRIES, DAILY_DEDUPE_WINDOW_MS, DEDUPE_MAX_ENTRIES, DEDUPE_WINDOW_MS, Deduper, type DetectionIdentity } from '../ingest/dedupe'
import { TierMetrics } from './metrics'

export interface TierProcessorOptions {
  thresholds: Record<Tier, number>
  confluenceWindowMs: number
  expiryMs: { daily: number; intraday: number }
  /** First ids to hand out (continuing from what the store holds). */
  nextPatternId: number
  nextConfluenceId: number
}

/** What a restart restores from the store: enough to dedupe and to find confluence. */
export type StoredHit = DetectionIdentity & Pick<PatternEvent, 'id' | 'pattern' | 'confidence' | 'receivedAt'>

export interface TierBatchResult {
  accepted: PatternEvent[]
  confluence: ConfluenceEvent[]
  duplicates: number
  belowThreshold: number
}

interface Hit {
  at: number
  id: number
  pattern: string
  confidence: number
}

interface SymbolHits {
  daily: Hit | null
  intraday: Hit | null
  combo: Hit | null
  /** Tiers of the last confluence emitted for this symbol, and when. */
  lastEmitted: string
  lastEmittedAt: number
}

const MAX_TRACKED_SYMBOLS = 50_000
/** Shared by every event without confluence (most of them); never mutated. */
const NO_TIERS: Tier[] = Object.freeze([]) as unknown as Tier[]

export class TierProcessor {
  readonly metrics: Record<Tier, TierMetrics> = { daily: new TierMetrics('daily'), intraday: new TierMetrics('intraday'), combo: new TierMetrics('combo') }
  /** Daily detections are deduped over a day, the streaming tiers over half an hour (see dedupe.ts). */
  private readonly dailyDedupe = new Deduper(DAILY_DEDUPE_WINDOW_MS, DAILY_DEDUPE_MAX_ENTRIES)
  private readonly streamDedupe = new Deduper(DEDUPE_WINDOW_MS, DEDUPE_MAX_ENTRIES)
  private readonly hits = new Map<string, SymbolHits>()
  private nextId: number
  private nextConfluenceId: number
  confluenceTotal = 0

  constructor(private readonly opts: TierProcessorOptions) {
    this.nextId = opts.nextPatternId
    this.nextConfluenceId = opts.nextConfluenceId
  }

  get thresholds(): Record<Tier, number> {
    return this.opts.thresholds
  }

  /**
   * After a restart: the rows stored recently, oldest first. Each is marked
   * as seen at its arrival time (so it expires from the deduper as it would
   * have), and the newest hit per symbol and tier is restored for confluence
   * (yesterday evening's daily setup meets this morning's intraday trigger).
   */
  restore(rows: StoredHit[]): void {
    for (const r of rows) {
      this.dedupeFor(r.tier).firstSighting(r, r.receivedAt)
      this.recordHit(r)
    }
  }

  private dedupeFor(tier: Tier): Deduper {
    return tier === 'daily' ? this.dailyDedupe : this.streamDedupe
  }

  process(batch: NormalizedPattern[], now: EpochMs): TierBatchResult {
    const accepted: PatternEvent[] = []
    const confluence: ConfluenceEvent[] = []
    let duplicates = 0
    let belowThreshold = 0
    for (const n of batch) {
      if (!this.dedupeFor(n.tier).firstSighting(n, now)) {
        duplicates++
        continue
      }
      if (n.confidence < this.opts.thresholds[n.tier]) {
        belowThreshold++
        this.metrics[n.tier].belowThreshold++
        continue
      }
      // Takes ownership of the normalized object and completes it in place:
      // this runs for every event at ingest rate, and a copy per event shows in GC time.
      const e = n as unknown as PatternEvent
      e.id = this.nextId++
      e.receivedAt = now
      e.expiresAt = n.expiresAt ?? this.defaultExpiry(n.tier, n.detectedAt)
      e.confluence = NO_TIERS
      // Stamped by the engine once the batch is tiered.
      e.market = null
      const c = this.trackConfluence(e)
      if (c) confluence.push(c)
      this.metrics[e.tier].record(e)
      accepted.push(e)
    }
    return { accepted, confluence, duplicates, belowThreshold }
  }

  private defaultExpiry(tier: Tier, detectedAt: number): EpochMs {
    switch (tier) {
      case 'daily':
        return epochMs(detectedAt + this.opts.expiryMs.daily)
      case 'intraday':
        return epochMs(detectedAt + this.opts.expiryMs.intraday)
      case 'combo':
        return epochMs(marketCloseAfter(detectedAt))
    }
  }

  /** The latest hit per symbol and tier. */
  private recordHit(e: Pick<PatternEvent, 'symbol' | 'tier' | 'detectedAt' | 'id' | 'pattern' | 'confidence'>): SymbolHits {
    let h = this.hits.get(e.symbol)
    if (!h) {
      if (this.hits.size >= MAX_TRACKED_SYMBOLS) this.pruneHits(e.detectedAt)
      h = { daily: null, intraday: null, combo: null, lastEmitted: '', lastEmittedAt: 0 }
      this.hits.set(e.symbol, h)
    }
    const prev = h[e.tier]
    if (!prev) h[e.tier] = { at: e.detectedAt, id: e.id, pattern: e.pattern, confidence: e.confidence }
    else if (prev.at <= e.detectedAt) {
      prev.at = e.detectedAt
      prev.id = e.id
      prev.pattern = e.pattern
      prev.confidence = e.confidence
    }
    return h
  }

  /** Record the hit; mark the event with the other tiers in the window; emit when the set of tiers grows. */
  private trackConfluence(e: PatternEvent): ConfluenceEvent | null {
    const h = this.recordHit(e)
    const window = this.opts.confluenceWindowMs
    let count = 0
    for (const t of TIERS) {
      const hit = h[t]
      if (hit && Math.abs(e.detectedAt - hit.at) <= window) count++
    }
    if (count < 2) return null
    const inWindow = TIERS.filter((t) => {
      const hit = h[t]
      return hit !== null && Math.abs(e.detectedAt - hit.at) <= window
    })
    e.confluence = inWindow.filter((t) => t !== e.tier)
    const key = inWindow.join(',')
    // Emit when the confluence is new (not a subset of the last one) or the last one has aged out of the window.
    const fresh = e.detectedAt - h.lastEmittedAt > window
    const last = h.lastEmitted.split(',')
    if (!fresh && inWindow.every((t) => last.includes(t))) return null
    h.lastEmitted = key
    h.lastEmittedAt = e.detectedAt
    const parts = inWindow.map((t) => h[t]!)
    this.confluenceTotal++
    return {
      id: this.nextConfluenceId++,
      symbol: e.symbol,
      tiers: inWindow,
      eventIds: parts.map((p) => p.id),
      patterns: parts.map((p) => p.pattern),
      at: e.receivedAt,
      confidence: parts.reduce((s, p) => s + p.confidence, 0) / parts.length,
    }
  }

  private pruneHits(now: number): void {
    const window = this.opts.confluenceWindowMs
    for (const [sym, h] of this.hits) {
      const latest = Math.max(h.daily?.at ?? 0, h.intraday?.at ?? 0, h.combo?.at ?? 0)
      if (now - latest > window) this.hits.delete(sym)
    }
    // Still full (a flood of distinct symbols): drop the oldest inserted.
    if (this.hits.size >= MAX_TRACKED_SYMBOLS) {
      let excess = this.hits.size - MAX_TRACKED_SYMBOLS * 0.9
      for (const sym of this.hits.keys()) {
        if (excess-- <= 0) break
        this.hits.delete(sym)
      }
    }
  }

  /** Periodic housekeeping: bounded memory over days of running. */
  sweep(now: number): void {
    this.dailyDedupe.sweep(now)
    this.streamDedupe.sweep(now)
    this.pruneHits(now)
  }
}
