import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { electronSqliteIsCurrent, electronSqlitePaths } from './electron-sqlite'

// The build itself needs Electron's headers from the internet (node-gyp), which
// this machine cannot reach; what is tested here is when npm start rebuilds.
describe('Electron build of better-sqlite3: when npm start (re)builds it', () => {
  const roots: string[] = []
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })))

  function repo(electron: string, bs3: string): string {
    const root = mkdtempSync(join(tmpdir(), 'tickstock-native-'))
    roots.push(root)
    for (const [pkg, version] of [['electron', electron], ['better-sqlite3', bs3]] as const) {
      mkdirSync(join(root, 'node_modules', pkg), { recursive: true })
      writeFileSync(join(root, 'node_modules', pkg, 'package.json'), JSON.stringify({ version }))
    }
    return root
  }

  it('builds when there is no Electron build yet', () => {
    expect(electronSqliteIsCurrent(electronSqlitePaths(repo('45.5.0', '12.11.1')))).toBe(false)
  })

  it('keeps a build made for the same Electron and better-sqlite3, and rebuilds after either changes', () => {
    const root = repo('45.5.0', '12.11.1')
    const p = electronSqlitePaths(root)
    mkdirSync(join(p.binding, '..'), { recursive: true })
    writeFileSync(p.binding, 'binary')
    writeFileSync(p.stamp, JSON.stringify({ electron: '45.5.0', betterSqlite3: '12.11.1' }))
    expect(electronSqliteIsCurrent(p)).toBe(true)
    writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: '46.0.0' }))
    expect(electronSqliteIsCurrent(p)).toBe(false)
  })

  it('rebuilds when the stamp is unreadable', () => {
    const p = electronSqlitePaths(repo('45.5.0', '12.11.1'))
    mkdirSync(join(p.binding, '..'), { recursive: true })
    writeFileSync(p.binding, 'binary')
    writeFileSync(p.stamp, '{not json')
    expect(electronSqliteIsCurrent(p)).toBe(false)
  })
})
