import { useEffect, useRef, useState } from 'react'
import type { RequestName, RequestParams, RequestResult, TerminalApi } from '../../../../shared/contract'
import type { MarketPulse, MarketPulseCause } from '../../../../shared/domain'
import { MARKET_REFRESH_MS, MARKET_RETRY_MS } from './market-model'

export interface MarketQuery<T> {
  value: T | null
  error: string | null
  loading: boolean
}

export type PulseCause = MarketPulseCause
export const ALL_PULSE_CAUSES: readonly PulseCause[] = ['daily', 'intraday', 'sectors']
/** For panels with no intraday figure: new daily bars and sector table edits. */
export const DAILY_PULSE_CAUSES: readonly PulseCause[] = ['daily', 'sectors']

/**
 * One `market` subscription for the panel's life: a counter that moves when
 * the panel should refetch. Pulses of another cause are ignored unless the
 * as-of date moved with them (the engine keeps only the latest pulse, so a
 * daily one can be folded into a later intraday one). A burst coalesces into
 * one move `refreshMs` after its first pulse; while the panel is hidden
 * nothing moves, and it moves at once on showing if a pulse came meanwhile.
 *
 * Call it before `useMarketQuery`: effects run in order, so the subscription
 * reaches the engine before the first request, and the first pulse (sent on
 * subscribe, taken as the baseline) is never newer than that answer.
 */
export function useMarketRefresh(api: TerminalApi, visible: boolean, causes: readonly PulseCause[] = ALL_PULSE_CAUSES, refreshMs: number = MARKET_REFRESH_MS): number {
  const [tick, setTick] = useState(0)
  const gate = useRef({ visible, pending: false, timer: undefined as ReturnType<typeof setTimeout> | undefined })
  const causesKey = [...causes].sort().join(',')

  useEffect(() => {
    const g = gate.current
    const wanted = new Set(causesKey.split(','))
    let last: MarketPulse | null = null
    const fire = () => {
      g.timer = undefined
      setTick((t) => t + 1)
    }
    const unsubscribe = api.subscribe('market', {}, (p) => {
      const prev = last
      last = p
      // An engine restart starts versions afresh: any move counts.
      if (prev === null || p.version === prev.version) return
      if (!p.causes.some((c) => wanted.has(c)) && p.asOf === prev.asOf) return
      if (!g.visible) g.pending = true
      else g.timer ??= setTimeout(fire, refreshMs)
    })
    return () => {
      unsubscribe()
      clearTimeout(g.timer)
      g.timer = undefined
    }
  }, [api, causesKey, refreshMs])

  useEffect(() => {
    const g = gate.current
    g.visible = visible
    if (!visible) {
      if (g.timer !== undefined) g.pending = true
      clearTimeout(g.timer)
      g.timer = undefined
    } else if (g.pending) {
      g.pending = false
      setTick((t) => t + 1)
    }
  }, [visible])

  return tick
}

/**
 * Ask `method` while the panel is visible: at first, for new params, and each
 * time `refresh` moves (from `useMarketRefresh`). Showing a hidden panel asks
 * again only when something moved meanwhile. A failed request keeps the last
 * value, reports the error and is retried every `retryMs` while visible.
 */
export function useMarketQuery<K extends RequestName>(
  api: TerminalApi,
  method: K,
  params: RequestParams<K>,
  visible: boolean,
  refresh: number = 0,
  retryMs: number = MARKET_RETRY_MS,
): MarketQuery<RequestResult<K>> {
  const key = `${method} ${JSON.stringify(params)}`
  const [state, setState] = useState<{ key: string; value: RequestResult<K> | null; error: string | null }>({ key: '', value: null, error: null })
  /** What the shown answer answers; null until one came. */
  const answered = useRef<{ key: string; refresh: number; failed: boolean } | null>(null)

  useEffect(() => {
    if (!visible) return
    const a = answered.current
    if (a && a.key === key && a.refresh === refresh && !a.failed) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const p = JSON.parse(key.slice(method.length + 1)) as RequestParams<K>
    const ask = async () => {
      let next: { value: RequestResult<K> | null; error: string | null }
      try {
        const r = await api.invoke(method, p)
        next = r.ok ? { value: r.value, error: null } : { value: null, error: r.error.message }
      } catch (err) {
        next = { value: null, error: err instanceof Error ? err.message : String(err) }
      }
      if (stopped) return
      answered.current = { key, refresh, failed: next.error !== null }
      setState((s) => ({ key, value: next.value ?? (s.key === key ? s.value : null), error: next.error }))
      if (next.error !== null) timer = setTimeout(() => void ask(), retryMs)
    }
    void ask()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [api, method, key, visible, refresh, retryMs])

  if (state.key !== key) return { value: null, error: null, loading: true }
  return { value: state.value, error: state.error, loading: false }
}
