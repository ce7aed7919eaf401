/**
 * Per-tier figures for the performance endpoint and the metrics panel.
 * Everything is bounded: 10-second buckets for the last hour, a fixed ring of
 * lag samples, a capped pattern table.
 */
import type { EpochMs, PatternEvent, Tier, TierPerformance } from '../../../shared/domain'

const BUCKET_MS = 10_000
const BUCKETS = 360 // one hour
const LAG_SAMPLES = 2048
const MAX_PATTERN_KEYS = 500

export class TierMetrics {
  private readonly buckets = new Float64Array(BUCKETS)
  private readonly bucketStart = new Float64Array(BUCKETS)
  private readonly lags = new Float64Array(LAG_SAMPLES)
  private lagCount = 0
  private total = 0
  private confidenceSum = 0
  private readonly histogram = new Array<number>(10).fill(0)
  private readonly patterns = new Map<string, { pattern: string; count: number }>()
  private lastEventAt: EpochMs | null = null
  belowThreshold = 0

  constructor(readonly tier: Tier) {}

  record(e: PatternEvent): void {
    const t = e.receivedAt
    const slot = Math.floor(t / BUCKET_MS)
    const i = slot % BUCKETS
    if (this.bucketStart[i] !== slot) {
      this.bucketStart[i] = slot
      this.buckets[i] = 0
    }
    this.buckets[i]! += 1
    this.total++
    this.confidenceSum += e.confidence
    this.histogram[Math.min(9, Math.floor(e.confidence * 10))]! += 1
    const p = this.patterns.get(e.patternKey)
    if (p) p.count++
    else if (this.patterns.size < MAX_PATTERN_KEYS) this.patterns.set(e.patternKey, { pattern: e.pattern, count: 1 })
    this.lags[this.lagCount % LAG_SAMPLES] = Math.max(0, e.receivedAt - e.detectedAt)
    this.lagCount++
    if (this.lastEventAt === null || e.receivedAt > this.lastEventAt) this.lastEventAt = e.receivedAt
  }

  private countSince(now: number, windowMs: number): number {
    const nowSlot = Math.floor(now / BUCKET_MS)
    const slots = Math.ceil(windowMs / BUCKET_MS)
    let n = 0
    for (let k = 0; k < slots; k++) {
      const slot = nowSlot - k
      const i = ((slot % BUCKETS) + BUCKETS) % BUCKETS
      if (this.bucketStart[i] === slot) n += this.buckets[i]!
    }
    return n
  }

  report(now: number, threshold: number): TierPerformance {
    const n = Math.min(this.lagCount, LAG_SAMPLES)
    const sorted = Array.from(this.lags.subarray(0, n)).sort((a, b) => a - b)
    const q = (p: number): number | null => (n === 0 ? null : sorted[Math.min(n - 1, Math.floor(p * (n - 1)))]!)
    const top = [...this.patterns.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 10)
      .map(([patternKey, v]) => ({ pattern: v.pattern, patternKey, count: v.count }))
    return {
      tier: this.tier,
      eventsPerMin: {
        m1: this.countSince(now, 60_000),
        m15: this.countSince(now, 15 * 60_000) / 15,
        h1: this.countSince(now, 3600_000) / 60,
      },
      total: this.total,
      meanConfidence: this.total === 0 ? null : this.confidenceSum / this.total,
      confidenceHistogram: [...this.histogram],
      topPatterns: top,
      belowThreshold: this.belowThreshold,
      lastEventAt: this.lastEventAt,
      lagMs: { p50: q(0.5), p99: q(0.99) },
      threshold,
    }
  }
}
