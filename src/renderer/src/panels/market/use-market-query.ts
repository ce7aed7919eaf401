import { useEffect, useState } from 'react'
import type { RequestName, RequestParams, RequestResult, TerminalApi } from '../../../../shared/contract'
import { MARKET_POLL_MS } from './market-model'

export interface MarketQuery<T> {
  value: T | null
  error: string | null
  loading: boolean
}

/**
 * Ask `method` now and every `pollMs` while the panel is visible (a chain of
 * timeouts: a slow answer never stacks requests). A failed refresh keeps the
 * last value and reports the error; new params start afresh.
 */
export function useMarketQuery<K extends RequestName>(
  api: TerminalApi,
  method: K,
  params: RequestParams<K>,
  visible: boolean,
  pollMs: number = MARKET_POLL_MS,
): MarketQuery<RequestResult<K>> {
  const key = `${method} ${JSON.stringify(params)}`
  const [state, setState] = useState<{ key: string; value: RequestResult<K> | null; error: string | null }>({ key: '', value: null, error: null })

  useEffect(() => {
    if (!visible) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const p = JSON.parse(key.slice(method.length + 1)) as RequestParams<K>
    const poll = async () => {
      let next: { value: RequestResult<K> | null; error: string | null } | null = null
      try {
        const r = await api.invoke(method, p)
        next = r.ok ? { value: r.value, error: null } : { value: null, error: r.error.message }
      } catch (err) {
        next = { value: null, error: err instanceof Error ? err.message : String(err) }
      }
      if (stopped) return
      const n = next
      setState((s) => ({ key, value: n.value ?? (s.key === key ? s.value : null), error: n.error }))
      timer = setTimeout(() => void poll(), pollMs)
    }
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [api, method, key, visible, pollMs])

  if (state.key !== key) return { value: null, error: null, loading: true }
  return { value: state.value, error: state.error, loading: false }
}
