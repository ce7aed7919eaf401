/**
 * Where the SMTP password lives. On the desktop the Electron host keeps it
 * encrypted with the OS keychain (safeStorage) and hands it to the engine in
 * memory only (`HostSecrets`); the headless host has no keychain, so the
 * engine keeps it in `secrets.json` in the data folder, readable by the
 * owner only (`FileSecrets`). Never logged.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Secrets {
  smtpPassword: string | null
}

export interface SecretStore {
  readonly kind: 'host' | 'file' | 'memory'
  get(): Secrets
  set(s: Secrets): void
}

const EMPTY: Secrets = { smtpPassword: null }

/** Held in memory; the host (Electron, with the OS keychain) persists it and sends it at start-up. */
export class HostSecrets implements SecretStore {
  readonly kind = 'host' as const
  private value: Secrets = EMPTY
  get(): Secrets {
    return this.value
  }
  set(s: Secrets): void {
    this.value = { smtpPassword: s.smtpPassword }
  }
}

/** In memory only (no data folder): gone at exit. */
export class MemorySecrets implements SecretStore {
  readonly kind = 'memory' as const
  private value: Secrets = EMPTY
  get(): Secrets {
    return this.value
  }
  set(s: Secrets): void {
    this.value = { smtpPassword: s.smtpPassword }
  }
}

export const SECRETS_FILE = 'secrets.json'

/** A JSON file with mode 0600 in the data folder (the headless host). */
export class FileSecrets implements SecretStore {
  readonly kind = 'file' as const
  private readonly file: string
  private value: Secrets

  constructor(dataDir: string) {
    this.file = join(dataDir, SECRETS_FILE)
    this.value = EMPTY
    if (existsSync(this.file)) {
      try {
        const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Secrets>
        this.value = { smtpPassword: typeof raw.smtpPassword === 'string' ? raw.smtpPassword : null }
      } catch {
        // A damaged file holds no usable secret; it is replaced on the next save.
        this.value = EMPTY
      }
    }
  }

  get(): Secrets {
    return this.value
  }

  set(s: Secrets): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify({ smtpPassword: s.smtpPassword }), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.file)
    this.value = { smtpPassword: s.smtpPassword }
  }
}
