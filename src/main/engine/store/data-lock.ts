/**
 * One engine per data folder. Two engines on one database would hand out the
 * same event ids (each continues from max(id)) and one would fail every
 * write. The lock is a file holding the owner's pid, created exclusively; a
 * lock whose process is gone (a crash) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export class DataFolderInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data folder ${dir} is in use by another TickStock engine (process ${pid}); stop it, or start this one with another --data folder`)
    this.name = 'DataFolderInUseError'
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface DataLock {
  release(): void
}

export function lockDataFolder(dir: string): DataLock {
  const file = join(dir, 'tickstock.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          rmSync(file, { force: true })
        },
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataFolderInUseError(dir, pid)
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new Error(`could not lock the data folder ${dir}`)
}
