import { act } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { createTerminalStore } from '../state/terminal-store'
import { makeEvent } from '../test-support/fixtures'
import { render, type Rendered } from '../test-support/render'
import { TierBoard } from './TierBoard'

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

const field = (row: Element, name: string) => row.querySelector(`[data-field="${name}"]`)?.textContent

describe('TierBoard', () => {
  it('renders three tier columns in order, each with its count', () => {
    const store = createTerminalStore()
    store.getState().applyEvents([makeEvent(1, 'daily'), makeEvent(2, 'daily'), makeEvent(3, 'combo')])
    view = render(<TierBoard store={store} />)
    const sections = [...view.container.querySelectorAll('section[data-tier]')]
    expect(sections.map((s) => s.getAttribute('data-tier'))).toEqual(['daily', 'intraday', 'combo'])
    expect(sections.map((s) => s.querySelector('h2')?.textContent)).toEqual(['Daily', 'Intraday', 'Combo'])
    expect(sections.map((s) => s.querySelector('[data-testid="tier-count"]')?.textContent)).toEqual(['2', '0', '1'])
    expect(sections[0]!.querySelectorAll('[data-testid="event-row"]')).toHaveLength(2)
  })

  it('shows time in New York, symbol, pattern, confidence bar and number, priority badge and price', () => {
    const store = createTerminalStore()
    // id 0 => detected at T0 = 14:31:05 UTC = 10:31:05 EDT.
    store.getState().applyEvents([
      makeEvent(0, 'intraday', { symbol: 'NVDA', pattern: 'Bull_Flag', confidence: 0.92, price: 912.5, confluence: ['daily', 'combo'] }),
    ])
    view = render(<TierBoard store={store} />)
    const row = view.container.querySelector('section[data-tier="intraday"] [data-testid="event-row"]')!
    expect(row.getAttribute('data-tier')).toBe('intraday')
    expect(field(row, 'time')).toBe('10:31:05')
    expect(field(row, 'symbol')).toBe('NVDA')
    expect(field(row, 'pattern')).toContain('Bull_Flag')
    expect(row.querySelector('.conf-num')?.textContent).toBe('92')
    expect((row.querySelector('.conf-fill') as HTMLElement).style.width).toBe('92%')
    const badge = row.querySelector('[data-field="priority"] .badge')!
    expect(badge.textContent).toBe('CRITICAL')
    expect(badge.classList.contains('badge-critical')).toBe(true)
    expect(field(row, 'price')).toBe('912.50')
    expect(row.getAttribute('data-confluence')).toBe('true')
    expect(field(row, 'confluence')).toBe('◆DC')
  })

  it('leaves rows without confluence unmarked and shows a missing price as a dash', () => {
    const store = createTerminalStore()
    store.getState().applyEvents([makeEvent(5, 'daily', { price: null })])
    view = render(<TierBoard store={store} />)
    const row = view.container.querySelector('[data-testid="event-row"]')!
    expect(row.hasAttribute('data-confluence')).toBe(false)
    expect(row.querySelector('[data-field="confluence"]')).toBeNull()
    expect(field(row, 'price')).toBe('—')
  })

  it('prepends streamed rows without re-creating the existing ones', () => {
    const store = createTerminalStore()
    store.getState().applyEvents([makeEvent(1, 'daily')])
    view = render(<TierBoard store={store} />)
    const first = view.container.querySelector('[data-event-id="1"]')
    act(() => store.getState().applyEvents([makeEvent(2, 'daily', { symbol: 'TSLA' })]))
    const rows = [...view.container.querySelectorAll('section[data-tier="daily"] [data-testid="event-row"]')]
    expect(rows.map((r) => r.getAttribute('data-event-id'))).toEqual(['2', '1'])
    expect(rows[1]).toBe(first)
    expect(view.container.querySelector('section[data-tier="daily"] [data-testid="tier-count"]')?.textContent).toBe('2')
  })
})
