import { describe, expect, it, vi } from 'vitest'
import { filterCommands, fuzzyMatch, paletteEntries, symbolFromQuery, type Command } from './commands'
import { buildCommands, type CommandContext } from './shell-commands'

const cmd = (id: string, title: string, group: Command['group'] = 'Layout', keywords?: string): Command => ({ id, title, group, keywords, run: () => {} })

const commands: Command[] = [
  cmd('panel.open:tier-board:0', 'Open Tier board: Daily', 'Panels'),
  cmd('panel.open:chart', 'Open Symbol chart', 'Panels'),
  cmd('layout.save', 'Save layout'),
  cmd('layout.save-as', 'Save layout as…', 'Layout', 'new name'),
  cmd('layout.load:Morning', 'Load layout: Morning'),
  cmd('layout.reset', 'Reset layout to default', 'Layout', 'factory'),
  cmd('theme.dark', 'Theme: Dark', 'Theme'),
  cmd('theme.light', 'Theme: Light', 'Theme'),
]

describe('fuzzy matching', () => {
  it('matches subsequences case-insensitively and rejects the rest', () => {
    expect(fuzzyMatch('sl', 'Save layout')).not.toBeNull()
    expect(fuzzyMatch('SAVELAY', 'Save layout')).not.toBeNull()
    expect(fuzzyMatch('xyz', 'Save layout')).toBeNull()
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, contiguous: true })
  })

  it('ranks runs over scattered letters, and prefixes and word starts first', () => {
    const prefix = fuzzyMatch('save', 'Save layout')!
    const inner = fuzzyMatch('lay', 'Save layout')!
    const scattered = fuzzyMatch('sly', 'Save layout')!
    expect(prefix.contiguous && inner.contiguous).toBe(true)
    expect(scattered.contiguous).toBe(false)
    expect(prefix.score).toBeGreaterThan(inner.score)
    expect(inner.score).toBeGreaterThan(scattered.score)
  })
})

describe('command filtering', () => {
  it('an empty query lists everything in order', () => {
    expect(filterCommands(commands, '').map((c) => c.id)).toEqual(commands.map((c) => c.id))
  })

  it('filters and ranks by title', () => {
    expect(filterCommands(commands, 'chart').map((c) => c.id)).toEqual(['panel.open:chart'])
    expect(filterCommands(commands, 'light')[0]!.id).toBe('theme.light')
    expect(filterCommands(commands, 'load m').map((c) => c.id)[0]).toBe('layout.load:Morning')
    expect(filterCommands(commands, 'save').map((c) => c.id).slice(0, 2)).toEqual(['layout.save', 'layout.save-as'])
  })

  it('matches keywords and group names only as whole runs', () => {
    expect(filterCommands(commands, 'factory').map((c) => c.id)).toEqual(['layout.reset'])
    expect(filterCommands(commands, 'theme').map((c) => c.id)).toEqual(['theme.dark', 'theme.light'])
    expect(filterCommands(commands, 'qqq')).toEqual([])
  })
})

describe('palette entries', () => {
  it('offers "go to symbol" first for a ticker that no command contains', () => {
    const entries = paletteEntries(commands, 'aapl')
    expect(entries[0]).toEqual({ kind: 'symbol', symbol: 'AAPL' })
  })

  it('puts commands that contain the word before the symbol', () => {
    const entries = paletteEntries(commands, 'dark')
    expect(entries[0]).toMatchObject({ kind: 'command', command: { id: 'theme.dark' } })
    expect(entries.some((e) => e.kind === 'symbol' && e.symbol === 'DARK')).toBe(true)
  })

  it('an upper-case ticker is a ticker, even if a command contains the letters', () => {
    expect(paletteEntries(commands, 'SAVE')[0]).toEqual({ kind: 'symbol', symbol: 'SAVE' })
  })

  it('no symbol entry for text that cannot be a ticker', () => {
    expect(symbolFromQuery('save layout')).toBeNull()
    expect(symbolFromQuery('$tsla')).toBe('TSLA')
    expect(symbolFromQuery('brk.b')).toBe('BRK.B')
    expect(paletteEntries(commands, 'save layout').every((e) => e.kind === 'command')).toBe(true)
  })
})

describe('shell commands', () => {
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    panels: [],
    layouts: [
      { name: 'Morning', version: 1, updatedAt: 1 as never },
      { name: 'Close', version: 1, updatedAt: 2 as never },
    ],
    current: 'Morning',
    theme: 'dark',
    openPanel: vi.fn(),
    saveLayout: vi.fn(),
    loadLayout: vi.fn(),
    resetLayout: vi.fn(),
    openDialog: vi.fn(),
    setTheme: vi.fn(),
    openPalette: vi.fn(),
    ...over,
  })

  it('covers panels, save/load/rename/delete/reset and themes, marking the ones in use', () => {
    const c = ctx()
    const list = buildCommands(c)
    const ids = list.map((x) => x.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'symbol.jump',
        'layout.save',
        'layout.save-as',
        'layout.load:Morning',
        'layout.load:Close',
        'layout.rename-current',
        'layout.delete-current',
        'layout.rename:Close',
        'layout.delete:Close',
        'layout.manage',
        'layout.reset',
        'theme.dark',
        'theme.light',
        'theme.toggle',
      ]),
    )
    expect(list.find((x) => x.id === 'layout.load:Morning')!.checked).toBe(true)
    expect(list.find((x) => x.id === 'theme.dark')!.checked).toBe(true)
    list.find((x) => x.id === 'layout.load:Close')!.run()
    expect(c.loadLayout).toHaveBeenCalledWith('Close')
    list.find((x) => x.id === 'layout.delete:Close')!.run()
    expect(c.openDialog).toHaveBeenCalledWith({ kind: 'delete', name: 'Close' })
    list.find((x) => x.id === 'theme.toggle')!.run()
    expect(c.setTheme).toHaveBeenCalledWith('light')
  })

  it('no rename/delete of the current layout when none is chosen', () => {
    const ids = buildCommands(ctx({ current: null })).map((x) => x.id)
    expect(ids).not.toContain('layout.rename-current')
    expect(ids).toContain('layout.rename:Morning')
  })
})
