import { describe, expect, it } from 'vitest'
import {
  LAST_SESSION_LAYOUT,
  LAYOUT_FORMAT_TAG,
  LAYOUT_FORMAT_VERSION,
  checkLayoutName,
  parseLayoutConfig,
  parsePanelItemState,
  parseSavedLayout,
  serializeLayout,
  type LayoutDocument,
} from './layout-format'

const doc = (): LayoutDocument => ({
  gl: {
    resolved: true,
    root: {
      type: 'row',
      content: [
        { type: 'stack', content: [{ type: 'component', content: [], componentType: 'chart', componentState: { state: { timeframe: '5m' }, link: 'red', symbol: null } }] },
        { type: 'stack', content: [{ type: 'component', content: [], componentType: 'tier-metrics', componentState: { state: {}, link: 'none', symbol: 'AAPL' } }] },
      ],
    },
  },
  links: { red: 'SPY', green: null, blue: null, yellow: null },
})

describe('layout format', () => {
  it('round-trips a document through its stored form (JSON)', () => {
    const stored = JSON.parse(JSON.stringify(serializeLayout(doc())))
    expect(stored.version).toBe(LAYOUT_FORMAT_VERSION)
    expect(stored.config.format).toBe(LAYOUT_FORMAT_TAG)
    const parsed = parseSavedLayout(stored)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) {
      expect(parsed.doc.links).toEqual(doc().links)
      expect(parsed.doc.gl.root).toEqual(doc().gl.root)
      expect(parsed.doc.gl.openPopouts).toEqual([])
    }
  })

  it('refuses a layout from a newer version', () => {
    const parsed = parseSavedLayout({ ...serializeLayout(doc()), version: LAYOUT_FORMAT_VERSION + 1 })
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining('newer version') })
  })

  it('refuses versions that are not versions', () => {
    for (const version of [0, -1, 1.5, '1', null, undefined]) {
      expect(parseSavedLayout({ version, config: serializeLayout(doc()).config }).ok).toBe(false)
    }
  })

  it('upgrades an older version through the migrations, and refuses one with no migration', () => {
    const v2Config = (c: unknown) => ({ ...(c as object), format: LAYOUT_FORMAT_TAG })
    const oldConfig = { gl: doc().gl, links: doc().links } // v1 in this pretend history had no format tag
    const upgraded = parseSavedLayout({ version: 1, config: oldConfig }, { version: 2, migrations: { 1: v2Config } })
    expect(upgraded.ok).toBe(true)
    const stranded = parseSavedLayout({ version: 1, config: oldConfig }, { version: 2, migrations: {} })
    expect(stranded).toEqual({ ok: false, reason: expect.stringContaining('older format') })
    const broken = parseSavedLayout({ version: 1, config: oldConfig }, { version: 2, migrations: { 1: () => { throw new Error('boom') } } })
    expect(broken).toEqual({ ok: false, reason: expect.stringContaining('boom') })
  })

  it('refuses damaged configs with a reason', () => {
    const base = serializeLayout(doc()).config
    const cases: unknown[] = [
      null,
      [],
      { ...base, format: 'other' },
      { ...base, gl: undefined },
      { ...base, gl: { root: base.gl.root } }, // not a resolved (saved) config
      { ...base, gl: { resolved: true, root: { type: 'table', content: [] } } },
      { ...base, gl: { resolved: true, root: { type: 'row', content: 'x' } } },
      { ...base, gl: { resolved: true, root: { type: 'row', content: [{ type: 'component', content: [] }] } } },
    ]
    for (const config of cases) {
      const parsed = parseLayoutConfig(config)
      expect(parsed.ok, JSON.stringify(config)).toBe(false)
    }
  })

  it('accepts an empty layout (every panel closed)', () => {
    expect(parseLayoutConfig({ format: LAYOUT_FORMAT_TAG, gl: { resolved: true }, links: {} }).ok).toBe(true)
  })

  it('reads panel item state defensively', () => {
    expect(parsePanelItemState({ state: { a: 1 }, link: 'blue', symbol: 'msft' })).toEqual({ state: { a: 1 }, link: 'blue', symbol: 'MSFT' })
    expect(parsePanelItemState({ state: 1, link: 'purple', symbol: 3 })).toEqual({ state: 1, link: 'none', symbol: null })
    expect(parsePanelItemState(undefined)).toEqual({ state: undefined, link: 'none', symbol: null })
  })

  it('checks layout names as the engine does, keeping the internal name for itself', () => {
    expect(checkLayoutName('  Morning  ')).toEqual({ ok: true, name: 'Morning' })
    expect(checkLayoutName('   ').ok).toBe(false)
    expect(checkLayoutName('x'.repeat(65)).ok).toBe(false)
    expect(checkLayoutName('a\u0001b').ok).toBe(false)
    expect(checkLayoutName(LAST_SESSION_LAYOUT).ok).toBe(false)
  })
})
