/**
 * Schema migrations, in order. Migration N moves a database from
 * `user_version` N-1 to N; `openDatabase` applies the missing ones in one
 * transaction. Never edit a migration that has shipped: add a new one.
 */
import type { Database } from './db'

export interface Migration {
  /** The `user_version` after this migration; consecutive from 1. */
  readonly version: number
  readonly name: string
  up(db: Database): void
}

/**
 * Planner statistics for a fresh database, shaped like a busy one (1M events,
 * 3 tiers, ~5,000 symbols, ~40 patterns). Without any statistics SQLite walks
 * the newest-first index for a symbol filter and checks every row's symbol,
 * which means reading most of a tier for a rarely seen symbol. With these
 * ratios it looks symbols up by (symbol, detected_at) instead, and keeps the feed
 * index for the unfiltered feed. `PRAGMA optimize` replaces them with real
 * statistics once the table size is far from 1M (a 25x difference).
 */
const SEED_STATS: [table: string, index: string | null, stat: string][] = [
  ['pattern_events', null, '1000000'],
  ['pattern_events', 'pattern_events_symbol', '1000000 200 1'],
  ['pattern_events', 'pattern_events_feed', '1000000 333333 2 1'],
  ['pattern_events', 'pattern_events_pattern', '1000000 333333 8000 2'],
]

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pattern events, confluence, gaps, meta',
    up(db) {
      db.exec(`
        CREATE TABLE pattern_events (
          id            INTEGER PRIMARY KEY,  -- engine-assigned, equals PatternEvent.id
          tier          TEXT    NOT NULL,
          symbol        TEXT    NOT NULL,
          pattern       TEXT    NOT NULL,
          pattern_key   TEXT    NOT NULL,
          confidence    REAL    NOT NULL,
          priority      TEXT    NOT NULL,
          detected_at   INTEGER NOT NULL,     -- epoch ms
          received_at   INTEGER NOT NULL,
          expires_at    INTEGER NOT NULL,
          timeframe     TEXT,
          price         REAL,
          change_pct    REAL,
          rel_volume    REAL,
          rel_strength  REAL,
          levels        TEXT    NOT NULL DEFAULT '[]',  -- JSON PatternLevel[]
          channel       TEXT    NOT NULL,
          flow_id       TEXT,
          session_id    TEXT,
          confluence    TEXT    NOT NULL DEFAULT ''     -- 'daily,combo' or ''
        );
        -- Every index costs each insert at ingest rate, so there are three.
        -- Duplicates are removed before the store (the engine's deduper, seeded
        -- from recent rows at start-up): a unique index on the detection key
        -- would double the cost of every insert.
        -- A symbol across tiers (charts, linked panels) and symbol filters.
        CREATE INDEX pattern_events_symbol ON pattern_events (symbol, detected_at);
        -- Newest-first feed per tier, the before-cursor and retention.
        CREATE INDEX pattern_events_feed ON pattern_events (tier, detected_at, id);
        -- Pattern filters; the implicit rowid at the end keeps (detected_at, id) order.
        CREATE INDEX pattern_events_pattern ON pattern_events (tier, pattern_key, detected_at);

        CREATE TABLE confluence_events (
          id          INTEGER PRIMARY KEY,
          symbol      TEXT    NOT NULL,
          tiers       TEXT    NOT NULL,  -- 'daily,intraday'
          event_ids   TEXT    NOT NULL,  -- JSON number[]
          patterns    TEXT    NOT NULL,  -- JSON string[]
          at          INTEGER NOT NULL,
          confidence  REAL    NOT NULL
        );
        CREATE INDEX confluence_events_at ON confluence_events (at);

        -- Periods without a Redis connection; to_ms stays NULL while disconnected.
        CREATE TABLE gaps (
          id       INTEGER PRIMARY KEY,
          from_ms  INTEGER NOT NULL,
          to_ms    INTEGER,
          reason   TEXT    NOT NULL
        );

        CREATE TABLE meta (
          key    TEXT PRIMARY KEY,
          value  TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Creates sqlite_stat1 so the seed statistics below can be written.
        ANALYZE;
      `)
      // ANALYZE of empty tables may leave rows of its own; the seed replaces them.
      db.prepare('DELETE FROM sqlite_stat1 WHERE tbl = ?').run('pattern_events')
      const seed = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)')
      for (const [table, index, stat] of SEED_STATS) seed.run(table, index, stat)
      // Statistics are read when the schema loads; reload so this connection uses them.
      db.exec('ANALYZE sqlite_schema')
    },
  },
  {
    version: 2,
    name: 'saved layouts',
    up(db) {
      db.exec(`
        -- The renderer's docking layouts, by name; the engine keeps them opaque (JSON).
        CREATE TABLE layouts (
          name        TEXT    PRIMARY KEY,
          version     INTEGER NOT NULL,
          config      TEXT    NOT NULL,
          updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 3,
    name: 'bar store',
    up(db) {
      db.exec(`
        -- 1-minute bars; 5m/15m/1h are aggregated from them at query time.
        CREATE TABLE bars_1m (
          symbol  TEXT    NOT NULL,
          t       INTEGER NOT NULL,  -- bar start, epoch ms
          open    REAL    NOT NULL,
          high    REAL    NOT NULL,
          low     REAL    NOT NULL,
          close   REAL    NOT NULL,
          volume  REAL    NOT NULL,
          PRIMARY KEY (symbol, t)
        ) WITHOUT ROWID;

        -- Daily bars by New York session date.
        CREATE TABLE bars_daily (
          symbol     TEXT NOT NULL,
          date       TEXT NOT NULL,  -- 'YYYY-MM-DD'
          open       REAL NOT NULL,
          high       REAL NOT NULL,
          low        REAL NOT NULL,
          close      REAL NOT NULL,
          adj_close  REAL NOT NULL,
          volume     REAL NOT NULL,
          PRIMARY KEY (symbol, date)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 4,
    name: 'market stamps on pattern events, regime events, sector table edits',
    up(db) {
      db.exec(`
        -- The market at each event's arrival; NULL on events stored before version 4.
        ALTER TABLE pattern_events ADD COLUMN mkt_regime   TEXT;     -- Bull | Bear | Consolidation
        ALTER TABLE pattern_events ADD COLUMN mkt_risk     REAL;     -- -1..+1
        ALTER TABLE pattern_events ADD COLUMN mkt_sector   TEXT;     -- sector fund, e.g. XLK
        ALTER TABLE pattern_events ADD COLUMN mkt_quadrant TEXT;     -- Leading | Weakening | Lagging | Improving
        ALTER TABLE pattern_events ADD COLUMN mkt_aligned  INTEGER;  -- 1: the pattern points the regime's way

        -- Every regime change the market engine has found, kept across restarts.
        CREATE TABLE regime_events (
          date         TEXT    PRIMARY KEY,  -- first day of the new regime, YYYY-MM-DD
          from_regime  TEXT,
          to_regime    TEXT    NOT NULL,
          confidence   REAL    NOT NULL,
          recorded_at  INTEGER NOT NULL      -- epoch ms, when the terminal first saw it
        ) WITHOUT ROWID;

        -- The trader's edits over the bundled symbol -> sector table.
        CREATE TABLE sector_edits (
          symbol      TEXT    PRIMARY KEY,
          fund        TEXT    NOT NULL,
          updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 5,
    name: 'alert rules, alerts, dead letters',
    up(db) {
      db.exec(`
        -- Rules as JSON in the rule format of their schema_version (upgraded on read, never lost).
        CREATE TABLE alert_rules (
          id              TEXT    PRIMARY KEY,
          schema_version  INTEGER NOT NULL,
          body            TEXT    NOT NULL,
          created_at      INTEGER NOT NULL,
          updated_at      INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- One row per rule firing on an event, written before any delivery.
        CREATE TABLE alerts (
          id             INTEGER PRIMARY KEY,
          rule_id        TEXT    NOT NULL,
          rule_name      TEXT    NOT NULL,
          event_id       INTEGER NOT NULL,
          event_key      TEXT    NOT NULL,  -- the detection (symbol, pattern, tier, timeframe, time): a redelivered event never alerts twice
          symbol         TEXT    NOT NULL,
          pattern        TEXT    NOT NULL,
          pattern_key    TEXT    NOT NULL,
          tier           TEXT    NOT NULL,
          confidence     REAL    NOT NULL,
          priority       TEXT    NOT NULL,
          price          REAL,
          detected_at    INTEGER NOT NULL,
          fired_at       INTEGER NOT NULL,
          urgency        TEXT    NOT NULL,
          matched        TEXT    NOT NULL,  -- JSON string[]
          suppressed_by  TEXT,
          channels       TEXT    NOT NULL,  -- JSON ChannelStatus[]
          read           INTEGER NOT NULL DEFAULT 0,
          acknowledged   INTEGER NOT NULL DEFAULT 0,
          feedback       TEXT,
          test           INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX alerts_rule_event ON alerts (rule_id, event_key) WHERE test = 0;
        CREATE INDEX alerts_rule ON alerts (rule_id, id);
        CREATE INDEX alerts_unread ON alerts (read) WHERE read = 0;
        CREATE INDEX alerts_fired ON alerts (fired_at);

        -- Email and webhook deliveries that failed after their retries.
        CREATE TABLE alert_dead_letters (
          id         INTEGER PRIMARY KEY,
          alert_id   INTEGER NOT NULL,
          channel    TEXT    NOT NULL,
          target     TEXT    NOT NULL,
          reason     TEXT    NOT NULL,
          attempts   INTEGER NOT NULL,
          first_at   INTEGER NOT NULL,
          last_at    INTEGER NOT NULL,
          resolved   INTEGER NOT NULL DEFAULT 0
        );
      `)
    },
  },
  {
    version: 6,
    name: 'alert history by symbol',
    up(db) {
      // The Alerts panel's symbol filter: without it a rare symbol read every alert.
      db.exec('CREATE INDEX alerts_symbol ON alerts (symbol, id)')
    },
  },
]

/** The schema version this build of the app writes. */
export const LATEST_VERSION: number = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1]!.version
