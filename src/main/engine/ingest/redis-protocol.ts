/** Messages between the engine and its Redis reader thread. */
import type { RedisState } from '../../../shared/domain'

export interface ReaderData {
  url: string
  options: Record<string, unknown>
  /** Shared counter: total messages the reader has handed to the engine. */
  forwarded: SharedArrayBuffer
  heartbeatKey: string
  /** Every channel to subscribe to: TickStockPL's, plus the bar aggregates channel. */
  channels: string[]
  heartbeatIntervalMs: number
}

export type ReaderToEngine =
  | { t: 'msgs'; ch: string[]; msg: string[] }
  | { t: 'state'; state: Exclude<RedisState, 'disabled'>; at: number; detail: string | null }
  | { t: 'heartbeat'; value: number | null; at: number }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; msg: string }

export type EngineToReader = { t: 'stop' }
