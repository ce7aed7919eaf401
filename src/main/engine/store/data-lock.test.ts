import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataFolderInUseError, lockDataFolder } from './data-lock'

describe('data folder lock (real files)', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tickstock-lock-'))
    dirs.push(d)
    return d
  }

  it('refuses a second engine on the same folder, naming the folder and the owner, until the first releases it', () => {
    const d = dir()
    const first = lockDataFolder(d)
    expect(readFileSync(join(d, 'tickstock.lock'), 'utf8')).toBe(String(process.pid))
    expect(() => lockDataFolder(d)).toThrow(DataFolderInUseError)
    expect(() => lockDataFolder(d)).toThrow(new RegExp(`${d}.*process ${process.pid}`))
    first.release()
    lockDataFolder(d).release()
  })

  it('takes over a lock left by a process that is gone', () => {
    const d = dir()
    writeFileSync(join(d, 'tickstock.lock'), '2147483646') // no such pid
    const lock = lockDataFolder(d)
    expect(readFileSync(join(d, 'tickstock.lock'), 'utf8')).toBe(String(process.pid))
    lock.release()
  })
})
