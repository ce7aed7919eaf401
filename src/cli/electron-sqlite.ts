/**
 * better-sqlite3 is a native module, and Electron's ABI differs from Node's:
 * the build in node_modules serves Node (tests, the headless host), and the
 * desktop engine loads a second build from native/electron/ (SETUP-NOTES:
 * rebuilding node_modules in place would break the other). `npm start`
 * makes that build once per Electron version, from a copy of the package.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ElectronSqlitePaths {
  repoRoot: string
  /** Where the desktop host looks for it (see src/main/electron/engine-config.ts). */
  binding: string
  stamp: string
  workDir: string
}

export function electronSqlitePaths(repoRoot: string): ElectronSqlitePaths {
  const dir = join(repoRoot, 'native', 'electron')
  return { repoRoot, binding: join(dir, 'better_sqlite3.node'), stamp: join(dir, 'built-for.json'), workDir: join(repoRoot, '.cache', 'electron-sqlite') }
}

function versionOf(repoRoot: string, pkg: string): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version
}

/** True when a build for this Electron and this better-sqlite3 is already there. */
export function electronSqliteIsCurrent(p: ElectronSqlitePaths): boolean {
  if (!existsSync(p.binding) || !existsSync(p.stamp)) return false
  try {
    const s = JSON.parse(readFileSync(p.stamp, 'utf8')) as { electron?: string; betterSqlite3?: string }
    return s.electron === versionOf(p.repoRoot, 'electron') && s.betterSqlite3 === versionOf(p.repoRoot, 'better-sqlite3')
  } catch {
    return false
  }
}

/**
 * Build better-sqlite3 for Electron from a copy of the package with node-gyp
 * (Electron's headers are downloaded by node-gyp). Returns an error message,
 * or null on success. Never touches node_modules itself.
 */
export function buildElectronSqlite(p: ElectronSqlitePaths, log: (line: string) => void = console.log): string | null {
  if (electronSqliteIsCurrent(p)) return null
  const electron = versionOf(p.repoRoot, 'electron')
  const bs3 = versionOf(p.repoRoot, 'better-sqlite3')
  log(`Building better-sqlite3 ${bs3} for Electron ${electron} (once; about a minute)...`)
  const copy = join(p.workDir, 'better-sqlite3')
  rmSync(p.workDir, { recursive: true, force: true })
  mkdirSync(p.workDir, { recursive: true })
  cpSync(join(p.repoRoot, 'node_modules', 'better-sqlite3'), copy, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) })
  const env = { ...process.env, npm_config_nodedir: '' }
  const r = spawnSync('npm', ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', '--runtime=electron', `--target=${electron}`, '--dist-url=https://electronjs.org/headers'], {
    cwd: copy,
    env,
    stdio: 'inherit',
  })
  const built = join(copy, 'build', 'Release', 'better_sqlite3.node')
  if (r.status !== 0 || !existsSync(built)) return `building better-sqlite3 for Electron ${electron} failed (node-gyp exited with ${r.status})`
  mkdirSync(join(p.binding, '..'), { recursive: true })
  cpSync(built, p.binding)
  writeFileSync(p.stamp, JSON.stringify({ electron, betterSqlite3: bs3, builtAt: new Date().toISOString() }, null, 2))
  rmSync(p.workDir, { recursive: true, force: true })
  return null
}
