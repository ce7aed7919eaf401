import { describe, expect, it } from 'vitest'
import type { HostToEngine } from '../engine/port'
import { SecretVault, interceptSecrets, type SafeStorageLike } from './secret-vault'

/** Electron's safeStorage stand-in (the real one needs the OS keychain): reversible, visibly not the clear text. */
function fakeSafeStorage(available = true): SafeStorageLike & { available: boolean } {
  return {
    available,
    isEncryptionAvailable() {
      return this.available
    },
    encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  }
}

function memFs() {
  const files = new Map<string, string>()
  return { files, read: (f: string) => files.get(f) ?? null, write: (f: string, t: string) => void files.set(f, t) }
}

describe('the SMTP password vault (fake safeStorage)', () => {
  it('stores the password encrypted and reads it back; null removes it', () => {
    const fs = memFs()
    const vault = new SecretVault('/v.json', fakeSafeStorage(), fs, () => {})
    expect(vault.load()).toEqual({ smtpPassword: null })
    expect(vault.save({ smtpPassword: 'hunter2' })).toEqual({ ok: true })
    expect(fs.files.get('/v.json')).not.toContain('hunter2')
    expect(vault.load()).toEqual({ smtpPassword: 'hunter2' })
    vault.save({ smtpPassword: null })
    expect(vault.load()).toEqual({ smtpPassword: null })
  })

  it('refuses to store without a keychain, and the window is told why while nothing reaches the engine', () => {
    const vault = new SecretVault('/v.json', fakeSafeStorage(false), memFs(), () => {})
    const sent: HostToEngine[] = []
    const answered: unknown[] = []
    const toEngine = interceptSecrets(vault, (m) => sent.push(m), (cid, id, error) => answered.push({ cid, id, error }))
    toEngine({ t: 'req', cid: 3, id: 9, method: 'alerts.settings.set', params: { settings: {}, smtpPassword: 'x' } })
    expect(sent).toEqual([])
    expect(answered).toEqual([{ cid: 3, id: 9, error: { code: 'unavailable', message: expect.stringContaining('keychain') } }])
    // Other traffic, and settings without a password, pass untouched.
    toEngine({ t: 'req', cid: 3, id: 10, method: 'alerts.settings.set', params: { settings: {} } })
    toEngine({ t: 'sub', cid: 3, sid: 1, topic: 'alerts', filter: {} })
    expect(sent).toEqual([
      { t: 'req', cid: 3, id: 10, method: 'alerts.settings.set', params: { settings: {} } },
      { t: 'sub', cid: 3, sid: 1, topic: 'alerts', filter: {} },
    ])
  })

  it('a damaged vault file or a keychain that cannot decrypt gives no password and a warning without the secret', () => {
    const fs = memFs()
    const warnings: string[] = []
    fs.files.set('/v.json', '{broken')
    expect(new SecretVault('/v.json', fakeSafeStorage(), fs, (_l, m) => warnings.push(m)).load()).toEqual({ smtpPassword: null })
    const storage = fakeSafeStorage()
    const v = new SecretVault('/v.json', storage, fs, (_l, m) => warnings.push(m))
    v.save({ smtpPassword: 'hunter2' })
    storage.decryptString = () => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. hunter2')
    }
    expect(v.load()).toEqual({ smtpPassword: null })
    expect(warnings.join(' ')).not.toContain('hunter2')
    expect(warnings).toHaveLength(2)
  })
})
