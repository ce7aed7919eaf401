/**
 * The SMTP password on the desktop: encrypted with Electron's safeStorage
 * (the OS keychain: Keychain, DPAPI, libsecret) in a file in the user data
 * folder, decrypted only to hand it to the engine in memory. The renderer
 * sends a new password with `alerts.settings.set`; the host takes it out of
 * the request (the engine never stores it) and sends it as a `secrets`
 * message. Never logged.
 */
import type { Secrets } from '../engine/alerts/secrets'
import type { HostToEngine } from '../engine/port'

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
}

export interface VaultFs {
  read(file: string): string | null
  write(file: string, text: string): void
}

export const VAULT_FILE = 'secrets.bin.json'

export class SecretVault {
  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly fs: VaultFs,
    private readonly log: (level: 'warn', msg: string) => void,
  ) {}

  load(): Secrets {
    const raw = this.fs.read(this.file)
    if (raw === null) return { smtpPassword: null }
    try {
      const o = JSON.parse(raw) as { smtpPassword?: string | null }
      if (typeof o.smtpPassword !== 'string') return { smtpPassword: null }
      if (!this.safeStorage.isEncryptionAvailable()) {
        this.log('warn', 'the OS keychain is not available: the stored SMTP password cannot be read')
        return { smtpPassword: null }
      }
      return { smtpPassword: this.safeStorage.decryptString(Buffer.from(o.smtpPassword, 'base64')) }
    } catch (e) {
      this.log('warn', `the stored SMTP password cannot be read (${e instanceof Error ? e.name : 'error'})`)
      return { smtpPassword: null }
    }
  }

  /** Store (or with null, remove) the password; refused when the keychain cannot encrypt. */
  save(s: Secrets): { ok: true } | { ok: false; message: string } {
    if (s.smtpPassword === null) {
      this.fs.write(this.file, JSON.stringify({ smtpPassword: null }))
      return { ok: true }
    }
    if (!this.safeStorage.isEncryptionAvailable()) return { ok: false, message: 'the OS keychain is not available, so the password cannot be stored safely' }
    this.fs.write(this.file, JSON.stringify({ smtpPassword: this.safeStorage.encryptString(s.smtpPassword).toString('base64') }))
    return { ok: true }
  }
}

/**
 * Messages from the windows on their way to the engine: `alerts.settings.set`
 * has its password taken into the vault and sent to the engine as a
 * `secrets` message first; when the vault cannot store it, the window is
 * answered with the reason and nothing is changed.
 */
export function interceptSecrets(
  vault: SecretVault,
  send: (m: HostToEngine) => void,
  answer: (cid: number, id: number, error: { code: 'unavailable'; message: string }) => void,
): (m: HostToEngine) => void {
  return (m) => {
    if (m.t !== 'req' || m.method !== 'alerts.settings.set') {
      send(m)
      return
    }
    const r = takeSecrets(m.method, m.params, vault)
    if (r.error) {
      answer(m.cid, m.id, { code: 'unavailable', message: r.error })
      return
    }
    if (r.secrets) send({ t: 'secrets', smtpPassword: r.secrets.smtpPassword })
    send({ ...m, params: r.params })
  }
}

/**
 * A request on its way to the engine: `alerts.settings.set` with a new
 * password has it taken out and stored in the vault. Returns the params to
 * forward and the secrets to send the engine first (or an error to answer).
 */
export function takeSecrets(
  method: string,
  params: unknown,
  vault: SecretVault,
): { params: unknown; secrets: Secrets | null; error: string | null } {
  if (method !== 'alerts.settings.set' || !params || typeof params !== 'object' || !('smtpPassword' in params)) return { params, secrets: null, error: null }
  const { smtpPassword, ...rest } = params as { smtpPassword?: unknown }
  if (smtpPassword === undefined) return { params: rest, secrets: null, error: null }
  if (smtpPassword !== null && typeof smtpPassword !== 'string') return { params, secrets: null, error: null }
  const secrets = { smtpPassword }
  const saved = vault.save(secrets)
  if (!saved.ok) return { params: rest, secrets: null, error: saved.message }
  return { params: rest, secrets, error: null }
}
