/**
 * `npm start`: build if needed, then start the desktop terminal. Where
 * Electron cannot start (no binary: it cannot be downloaded on some machines;
 * no display), say why in one line and start the headless host instead.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { buildElectronSqlite, electronSqlitePaths } from './electron-sqlite'
import { REPO_ROOT } from './serve'

function newestMtime(dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs)
  }
  return newest
}

function buildIfStale(): boolean {
  const marker = join(REPO_ROOT, 'out', 'renderer', 'index.html')
  const builtAt = existsSync(marker) && existsSync(join(REPO_ROOT, 'out', 'main', 'index.js')) ? statSync(marker).mtimeMs : 0
  if (builtAt > newestMtime(join(REPO_ROOT, 'src'))) return true
  console.log('Building the terminal (electron-vite build)...')
  return spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' }).status === 0
}

/** Why Electron cannot start here, or null when it can. Never loads the electron package (that would try to download). */
export function electronUnavailable(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | null {
  const bin = electronBinary(env)
  if (!bin) return 'the Electron binary is not installed (it could not be downloaded on this machine)'
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)'
  return null
}

export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ELECTRON_EXEC_PATH && existsSync(env.ELECTRON_EXEC_PATH)) return env.ELECTRON_EXEC_PATH
  const pkg = join(REPO_ROOT, 'node_modules', 'electron')
  const pathTxt = join(pkg, 'path.txt')
  if (!existsSync(pathTxt)) return null
  const bin = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

async function main(): Promise<void> {
  if (!buildIfStale()) {
    console.error('Build failed; see the errors above.')
    process.exitCode = 1
    return
  }
  const why = electronUnavailable()
  if (why === null) {
    const failed = buildElectronSqlite(electronSqlitePaths(REPO_ROOT))
    if (failed) console.error(`${failed}: the desktop engine will not be able to open its database. Try again, or use \`npm run tickstock -- serve\`.`)
    const child = spawn(electronBinary()!, ['.', ...process.argv.slice(2)], { cwd: REPO_ROOT, stdio: 'inherit' })
    child.on('exit', (code) => (process.exitCode = code ?? 0))
    return
  }
  console.log(`Electron cannot start here: ${why}. Starting the headless host instead; open the URL below in a browser.`)
  const serve = await import('./serve')
  process.exitCode = await serve.main(process.argv.slice(2))
}

void main()
