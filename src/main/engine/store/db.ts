/**
 * Opening the engine's SQLite database: pragmas, then migrations tracked by
 * `PRAGMA user_version`.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations'

export type Database = BetterSqlite3.Database

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

/** The database was written by a newer app (a later schema); it is left untouched. */
export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError'
  constructor(
    readonly file: string,
    readonly version: number,
    readonly supportedVersion: number,
  ) {
    super(
      `Database ${file} has schema version ${version}, but this version of TickStock Terminal supports up to ` +
        `version ${supportedVersion}. It was written by a newer version of the app; nothing was changed. ` +
        `Update the app, or use another data folder.`,
    )
  }
}

export interface OpenDatabaseOptions {
  /** Path to a `better_sqlite3.node` built for the host's ABI (Electron); default: the package's own build. */
  nativeBinding?: string
}

/**
 * Open (creating if needed) and migrate the database at `file`; `':memory:'`
 * gives a private in-memory database. Throws `DatabaseTooNewError` for a
 * database from a newer app, without writing to it.
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database {
  const inMemory = file === ':memory:' || file === ''
  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })

  const db = new BetterSqlite3(file, opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding })
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    // Checked before any pragma that writes (journal_mode = WAL changes the
    // file header), so a database from a newer app stays byte-identical.
    refuseIfTooNew(db, file, LATEST_VERSION)

    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (!db.memory && mode !== 'wal') {
      throw new Error(`Could not switch ${file} to WAL journal mode (got '${String(mode)}'); is it on a network or read-only file system?`)
    }
    // In WAL mode NORMAL is durable against application crashes; only a power
    // loss may drop the last transactions, never corrupt the file.
    db.pragma('synchronous = NORMAL')
    // The indexes of a large table see random inserts (by symbol, by pattern):
    // a page cache far above the 2 MB default keeps them off the disk, and
    // mmap keeps reads free of syscalls.
    db.pragma('cache_size = -65536')
    db.pragma('mmap_size = 268435456')
    db.pragma('temp_store = MEMORY')
    db.pragma('foreign_keys = ON')

    migrate(db, file, MIGRATIONS)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * Apply the migrations newer than the database's `user_version`, all in one
 * transaction: a failing migration leaves the database at its old version.
 * Exported for tests of the runner itself.
 */
export function migrate(db: Database, file: string, migrations: readonly Migration[]): void {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order: entry ${i} has version ${m.version}`)
  })
  if (userVersion(db) === latest) return

  // IMMEDIATE takes the write lock before reading the version, so two
  // processes opening the same new file cannot both run migration 1.
  db.transaction(() => {
    refuseIfTooNew(db, file, latest)
    for (const m of migrations.slice(userVersion(db))) {
      m.up(db)
      // PRAGMA takes no bound parameters; the value is an integer from our own list.
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}

function userVersion(db: Database): number {
  const v = db.pragma('user_version', { simple: true })
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`unexpected user_version ${String(v)}`)
  return v
}

function refuseIfTooNew(db: Database, file: string, latest: number): void {
  const version = userVersion(db)
  if (version > latest) throw new DatabaseTooNewError(file, version, latest)
}
