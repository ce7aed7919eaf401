import { act } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { render, type Rendered } from '../test-support/render'
import type { Command } from './commands'
import { CommandPalette } from './CommandPalette'

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

function setup(commands: Command[]) {
  const onSymbol = vi.fn()
  const onClose = vi.fn()
  view = render(<CommandPalette commands={commands} onSymbol={onSymbol} onClose={onClose} />)
  const q = (sel: string) => view!.container.querySelector(sel)
  const input = q('[data-testid="palette-input"]') as HTMLInputElement
  const items = () => [...view!.container.querySelectorAll<HTMLElement>('[data-testid="palette-item"]')]
  const selectedId = () => items().find((i) => i.getAttribute('aria-selected') === 'true')?.dataset.commandId
  const type = (text: string) =>
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      setter.call(input, text)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
  const key = (k: string, init: KeyboardEventInit = {}) => act(() => void input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init })))
  return { onSymbol, onClose, input, items, selectedId, type, key }
}

const make = (id: string, title: string, group: Command['group'] = 'Layout') => ({ id, title, group, run: vi.fn() })

describe('CommandPalette', () => {
  it('opens focused, listing every command with the first selected', () => {
    const commands = [make('a', 'Save layout'), make('b', 'Theme: Light', 'Theme')]
    const p = setup(commands)
    expect(document.activeElement).toBe(p.input)
    expect(p.items().map((i) => i.dataset.commandId)).toEqual(['a', 'b'])
    expect(p.selectedId()).toBe('a')
    expect(view!.container.querySelector('[data-testid="palette"]')!.getAttribute('role')).toBe('dialog')
  })

  it('filters as you type; arrows move (wrapping); Enter runs the selected command and closes', () => {
    const commands = [make('save', 'Save layout'), make('dark', 'Theme: Dark', 'Theme'), make('light', 'Theme: Light', 'Theme')]
    const p = setup(commands)
    p.type('theme')
    expect(p.items().map((i) => i.dataset.commandId)).toEqual(['dark', 'light', 'symbol.go'])
    p.key('ArrowDown')
    expect(p.selectedId()).toBe('light')
    p.key('ArrowDown')
    p.key('ArrowDown')
    expect(p.selectedId()).toBe('dark')
    p.key('ArrowUp')
    expect(p.selectedId()).toBe('symbol.go')
    p.key('ArrowUp')
    expect(p.selectedId()).toBe('light')
    expect(p.input.getAttribute('aria-activedescendant')).toBe(p.items()[1]!.id)
    p.key('Enter')
    expect(commands[2]!.run).toHaveBeenCalledTimes(1)
    expect(commands[1]!.run).not.toHaveBeenCalled()
    expect(p.onClose).toHaveBeenCalledTimes(1)
  })

  it('a ticker + Enter jumps to the symbol', () => {
    const p = setup([make('save', 'Save layout')])
    p.type('nvda')
    expect(p.items()[0]!.textContent).toContain('NVDA')
    p.key('Enter')
    expect(p.onSymbol).toHaveBeenCalledWith('NVDA')
    expect(p.onClose).toHaveBeenCalled()
  })

  it('Escape closes without running anything', () => {
    const commands = [make('save', 'Save layout')]
    const p = setup(commands)
    p.key('Escape')
    expect(p.onClose).toHaveBeenCalledTimes(1)
    expect(commands[0]!.run).not.toHaveBeenCalled()
  })

  it('says so when nothing matches, and Enter does nothing', () => {
    const commands = [make('save', 'Save layout')]
    const p = setup(commands)
    p.type('zz top')
    expect(p.items()).toEqual([])
    expect(view!.container.querySelector('[data-testid="palette-empty"]')).not.toBeNull()
    p.key('Enter')
    expect(p.onClose).not.toHaveBeenCalled()
  })

  it('clicking an item runs it', () => {
    const commands = [make('save', 'Save layout'), make('reset', 'Reset layout to default')]
    const p = setup(commands)
    act(() => p.items()[1]!.click())
    expect(commands[1]!.run).toHaveBeenCalled()
    expect(p.onClose).toHaveBeenCalled()
  })
})
