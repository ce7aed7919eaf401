import { act, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fail } from '../../../../shared/contract'
import { paletteEntries } from '../../app/commands'
import type { PanelLink } from '../../app/panel-types'
import { createAppPanelRegistry } from '../../app/panels'
import { buildCommands } from '../../app/shell-commands'
import { render, type Rendered } from '../../test-support/render'
import { FakeTerminalApi } from '../chart/fake-terminal-api'
import { pulse } from '../market/market-fixtures'
import { MARKET_REFRESH_MS } from '../market/market-model'
import { BUNDLED, FakeSectorTable, funds, manyEntries } from './sector-fixtures'
import { SectorTablePanel } from './SectorTablePanel'

/** jsdom has no layout: give the list's scroll element (only it) a size so the virtualizer renders rows. */
const VIEW_H = 26 * 21
function fixScrollSize(): () => void {
  const h = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('st-scroll') ? VIEW_H : 0
  })
  const w = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('st-scroll') ? 600 : 0
  })
  return () => {
    h.mockRestore()
    w.mockRestore()
  }
}

let view: Rendered | null = null
let restoreSize: () => void = () => {}
let download = vi.fn<(name: string, text: string) => void>()
beforeEach(() => {
  vi.useFakeTimers()
  restoreSize = fixScrollSize()
  download = vi.fn<(name: string, text: string) => void>()
})
afterEach(() => {
  view?.unmount()
  view = null
  restoreSize()
  vi.useRealTimers()
})

const q = (id: string) => view!.container.querySelector<HTMLElement>(`[data-testid="${id}"]`)
const all = (id: string) => [...view!.container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
const row = (symbol: string) => all('st-row').find((r) => r.dataset.symbol === symbol) ?? null
const listed = () => all('st-row').map((r) => `${r.dataset.symbol}:${r.querySelector('select')!.value}:${r.querySelector('[data-testid="st-source"]')!.textContent}`)
const settle = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))
const click = (el: Element | null) =>
  act(async () => {
    el!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await vi.advanceTimersByTimeAsync(0)
  })
