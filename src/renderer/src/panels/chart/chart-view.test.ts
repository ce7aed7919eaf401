import { describe, expect, it } from 'vitest'
import { isDarkColor, readPalette, shouldFitContent, withAlpha } from './chart-view'

describe('chart palette', () => {
  it('tints the regime band from the theme: green bull, red bear, amber consolidation, stronger on a dark background', () => {
    const dark = document.createElement('div')
    dark.style.setProperty('--bg-panel', '#141922')
    dark.style.setProperty('--ok', '#3fb950')
    dark.style.setProperty('--bad', '#f85149')
    dark.style.setProperty('--warn', '#d29922')
    document.body.append(dark)
    expect(readPalette(dark).regime).toEqual({ Bull: 'rgba(63, 185, 80, 0.15)', Bear: 'rgba(248, 81, 73, 0.15)', Consolidation: 'rgba(210, 153, 34, 0.15)' })
    const light = document.createElement('div')
    light.style.setProperty('--bg-panel', '#ffffff')
    light.style.setProperty('--ok', '#1a7f37')
    document.body.append(light)
    expect(readPalette(light).regime.Bull).toBe('rgba(26, 127, 55, 0.1)')
    dark.remove()
    light.remove()
  })

  it('tells dark colours from light ones, and adds alpha to hex colours only', () => {
    expect(isDarkColor('#141922')).toBe(true)
    expect(isDarkColor('#fff')).toBe(false)
    expect(isDarkColor('#e9edf3')).toBe(false)
    expect(withAlpha('#3fb950', 0.5)).toBe('rgba(63, 185, 80, 0.5)')
    expect(withAlpha('rgb(1, 2, 3)', 0.5)).toBe('rgb(1, 2, 3)')
  })
})

describe('fitting a first load to the width', () => {
  it('fits a series that would leave the pane part empty, keeps the default spacing for a longer one', () => {
    // 12 bars of today + 4 offset at 6 px: 96 px of an 800 px pane.
    expect(shouldFitContent(12, 800, 6, 4)).toBe(true)
    // 500 bars overflow: right-aligned at the default spacing.
    expect(shouldFitContent(500, 800, 6, 4)).toBe(false)
    expect(shouldFitContent(130, 800, 6, 4)).toBe(false)
  })

  it('does not decide before the chart has a width or with no bars', () => {
    expect(shouldFitContent(12, 0, 6, 4)).toBe(false)
    expect(shouldFitContent(0, 800, 6, 4)).toBe(false)
  })
})
