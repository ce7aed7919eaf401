import { act, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fail, ok } from '../../../../shared/contract'
import { render, type Rendered } from '../../test-support/render'
import { FakeTerminalApi } from '../chart/fake-terminal-api'
import { etfs, pulse } from './market-fixtures'
import { MARKET_REFRESH_MS, MARKET_RETRY_MS } from './market-model'
import { ALL_PULSE_CAUSES, DAILY_PULSE_CAUSES, useMarketQuery, useMarketRefresh, type PulseCause } from './use-market-query'

let view: Rendered | null = null
let setVisible: (v: boolean) => void = () => {}
let renders = 0

beforeEach(() => {
  vi.useFakeTimers()
  renders = 0
})
afterEach(() => {
  view?.unmount()
  view = null
  vi.useRealTimers()
})

const advance = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))
const push = (p: ReturnType<typeof pulse>) => act(() => api.push('market', p))
/** Show or hide the panel, letting any request it starts be answered inside act. */
const show = (v: boolean) =>
  act(async () => {
    setVisible(v)
    await vi.advanceTimersByTimeAsync(0)
  })

let api = new FakeTerminalApi()

/** A panel's use of the hooks: one refresh counter, one query, visibility held like the shell holds it. */
function Probe({ causes, initiallyVisible }: { causes: readonly PulseCause[]; initiallyVisible: boolean }) {
  const [visible, setV] = useState(initiallyVisible)
  setVisible = setV
  const refresh = useMarketRefresh(api, visible, causes)
  const q = useMarketQuery(api, 'market.etfs', {}, visible, refresh)
  renders++
  return <div data-testid="probe">{q.error ?? q.value?.etfs.length ?? 'loading'}</div>
}

function mount(causes: readonly PulseCause[] = ALL_PULSE_CAUSES, visible = true) {
  view = render(<Probe causes={causes} initiallyVisible={visible} />)
}
const fetches = () => api.callsOf('market.etfs').length

describe('useMarketRefresh + useMarketQuery: refetch on market pulses', () => {
  beforeEach(() => {
    api = new FakeTerminalApi().answer('market.etfs', etfs())
  })

  it('asks once on mount with one market subscription, and takes the first pulse (sent on subscribe) as the baseline', async () => {
    mount()
    await advance()
    expect(fetches()).toBe(1)
    expect(api.active('market')).toHaveLength(1)
    await push(pulse(7))
    await advance(5 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)
    expect(view!.container.textContent).toBe('5')
  })

  it('coalesces a burst of pulses into one refetch at the end of the second, and never refetches more than once a second', async () => {
    mount()
    await advance()
    await push(pulse(1))
    // Ten pulses within 900 ms: nothing yet, then one refetch.
    for (let v = 2; v <= 11; v++) {
      await push(pulse(v, 'intraday'))
      await advance(90)
    }
    expect(fetches()).toBe(1)
    await advance(MARKET_REFRESH_MS - 900)
    expect(fetches()).toBe(2)
    await advance(5 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(2)

    // A steady stream, a pulse every 100 ms for 5 s: at most one refetch a second.
    const start = api.calls.length
    const times: number[] = []
    const record = api.invoke.bind(api)
    api.invoke = ((method, params) => {
      times.push(Date.now())
      return record(method, params)
    }) as typeof api.invoke
    for (let v = 100; v < 150; v++) {
      await push(pulse(v, 'intraday'))
      await advance(100)
    }
    await advance(MARKET_REFRESH_MS)
    const n = api.calls.length - start
    expect(n).toBeGreaterThanOrEqual(4)
    expect(n).toBeLessThanOrEqual(6)
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(MARKET_REFRESH_MS)
  })

  it('re-renders only when an answer comes, not on every pulse', async () => {
    mount()
    await advance()
    await push(pulse(1))
    const before = renders
    for (let v = 2; v <= 20; v++) await push(pulse(v, 'intraday'))
    expect(renders).toBe(before)
    await advance(MARKET_REFRESH_MS)
    // The refresh tick, then the answer.
    expect(renders - before).toBeLessThanOrEqual(2)
  })

  it('ignores a repeated version, and pulses of other causes unless the as-of date moved', async () => {
    mount(DAILY_PULSE_CAUSES)
    await advance()
    await push(pulse(1, 'daily', '2026-11-24'))
    await push(pulse(1, 'daily', '2026-11-24'))
    await advance(2 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)
    await push(pulse(2, 'intraday', '2026-11-24'))
    await push(pulse(3, 'intraday', '2026-11-24'))
    await advance(2 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)
    await push(pulse(4, 'sectors', '2026-11-24'))
    await advance(MARKET_REFRESH_MS)
    expect(fetches()).toBe(2)
    // A daily change folded into a later intraday pulse: the as-of date gives it away.
    await push(pulse(5, 'intraday', '2026-11-25'))
    await advance(MARKET_REFRESH_MS)
    expect(fetches()).toBe(3)
  })

  it('does not refetch while hidden; on showing, refetches once if a pulse came meanwhile, else not at all', async () => {
    mount()
    await advance()
    await push(pulse(1))
    await show(false)
    await advance(MARKET_REFRESH_MS)
    await show(true)
    await advance(MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)

    await show(false)
    for (let v = 2; v <= 6; v++) {
      await push(pulse(v))
      await advance(MARKET_REFRESH_MS)
    }
    expect(fetches()).toBe(1)
    await show(true)
    await advance()
    expect(fetches()).toBe(2)
    await advance(3 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(2)
  })

  it('a refetch due when the panel is hidden waits for it to show', async () => {
    mount()
    await advance()
    await push(pulse(1))
    await push(pulse(2))
    await advance(MARKET_REFRESH_MS / 2)
    await show(false)
    await advance(3 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)
    await show(true)
    await advance()
    expect(fetches()).toBe(2)
  })

  it('a panel mounted hidden asks nothing until shown', async () => {
    mount(ALL_PULSE_CAUSES, false)
    await advance(3 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(0)
    await show(true)
    await advance()
    expect(fetches()).toBe(1)
  })

  it('leaves nothing behind on unmount: no subscription, no timer, no request', async () => {
    mount()
    await advance()
    await push(pulse(1))
    await push(pulse(2))
    expect(vi.getTimerCount()).toBe(1)
    view!.unmount()
    view = null
    expect(api.active('market')).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
    api.push('market', pulse(3))
    await vi.advanceTimersByTimeAsync(5 * MARKET_REFRESH_MS)
    expect(fetches()).toBe(1)
  })

  it('retries a failed request while visible, keeping the error shown until an answer', async () => {
    let failing = true
    api = new FakeTerminalApi().handle('market.etfs', () => (failing ? fail('unavailable', 'engine busy') : ok(etfs())))
    mount()
    await advance()
    expect(view!.container.textContent).toBe('engine busy')
    failing = false
    await advance(MARKET_RETRY_MS)
    expect(fetches()).toBe(2)
    expect(view!.container.textContent).toBe('5')
    await advance(3 * MARKET_RETRY_MS)
    expect(fetches()).toBe(2)
  })
})