/** Type into an input, textarea or select the way React hears it. */
const setValue = (el: Element | null, value: string) =>
  act(async () => {
    const e = el as HTMLInputElement
    const proto = e instanceof HTMLSelectElement ? HTMLSelectElement.prototype : e instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(e, value)
    e.dispatchEvent(new Event(e instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
    await vi.advanceTimersByTimeAsync(0)
  })
const submit = (form: Element | null) =>
  act(async () => {
    form!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    await vi.advanceTimersByTimeAsync(0)
  })

function apiOver(table: FakeSectorTable): FakeTerminalApi {
  return new FakeTerminalApi().handle('sectors.table', table.table).handle('sectors.set', table.set).handle('sectors.reset', table.reset)
}

async function mount(api: FakeTerminalApi) {
  const link: PanelLink = { color: 'none', symbol: null, setSymbol: () => {} }
  function Harness() {
    const [state, setState] = useState({})
    return <SectorTablePanel state={state} setState={setState} link={link} api={api} visible download={download} />
  }
  view = render(<Harness />)
  await settle()
}

describe('Sector table editor over a fake api holding the table like the engine', () => {
  it('lists symbol -> fund with the source marked, searchable, with counts', async () => {
    const table = new FakeSectorTable()
    table.edits.set('TSLA', 'XLY')
    await mount(apiOver(table))
    expect(listed()).toEqual(['AAPL:XLK:bundled', 'JPM:XLF:bundled', 'MSFT:XLK:bundled', 'NEE:XLU:bundled', 'TSLA:XLY:edited', 'UNH:XLV:bundled', 'XOM:XLE:bundled'])
    expect(row('TSLA')!.className).toContain('is-user')
    expect(q('st-count')!.textContent).toBe('7 of 7 · 1 edited')
    // Each select offers every fund with its sector name.
    expect([...row('AAPL')!.querySelectorAll('option')].map((o) => o.textContent)).toContain('XLV · Health Care')
    await setValue(q('st-search'), 'tech')
    expect(all('st-row').map((r) => r.dataset.symbol)).toEqual(['AAPL', 'MSFT'])
    expect(q('st-count')!.textContent).toBe('2 of 7 · 1 edited')
    await setValue(q('st-search'), '')
    await click(q('st-edited-only'))
    expect(all('st-row').map((r) => r.dataset.symbol)).toEqual(['TSLA'])
  })

  it("changes a symbol's sector with its select, and reverts the edit", async () => {
    const table = new FakeSectorTable()
    const api = apiOver(table)
    await mount(api)
    await setValue(row('MSFT')!.querySelector('select'), 'XLC')
    expect(api.callsOf('sectors.set')).toEqual([{ entries: [{ symbol: 'MSFT', fund: 'XLC' }] }])
    expect(row('MSFT')!.dataset.source).toBe('user')
    expect(row('MSFT')!.querySelector('select')!.value).toBe('XLC')
    expect(q('st-notice')!.textContent).toBe('MSFT → XLC.')
    expect(q('st-count')!.textContent).toContain('1 edited')
    await click(row('MSFT')!.querySelector('[data-testid="st-revert"]'))
    expect(api.callsOf('sectors.set')[1]).toEqual({ entries: [{ symbol: 'MSFT', fund: null }] })
    expect(row('MSFT')!.dataset.source).toBe('bundled')
    expect(row('MSFT')!.querySelector('select')!.value).toBe('XLK')
    expect(row('MSFT')!.querySelector('[data-testid="st-revert"]')).toBeNull()
  })

  it('reverting an edit of a symbol the bundled table lacks removes it', async () => {
    const table = new FakeSectorTable()
    table.edits.set('ZZZ', 'XLB')
    await mount(apiOver(table))
    await click(row('ZZZ')!.querySelector('[data-testid="st-revert"]'))
    expect(row('ZZZ')).toBeNull()
  })

  it('adds a symbol: validated and upper-cased, the error next to the field, nothing sent when bad', async () => {
    const table = new FakeSectorTable()
    const api = apiOver(table)
    await mount(api)
    const symbol = q('st-add-symbol') as HTMLInputElement
    await setValue(symbol, 'bad sym')
    await submit(q('st-add'))
    expect(q('st-add-error')!.textContent).toBe('letters, digits, ".", "-", "^" and "/" only')
    expect(symbol.getAttribute('aria-invalid')).toBe('true')
    expect(api.callsOf('sectors.set')).toEqual([])
    await setValue(symbol, 'A'.repeat(17))
    expect(q('st-add-error')).toBeNull()
    await submit(q('st-add'))
    expect(q('st-add-error')!.textContent).toBe('at most 16 characters')

    await setValue(symbol, 'brk.b')
    expect(symbol.value).toBe('BRK.B')
    await setValue(q('st-add-fund'), 'XLF')
    await submit(q('st-add'))
    expect(api.callsOf('sectors.set')).toEqual([{ entries: [{ symbol: 'BRK.B', fund: 'XLF' }] }])
    expect(row('BRK.B')!.dataset.source).toBe('user')
    expect(symbol.value).toBe('')
    expect(q('st-notice')!.textContent).toBe('BRK.B added to XLF.')
  })

  it("shows the engine's refusal of an added symbol next to the field, naming it", async () => {
    const api = apiOver(new FakeSectorTable()).handle('sectors.set', () =>
      fail('bad_request', 'invalid params: entries.0.symbol: symbol may hold letters', { 'entries.0.symbol': 'symbol may hold letters' }),
    )
    await mount(api)
    await setValue(q('st-add-symbol'), 'NEW')
    await submit(q('st-add'))
    expect(q('st-add-error')!.textContent).toBe('symbol: symbol may hold letters')
    expect(row('NEW')).toBeNull()
  })

  it('resets all edits only after a confirm', async () => {
    const table = new FakeSectorTable()
    const api = apiOver(table)
    await mount(api)
    expect((q('st-reset') as HTMLButtonElement).disabled).toBe(true)
    await setValue(row('MSFT')!.querySelector('select'), 'XLC')
    await setValue(row('XOM')!.querySelector('select'), 'XLB')
    expect((q('st-reset') as HTMLButtonElement).disabled).toBe(false)
    await click(q('st-reset'))
    expect(q('st-reset-confirm')!.textContent).toContain('Drop all 2 edits and go back to the bundled table?')
    await click(q('st-reset-cancel'))
    expect(q('st-reset-confirm')).toBeNull()
    expect(api.callsOf('sectors.reset')).toEqual([])
    await click(q('st-reset'))
    await click(q('st-reset-ok'))
    expect(api.callsOf('sectors.reset')).toEqual([{}])
    expect(all('st-row').every((r) => r.dataset.source === 'bundled')).toBe(true)
    expect(row('MSFT')!.querySelector('select')!.value).toBe('XLK')
    expect(q('st-notice')!.textContent).toBe('Dropped 2 edits: back to the bundled table.')
  })

  it('imports pasted lines in one request, refusing the whole paste with line numbers when a line is bad', async () => {
    const table = new FakeSectorTable()
    const api = apiOver(table)
    await mount(api)
    await click(q('st-import-open'))
    await setValue(q('st-import-text'), 'NVDA,XLK\nBAD LINE\nXOM\tXLX\nLLY\tHealth Care')
    await click(q('st-import-apply'))
    const errors = [...q('st-import-errors')!.querySelectorAll('li')].map((li) => li.textContent)
    expect(errors).toEqual(['line 2: expected SYMBOL,FUND, got "BAD LINE"', 'line 3: "XLX" is not a sector fund (XLK, XLV, XLF, XLE, XLY, XLP, XLI, XLU, XLB, XLRE, XLC)', 'Nothing was applied.'])
    expect(api.callsOf('sectors.set')).toEqual([])
    expect(row('NVDA')).toBeNull()

    await setValue(q('st-import-text'), 'symbol,fund\nNVDA,XLK\nxom\txlb\nLLY\tHealth Care\n')
    expect(q('st-import-errors')).toBeNull()
    await click(q('st-import-apply'))
    expect(api.callsOf('sectors.set')).toEqual([
      {
        entries: [
          { symbol: 'NVDA', fund: 'XLK' },
          { symbol: 'XOM', fund: 'XLB' },
          { symbol: 'LLY', fund: 'XLV' },
        ],
      },
    ])
    expect(q('st-import')).toBeNull()
    expect(q('st-notice')!.textContent).toBe('Set 3 symbols.')
    expect(listed()).toEqual(expect.arrayContaining(['NVDA:XLK:edited', 'XOM:XLB:edited', 'LLY:XLV:edited']))
  })

  it("maps the engine's refusal of an imported entry back to its pasted line", async () => {
    const api = apiOver(new FakeSectorTable()).handle('sectors.set', () => fail('bad_request', 'invalid params', { 'entries.1.fund': 'not a fund' }))
    await mount(api)
    await click(q('st-import-open'))
    await setValue(q('st-import-text'), '# mine\nNVDA,XLK\n\nAMD,XLK')
    await click(q('st-import-apply'))
    expect(q('st-import-errors')!.textContent).toBe('line 4: fund: not a fund Nothing was applied.')
    expect(q('st-import')).not.toBeNull()
  })

  it('exports the whole table as CSV', async () => {
    const table = new FakeSectorTable()
    table.edits.set('TSLA', 'XLY')
    await mount(apiOver(table))
    await setValue(q('st-search'), 'xom')
    await click(q('st-export'))
    expect(download).toHaveBeenCalledTimes(1)
    const [name, text] = download.mock.calls[0]!
    expect(name).toBe('sector-table.csv')
    const lines = text.trim().split('\n')
    expect(lines[0]).toBe('symbol,fund,sector,source')
    expect(lines).toHaveLength(BUNDLED.length + 2)
    expect(lines).toContain('TSLA,XLY,Consumer Discretionary,edited')
    expect(lines).toContain('AAPL,XLK,Technology,bundled')
  })

  it('virtualizes a long table: only the rows on screen are in the DOM', async () => {
    const entries = manyEntries(2000)
    const api = new FakeTerminalApi().answer('sectors.table', { funds: funds(), entries })
    await mount(api)
    const rendered = all('st-row')
    expect(rendered.length).toBeGreaterThan(10)
    expect(rendered.length).toBeLessThan(60)
    expect(rendered[0]!.dataset.symbol).toBe('S0000')
    expect(q('st-count')!.textContent).toBe('2,000 of 2,000 · 0 edited')
    const scroller = q('st-rows')!
    await act(async () => {
      scroller.scrollTop = 26 * 1500
      scroller.dispatchEvent(new Event('scroll'))
      await vi.advanceTimersByTimeAsync(0)
    })
    expect(all('st-row').map((r) => r.dataset.symbol)).toContain('S1505')
    expect(all('st-row').length).toBeLessThan(60)
  })

  it('reloads when the table changes elsewhere (a sectors pulse), not on other pulses', async () => {
    const table = new FakeSectorTable()
    const api = apiOver(table)
    await mount(api)
    api.push('market', pulse(1))
    api.push('market', pulse(2, 'intraday'))
    await settle(MARKET_REFRESH_MS)
    expect(api.callsOf('sectors.table')).toHaveLength(1)
    table.edits.set('AMD', 'XLK')
    api.push('market', pulse(3, 'sectors'))
    await settle(MARKET_REFRESH_MS)
    expect(api.callsOf('sectors.table')).toHaveLength(2)
    expect(row('AMD')!.dataset.source).toBe('user')
  })

  it('shows a failed table request', async () => {
    await mount(new FakeTerminalApi().handle('sectors.table', () => fail('unavailable', 'engine starting')))
    expect(q('st-error')!.textContent).toBe('engine starting')
    expect(q('st-add')).toBeNull()
  })
})

describe('Sector table in the app registry', () => {
  it('opens from the Panels menu and the command palette, unlinked by default', () => {
    const reg = createAppPanelRegistry()
    const def = reg.get('sector-table')!
    expect(def.menuName).toBe('Sector table')
    expect(reg.defaultLink(def)).toBe('none')
    expect(reg.entries().map((e) => e.name)).toContain('Sector table')
    const noop = (): void => {}
    const commands = buildCommands({
      panels: reg.entries(),
      layouts: [],
      current: null,
      theme: 'dark',
      openPanel: noop,
      saveLayout: noop,
      loadLayout: noop,
      resetLayout: noop,
      openDialog: noop,
      setTheme: noop,
      openPalette: noop,
    })
    const top = paletteEntries(commands, 'sector table')[0]
    expect(top?.kind === 'command' && top.command.id).toBe('panel.open:sector-table')
  })
})
