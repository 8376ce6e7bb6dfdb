import type { Migration } from "./migrate.ts";

/**
 * SQLite schema: the same tables, columns and indexes as PostgreSQL's (schema-pg.ts; a test compares
 * them after migration) but for what only several processes need there. Numbered, forward-only
 * (migrate.ts).
 */
export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: "rooms, admins, bans, room events",
    sql: `
      CREATE TABLE rooms (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        view_count INTEGER NOT NULL DEFAULT 0,
        is_public INTEGER NOT NULL,
        info TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id)
      ) WITHOUT ROWID;
      CREATE INDEX rooms_public ON rooms (app_id, is_public, view_count DESC, room_id);

      CREATE TABLE room_admins (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE room_bans (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        banned_until INTEGER NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      ) WITHOUT ROWID;

      -- Outlives the room: a re-created room id continues its sequence.
      CREATE TABLE room_sequences (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id)
      ) WITHOUT ROWID;

      -- Append-only: rows go to the end of the table; the (room, seq) index serves history and catch-up.
      CREATE TABLE room_events (
        id INTEGER PRIMARY KEY,
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        command TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        operator TEXT NOT NULL,
        platform TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        packet TEXT NOT NULL,
        UNIQUE (app_id, room_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: "callback configuration, signing secrets, outbox deliveries and attempts",
    sql: `
      CREATE TABLE callback_configs (
        app_id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        commands TEXT NOT NULL,
        disabled_reason TEXT,
        disabled_ms INTEGER,
        updated_ms INTEGER NOT NULL
      );

      CREATE TABLE callback_tokens (
        app_id INTEGER PRIMARY KEY,
        token TEXT NOT NULL,
        enabled INTEGER NOT NULL
      );

      CREATE TABLE signing_secrets (
        id INTEGER PRIMARY KEY,
        app_id INTEGER NOT NULL,
        secret TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER
      );
      CREATE INDEX signing_secrets_app ON signing_secrets (app_id);

      -- The outbox: one row per callback to send, written in the transaction of its event.
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        prev_seq INTEGER NOT NULL,
        event_row INTEGER NOT NULL REFERENCES room_events (id),
        command TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        done_ms INTEGER,
        last_error TEXT
      );
      CREATE INDEX deliveries_lane ON deliveries (app_id, room_id, seq);
      CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
      CREATE INDEX deliveries_app_time ON deliveries (app_id, created_ms);

      CREATE TABLE delivery_attempts (
        delivery_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        started_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        reply TEXT,
        PRIMARY KEY (delivery_id, n)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "room members",
    sql: `
      -- Users in a room through their client. 'offline' means the heartbeat was lost and the user may
      -- still come back (HeartbeatRecover); leaving deletes the row.
      CREATE TABLE room_members (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        state TEXT NOT NULL,
        platform TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        since_ms INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: "gateway nodes: which process holds a member's connection",
    sql: `
      -- A member's node is the process that holds their connection; a node that stops touching its row
      -- is dead, and its members go offline by heartbeat timeout (HeartbeatInterrupt).
      ALTER TABLE room_members ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
      CREATE INDEX room_members_node ON room_members (node_id) WHERE state = 'online';
      CREATE TABLE gateway_nodes (
        node_id TEXT PRIMARY KEY,
        last_seen_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "the same indexes as PostgreSQL",
    sql: `
      CREATE INDEX deliveries_lane_pending ON deliveries (app_id, room_id, seq) WHERE state = 'pending';
    `,
  },
];
