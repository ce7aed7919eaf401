/**
 * Test support for the tier board: a harness holding the panel's state like
 * the shell does, a scripted patterns.query, and DOM helpers.
 *
 * jsdom has no layout: every element measures 0 x 0, so the virtualizer would
 * render no rows. `fixScrollSize` gives the board's scroll element (only that
 * one) a clientHeight/clientWidth; jsdom also lacks ResizeObserver, which the
 * virtualizer simply does without.
 */
import { act, useState } from 'react'
import { vi } from 'vitest'
import type { PatternQuery, PatternQueryResult, RequestResult, Result, TerminalApi } from '../../../../shared/contract'
import type { MarketPulse, MarketPulseCause, PatternEvent } from '../../../../shared/domain'
import type { PanelLink } from '../../app/panel-types'
import { TerminalStoreContext, type TerminalStore } from '../../state/terminal-store'
import { render, type Rendered } from '../../test-support/render'
import { TierBoardView } from './TierBoardPanel'
import { parseTierBoardState, type TierBoardState } from './state'

export const ROW = 22
/** The scroll element's height in tests: the header plus 20 rows. */
export const VIEW_H = ROW * 21

export function fixScrollSize(height = VIEW_H, width = 800): () => void {
  const h = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('tb-scroll') ? height : 0
  })
  const w = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('tb-scroll') ? width : 0
  })
  return () => {
    h.mockRestore()
    w.mockRestore()
  }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/**
 * A TerminalApi whose patterns.query calls are recorded and answered by the
 * test. `sectorTable`, when set, answers sectors.table at once; `pushMarket`
 * sends a `market` pulse to the subscribers.
 */
export class ScriptedApi implements TerminalApi {
  readonly host = 'browser' as const
  readonly queries: PatternQuery[] = []
  sectorTable: RequestResult<'sectors.table'> | null = null
  sectorTableRequests = 0
  private pending: Deferred<Result<PatternQueryResult>>[] = []
  private marketListeners = new Set<(pulse: MarketPulse) => void>()

  invoke = ((method: string, params: unknown) => {
    if (method === 'sectors.table') {
      this.sectorTableRequests++
      if (this.sectorTable) return Promise.resolve({ ok: true, value: this.sectorTable })
    }
    if (method !== 'patterns.query') return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: method } })
    this.queries.push(params as PatternQuery)
    const d = deferred<Result<PatternQueryResult>>()
    this.pending.push(d)
    return d.promise
  }) as TerminalApi['invoke']

  subscribe = ((topic: string, _filter: unknown, listener: (payload: never) => void) => {
    if (topic !== 'market') return () => {}
    const l = listener as (pulse: MarketPulse) => void
    this.marketListeners.add(l)
    return () => this.marketListeners.delete(l)
  }) as TerminalApi['subscribe']

  get marketSubscribers(): number {
    return this.marketListeners.size
  }

  async pushMarket(cause: MarketPulseCause): Promise<void> {
    await act(async () => {
      for (const l of this.marketListeners) l({ version: 1, asOf: null, regime: null, risk: null, causes: [cause], at: 0 as MarketPulse['at'] })
      await Promise.resolve()
    })
  }
  onConnection = () => () => {}

  get inFlight(): number {
    return this.pending.length
  }

  /** Answer the oldest pending query with these events (or an error). */
  async answer(patterns: PatternEvent[] | { error: string }): Promise<void> {
    const d = this.pending.shift()
    if (!d) throw new Error('no pending patterns.query')
    const q = this.queries[this.queries.length - 1 - this.pending.length]!
    const result: Result<PatternQueryResult> = Array.isArray(patterns)
      ? {
          ok: true,
          value: {
            patterns,
            metadata: { tier: q.tier, count: patterns.length, limit: q.limit ?? 100, response_time_ms: 1, nextBefore: null },
          },
        }
      : { ok: false, error: { code: 'internal', message: patterns.error } }
    await act(async () => {
      d.resolve(result)
      await d.promise
    })
  }
}

export interface Board {
  view: Rendered
  store: TerminalStore
  api: ScriptedApi
  link: PanelLink & { setSymbol: ReturnType<typeof vi.fn> }
  /** The panel state as the shell holds it. */
  state(): TierBoardState
  root(): HTMLElement
  scroller(): HTMLElement
  rows(): HTMLElement[]
  ids(): number[]
  setVisible(v: boolean): void
  setLinkSymbol(s: string | null): void
}

/** The sector table for tests: a few funds with names, and which stocks are in which. */
export function sectorTable(entries: Record<string, string> = { AAPL: 'XLK', NVDA: 'XLK', XOM: 'XLE' }): RequestResult<'sectors.table'> {
  return {
    funds: [
      { fund: 'XLK', name: 'Technology' },
      { fund: 'XLE', name: 'Energy' },
      { fund: 'XLF', name: 'Financials' },
    ],
    entries: Object.entries(entries).map(([symbol, fund]) => ({ symbol, fund, source: 'bundled' as const })),
  }
}

export function renderBoard(store: TerminalStore, initial: unknown = {}, api = new ScriptedApi()): Board {
  let current: TierBoardState = parseTierBoardState(initial)
  let setVisibleOut: (v: boolean) => void = () => {}
  let setLinkOut: (s: string | null) => void = () => {}
  const setSymbol = vi.fn()
  const link = { color: 'red' as const, symbol: null as string | null, setSymbol }
  function Harness() {
    const [state, setState] = useState(current)
    const [visible, setVisible] = useState(true)
    const [linked, setLinked] = useState<string | null>(null)
    current = state
    setVisibleOut = setVisible
    setLinkOut = setLinked
    const set = (next: TierBoardState) => {
      current = next
      setState(next)
    }
    return (
      <TerminalStoreContext value={store}>
        <TierBoardView state={state} setState={set} link={{ ...link, symbol: linked }} api={api} visible={visible} />
      </TerminalStoreContext>
    )
  }
  const view = render(<Harness />)
  const root = () => view.container.querySelector<HTMLElement>('[data-testid="tier-board"]')!
  const rows = () => [...view.container.querySelectorAll<HTMLElement>('[data-testid="event-row"]')]
  return {
    view,
    store,
    api,
    link,
    state: () => current,
    root,
    scroller: () => view.container.querySelector<HTMLElement>('.tb-scroll')!,
    rows,
    ids: () => rows().map((r) => Number(r.getAttribute('data-id'))),
    setVisible: (v) => act(() => setVisibleOut(v)),
    setLinkSymbol: (s) => act(() => setLinkOut(s)),
  }
}

export const byTestId = (root: ParentNode, id: string): HTMLElement => {
  const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`)
  if (!el) throw new Error(`no [data-testid="${id}"]`)
  return el
}

/** Set an input's or select's value as a user would (React listens to input/change). */
export function setValue(el: HTMLElement, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}

export function click(el: Element): void {
  act(() => {
    el.dispatchEvent(new MouseEvent('click', { bubbles: true }))
  })
}

export function key(el: Element, k: string): void {
  act(() => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
  })
}

/** Scroll the element (jsdom keeps scrollTop as set) and let the virtualizer see it. */
export async function scrollTo(el: HTMLElement, top: number): Promise<void> {
  await act(async () => {
    el.scrollTop = top
    el.dispatchEvent(new Event('scroll'))
    await new Promise((r) => setTimeout(r, 0))
  })
}
