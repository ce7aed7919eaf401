import { afterEach, describe, expect, it } from 'vitest'
import { createLinkStore } from '../state/link-store'
import { createThemeStore } from '../state/theme-store'
import { createLayoutController } from '../state/layout-store'
import { FakeLayoutApi } from '../state/fake-layout-api'
import { installE2eHook } from './e2e-hook'
import type { Shell } from './shell'

function fakeShell(): Shell {
  const dock = {
    capture: () => ({ gl: { resolved: true as const, root: null }, links: { red: 'SPY', green: null, blue: null, yellow: null } }),
    apply: () => {},
    applyDefault: () => {},
  }
  const layout = createLayoutController({ api: new FakeLayoutApi(), dock })
  return { layout, links: createLinkStore(), theme: createThemeStore({ apply: () => {} }) } as unknown as Shell
}

afterEach(() => {
  delete window.__tickstock
})

describe('e2e hook', () => {
  it('is absent without ?e2e=1', () => {
    installE2eHook(fakeShell(), '?e2e=0')
    expect(window.__tickstock).toBeUndefined()
    installE2eHook(fakeShell(), '?x=1')
    expect(window.__tickstock).toBeUndefined()
  })

  it('with ?e2e=1: the layout in its stored form and the persistence state', () => {
    const uninstall = installE2eHook(fakeShell(), '?foo=bar&e2e=1')
    expect(window.__tickstock!.layout()).toEqual({
      name: '(last session)',
      version: 1,
      config: { format: 'tickstock-layout', gl: { resolved: true, root: null }, links: { red: 'SPY', green: null, blue: null, yellow: null } },
    })
    expect(window.__tickstock!.layoutState()).toEqual({ phase: 'restoring', current: null, dirty: false, saving: false })
    uninstall()
    expect(window.__tickstock).toBeUndefined()
  })
})
