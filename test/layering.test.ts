/**
 * Each module has one runtime (STYLE.md): a wrong import fails here, in CI,
 * rather than in review. Reads import specifiers from the source files.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..')

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p)
  }
  return out
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean)
}

function violations(dir: string, forbidden: (spec: string, file: string) => boolean): string[] {
  return sources(join(ROOT, dir)).flatMap((f) => imports(f).filter((s) => forbidden(s, f)).map((s) => `${relative(ROOT, f)} imports ${s}`))
}

const UI = /^(electron|react|react-dom|golden-layout|lightweight-charts|zustand)(\/|$)/
const NODE_ONLY = /^(node:|fs$|path$|os$|child_process$|worker_threads$|net$|http$|ioredis|better-sqlite3|ws$)/

describe('layering', () => {
  it('the engine never imports Electron, React or other UI code', () => {
    expect(violations('src/main/engine', (s) => UI.test(s) || s.includes('/renderer/') || s.includes('/preload/'))).toEqual([])
  })

  it('shared code imports neither Node nor UI modules', () => {
    expect(violations('src/shared', (s) => UI.test(s) || NODE_ONLY.test(s) || s.startsWith('../main') || s.includes('/renderer/'))).toEqual([])
  })

  it('the renderer imports only shared code and browser libraries', () => {
    expect(violations('src/renderer', (s) => NODE_ONLY.test(s) || s === 'electron' || s.includes('/main/') || s.includes('/preload/'))).toEqual([])
  })

  it('the preload imports only electron and shared code', () => {
    expect(violations('src/preload', (s) => !(s === 'electron' || s.startsWith('../shared/') || s.startsWith('./')))).toEqual([])
  })

  it('the headless host never imports Electron', () => {
    expect(violations('src/main/headless', (s) => /^electron(\/|$)/.test(s))).toEqual([])
  })
})
