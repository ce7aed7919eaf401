/** Helpers for the store's tests: temp folders and event factories. Not used at runtime. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { priorityFor, type ConfluenceEvent, type EpochMs, type PatternEvent, type Tier } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'

/** A fresh temp folder per call; `cleanup` removes them all. */
export function tempDirs(): { make(): string; cleanup(): void } {
  const made: string[] = []
  return {
    make() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickstock-store-'))
      made.push(dir)
      return dir
    },
    cleanup() {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const T0 = 1_760_000_000_000 as EpochMs

export function makePattern(id: number, over: Partial<PatternEvent> = {}): PatternEvent {
  const pattern = over.pattern ?? 'Doji'
  const confidence = over.confidence ?? 0.75
  const detectedAt = over.detectedAt ?? ((T0 + id * 1000) as EpochMs)
  const tier: Tier = over.tier ?? 'daily'
  return {
    id,
    tier,
    symbol: 'AAPL',
    pattern,
    patternKey: patternKey(pattern),
    confidence,
    priority: priorityFor(confidence),
    detectedAt,
    receivedAt: (detectedAt + 40) as EpochMs,
    expiresAt: (detectedAt + 3_600_000) as EpochMs,
    timeframe: 'daily',
    price: 187.25,
    changePct: -1.5,
    relativeVolume: 2.25,
    relativeStrength: null,
    levels: [
      { type: 'entry', value: 187.5 },
      { type: 'stop', value: 182.1 },
    ],
    channel: 'tickstock.events.patterns.daily',
    flowId: 'flow-1',
    sessionId: null,
    confluence: [],
    market: null,
    ...over,
  }
}

export function makeConfluence(id: number, over: Partial<ConfluenceEvent> = {}): ConfluenceEvent {
  return {
    id,
    symbol: 'AAPL',
    tiers: ['daily', 'intraday'],
    eventIds: [id * 10, id * 10 + 1],
    patterns: ['Doji', 'WeeklyBO'],
    at: (T0 + id * 1000) as EpochMs,
    confidence: 0.8,
    ...over,
  }
}
