import { describe, expect, it, vi } from 'vitest'
import { createLinkStore, GROUP_COLORS, normalizeSymbol, parseLinkGroups } from './link-store'

describe('link groups', () => {
  it('start empty, one symbol per colour', () => {
    const links = createLinkStore()
    expect(GROUP_COLORS).toEqual(['red', 'green', 'blue', 'yellow'])
    expect(links.getState().groups).toEqual({ red: null, green: null, blue: null, yellow: null })
  })

  it('setSymbol moves only that colour, upper-cased', () => {
    const links = createLinkStore({ blue: 'MSFT' })
    expect(links.getState().setSymbol('red', ' aapl ')).toBe(true)
    expect(links.getState().groups).toEqual({ red: 'AAPL', green: null, blue: 'MSFT', yellow: null })
  })

  it('ignores tickers the engine would refuse, and unchanged symbols (no update)', () => {
    const links = createLinkStore({ red: 'AAPL' })
    const listener = vi.fn()
    links.subscribe(listener)
    expect(links.getState().setSymbol('red', 'not a ticker')).toBe(false)
    expect(links.getState().setSymbol('red', '')).toBe(false)
    expect(links.getState().setSymbol('red', 'aapl')).toBe(false)
    expect(listener).not.toHaveBeenCalled()
    expect(links.getState().setSymbol('red', 'brk.b')).toBe(true)
    expect(links.getState().groups.red).toBe('BRK.B')
  })

  it("never stores a symbol for 'none'", () => {
    const links = createLinkStore()
    expect(links.getState().setSymbol('none' as never, 'AAPL')).toBe(false)
    expect(Object.keys(links.getState().groups)).not.toContain('none')
  })

  it('reads groups back from a saved layout, dropping junk', () => {
    expect(parseLinkGroups({ red: 'spy', green: 42, blue: 'bad symbol!', purple: 'X', yellow: null })).toEqual({ red: 'SPY', green: null, blue: null, yellow: null })
    expect(parseLinkGroups('nope')).toEqual({ red: null, green: null, blue: null, yellow: null })
  })

  it('normalizes tickers as the contract does', () => {
    expect(normalizeSymbol('^gspc')).toBe('^GSPC')
    expect(normalizeSymbol('EUR/USD')).toBe('EUR/USD')
    expect(normalizeSymbol('A'.repeat(17))).toBeNull()
    expect(normalizeSymbol(7)).toBeNull()
  })
})
