import { describe, expect, it, vi } from 'vitest'
import { createThemeStore } from './theme-store'

describe('theme store', () => {
  it('applies dark at creation, persists user choices, adopts the stored preference without writing it back', () => {
    const apply = vi.fn()
    const persist = vi.fn()
    const theme = createThemeStore({ apply, persist })
    expect(apply).toHaveBeenLastCalledWith('dark')
    expect(theme.getState().theme).toBe('dark')

    theme.getState().adopt('light')
    expect(apply).toHaveBeenLastCalledWith('light')
    expect(persist).not.toHaveBeenCalled()

    theme.getState().setTheme('dark')
    expect(theme.getState().theme).toBe('dark')
    expect(persist).toHaveBeenCalledWith('dark')

    theme.getState().toggle()
    expect(theme.getState().theme).toBe('light')
    expect(persist).toHaveBeenLastCalledWith('light')
  })

  it('ignores an unknown stored theme', () => {
    const apply = vi.fn()
    const theme = createThemeStore({ apply })
    theme.getState().adopt('sepia' as never)
    expect(theme.getState().theme).toBe('dark')
    expect(apply).toHaveBeenCalledTimes(1)
  })
})
