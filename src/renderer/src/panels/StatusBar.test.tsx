import { act } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { epochMs } from '../../../shared/domain'
import { createTerminalStore } from '../state/terminal-store'
import { makeEngineInfo, makeHealth, T0 } from '../test-support/fixtures'
import { render, type Rendered } from '../test-support/render'
import { StatusBar } from './StatusBar'

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

const text = (id: string) => view!.container.querySelector(`[data-testid="${id}"]`)?.textContent ?? null

function renderWith(setup: (s: ReturnType<typeof createTerminalStore>) => void) {
  const store = createTerminalStore()
  setup(store)
  view = render(<StatusBar store={store} />)
  return store
}

describe('StatusBar', () => {
  it('says DEMO FEED when the engine runs the demo feed', () => {
    renderWith((s) => {
      s.getState().setConnection('open')
      s.getState().setEngine(makeEngineInfo('demo'))
      s.getState().setHealth(makeHealth({ mode: 'demo', redis: { state: 'disabled', url: null, since: epochMs(T0), reconnectAttempts: 0 } }))
    })
    expect(text('status-mode')).toBe('DEMO FEED')
  })

  it('shows the Redis state when live, and never LIVE while cut off from the engine', () => {
    const store = renderWith((s) => {
      s.getState().setConnection('open')
      s.getState().setEngine(makeEngineInfo('live'))
      s.getState().setHealth(makeHealth())
    })
    expect(text('status-mode')).toBe('LIVE')
    act(() => store.getState().setHealth(makeHealth({ redis: { state: 'reconnecting', url: null, since: epochMs(T0), reconnectAttempts: 3 } })))
    expect(text('status-mode')).toBe('RECONNECTING')
    act(() => store.getState().setConnection('closed'))
    expect(text('status-mode')).toBe('ENGINE OFFLINE')
  })

  it('shows heartbeat age, session, rate and rejected count', () => {
    renderWith((s) => {
      s.getState().setConnection('open')
      s.getState().setHealth(makeHealth({ rejected: { total: 7, byReason: { schema: 7 }, samples: [] } }))
    })
    expect(text('status-heartbeat')).toBe('HB1.2s')
    expect(text('status-session')).toBe('Sessionsess-42 running')
    expect(text('status-rate')).toBe('ev/s2.5')
    expect(text('status-rejected')).toBe('Rejected7')
    expect(text('status-gap')).toBeNull()
  })

  it('shows the most recent gap in New York time', () => {
    const store = renderWith((s) => {
      s.getState().setConnection('open')
      s.getState().setHealth(
        makeHealth({
          gaps: [
            { from: epochMs(T0 + 37_000), to: epochMs(T0 + 60_000 + 37_000), reason: 'redis reconnect' },
            { from: epochMs(T0 - 3_600_000), to: epochMs(T0 - 3_500_000), reason: 'redis reconnect' },
          ],
        }),
      )
    })
    expect(text('status-gap')).toBe('no data 10:31:42-10:32:42')
    act(() =>
      store.getState().setHealth(makeHealth({ gaps: [{ from: epochMs(T0), to: epochMs(T0 + 37_000), reason: 'x' }, { from: epochMs(T0 + 120_000), to: null, reason: 'x' }] })),
    )
    expect(text('status-gap')).toBe('no data since 10:33:05')
  })
})
