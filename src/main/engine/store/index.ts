/** The engine's SQLite store: the only way other engine folders reach the database. */
export { openDatabase, DatabaseTooNewError, type Database, type OpenDatabaseOptions } from './db'
export { LATEST_VERSION } from './migrations'
export { PatternStore, type PatternStoreOptions, type PruneResult } from './pattern-store'
export { BatchWriter, type BatchTimers, type BatchWriterOptions } from './batch-writer'
