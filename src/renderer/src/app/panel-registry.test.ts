import { describe, expect, it } from 'vitest'
import { defaultLayoutConfig } from './default-layout'
import { createPanelRegistry, type AnyPanelDefinition } from './panel-registry'
import type { PanelDefinition } from './panel-types'

const def = <S,>(type: string, defaultState: S, over: Partial<PanelDefinition<S>> = {}): AnyPanelDefinition => ({
  type,
  menuName: type === 'tier-board' ? 'Tier board' : type,
  title: () => type,
  defaultState,
  parseState: (raw) => raw as S,
  component: () => null,
  ...over,
})

describe('panel registry', () => {
  it('offers one tier board entry per tier, each state carrying its tier', () => {
    const reg = createPanelRegistry([def('tier-board', { tier: 'daily', sort: 'time' }), def('chart', { timeframe: '5m' }), def('tier-metrics', {})])
    expect(reg.entries().map((e) => [e.id, e.name])).toEqual([
      ['tier-board:0', 'Tier board: Daily'],
      ['tier-board:1', 'Tier board: Intraday'],
      ['tier-board:2', 'Tier board: Combo'],
      ['chart', 'chart'],
      ['tier-metrics', 'tier-metrics'],
    ])
    expect(reg.entries()[1]!.state).toEqual({ tier: 'intraday', sort: 'time' })
  })

  it("uses a definition's own presets and default link when it has them", () => {
    const reg = createPanelRegistry([def('chart', { tf: '5m' }, { presets: [{ name: 'Chart 1m', state: { tf: '1m' } }, { name: 'Chart 1D', state: { tf: '1D' } }], defaultLink: 'blue' })])
    expect(reg.entries().map((e) => e.name)).toEqual(['Chart 1m', 'Chart 1D'])
    expect(reg.defaultLink(reg.get('chart')!)).toBe('blue')
  })

  it('links new panels red, metrics none', () => {
    const reg = createPanelRegistry([def('chart', {}), def('tier-metrics', {})])
    expect(reg.defaultLink(reg.get('chart')!)).toBe('red')
    expect(reg.defaultLink(reg.get('tier-metrics')!)).toBe('none')
  })

  it('falls back to the default state when parseState throws', () => {
    const reg = createPanelRegistry([def('chart', { ok: true }, { parseState: () => { throw new Error('bad') } })])
    expect(reg.parseState(reg.get('chart')!, { junk: 1 })).toEqual({ ok: true })
  })

  it('refuses two definitions of one type', () => {
    expect(() => createPanelRegistry([def('chart', {}), def('chart', {})])).toThrow(/two panel definitions/)
  })

  it('the default layout: three tier boards on top, chart and metrics below, no popouts', () => {
    const reg = createPanelRegistry([def('tier-board', { tier: 'daily' }), def('chart', {}), def('tier-metrics', {})])
    const config = defaultLayoutConfig(reg)
    expect(config.header?.popout).toBe(false)
    const root = config.root as { type: string; content: { type: string; content: { content: { componentType: string; componentState: { state: { tier?: string }; link: string } }[] }[] }[] }
    expect(root.type).toBe('column')
    const [top, bottom] = root.content
    expect(top!.type).toBe('row')
    expect(top!.content.map((s) => s.content[0]!.componentState.state.tier)).toEqual(['daily', 'intraday', 'combo'])
    expect(bottom!.content.map((s) => [s.content[0]!.componentType, s.content[0]!.componentState.link])).toEqual([
      ['chart', 'red'],
      ['tier-metrics', 'none'],
    ])
  })
})
