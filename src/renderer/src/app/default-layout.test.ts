import { describe, expect, it } from 'vitest'
import { defaultLayoutConfig } from './default-layout'
import { createAppPanelRegistry } from './panels'

type Item = { type: string; size?: string; content?: Item[]; componentType?: string }

function components(item: Item): string[] {
  return item.type === 'component' ? [item.componentType!] : (item.content ?? []).flatMap(components)
}

describe('the default layout with every panel type this build registers', () => {
  const root = defaultLayoutConfig(createAppPanelRegistry()).root as unknown as Item

  it('is three tier boards over the chart and the tier metrics, whatever else is registered', () => {
    expect(components(root)).toEqual(['tier-board', 'tier-board', 'tier-board', 'chart', 'tier-metrics'])
  })

  it('gives every row and column sizes that add up to 100% (golden-layout asserts on it)', () => {
    const check = (item: Item): void => {
      const sized = (item.content ?? []).filter((c) => c.size !== undefined)
      if (sized.length === (item.content ?? []).length && sized.length > 0) {
        expect(sized.reduce((sum, c) => sum + Number.parseFloat(c.size!), 0)).toBeCloseTo(100)
      }
      for (const c of item.content ?? []) check(c)
    }
    check(root)
  })
})
