/**
 * The message protocol between a host (headless main thread, Electron main)
 * and the engine (worker thread, utilityProcess). `cid` names the client
 * (a WebSocket connection, a renderer window) so the engine can filter and
 * coalesce pushes per client.
 */
import type { ContractError, EngineInfo, PushPart, Result, TopicName } from '../../shared/contract'

export type HostToEngine =
  /** `json`: answer with `res-json` (the result already serialized): REST sends it as it is. */
  | { t: 'req'; cid: number; id: number; method: string; params: unknown; json?: boolean }
  | { t: 'sub'; cid: number; sid: number; topic: string; filter: unknown }
  | { t: 'unsub'; cid: number; sid: number }
  | { t: 'client-gone'; cid: number }
  /** The host's secrets (the SMTP password), in memory only: sent at start-up and when they change. */
  | { t: 'secrets'; smtpPassword: string | null }
  | { t: 'shutdown' }

export type EngineToHost =
  | { t: 'ready'; info: EngineInfo }
  | { t: 'res'; cid: number; id: number; result: Result<unknown> }
  | { t: 'res-json'; cid: number; id: number; ok: boolean; json: string }
  | { t: 'push'; cid: number; topic: TopicName; parts: PushPart[] }
  | { t: 'suberr'; cid: number; sid: number; error: ContractError }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { t: 'fatal'; msg: string }
  | { t: 'stopped' }

/** The engine's side of the channel: worker_threads parentPort or Electron's process.parentPort. */
export interface EnginePort {
  post(msg: EngineToHost): void
  onMessage(listener: (msg: HostToEngine) => void): () => void
}
