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
  {
    version: 6,
    name: "room state of the rest of Live's API: metadata, mutes, seats, robots, accounts, empty rooms",
    sql: `
      -- Set when the last member left a room, NULL while anyone (or a robot) is in it: the room is
      -- dissolved by the system when it stays empty for the app's window (room-sweeper.ts).
      ALTER TABLE rooms ADD COLUMN empty_since_ms INTEGER;
      -- Messages sent in the room (get_room_stats' TotalMsgCount).
      ALTER TABLE rooms ADD COLUMN msg_count INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX rooms_empty ON rooms (empty_since_ms) WHERE empty_since_ms IS NOT NULL;
      ALTER TABLE room_members ADD COLUMN is_robot INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX room_members_offline ON room_members (since_ms) WHERE state = 'offline';

      CREATE TABLE room_mutes (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        muted_until INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE room_metadata (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        meta_key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, meta_key)
      ) WITHOUT ROWID;

      -- A seat without a row is free and unlocked: rows exist only for seats taken or locked.
      CREATE TABLE room_seats (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        seat_index INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        is_locked INTEGER NOT NULL,
        is_video_locked INTEGER NOT NULL,
        is_audio_locked INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, seat_index)
      ) WITHOUT ROWID;

      CREATE TABLE seat_applications (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        seat_index INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      ) WITHOUT ROWID;

      -- Chat accounts imported by the App backend (im_open_login_svc), with their profile.
      CREATE TABLE accounts (
        app_id INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        nick TEXT NOT NULL,
        face_url TEXT NOT NULL,
        -- Other profile tags (portrait_set): a JSON object of tag to string or integer.
        tags TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (app_id, user_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: "before-callbacks: each one asked, with its decision; the app's gift catalog",
    sql: `
      -- Before-callbacks are asked synchronously and never retried: this is their delivery log.
      CREATE TABLE before_callbacks (
        id INTEGER PRIMARY KEY,
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        command TEXT NOT NULL,
        event_id TEXT NOT NULL,
        packet TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        reply TEXT,
        decision TEXT NOT NULL,
        code INTEGER NOT NULL
      );
      CREATE INDEX before_callbacks_app ON before_callbacks (app_id, id);

      -- An app's gifts, categories, their languages and relations: one small document (Tencent allows
      -- a few dozen gifts and 3 categories), changed at most once a second.
      CREATE TABLE gift_catalogs (
        app_id INTEGER PRIMARY KEY,
        catalog TEXT NOT NULL
      );

      -- Battles (PK) between rooms: the battle as a document, its end, and each room's battle.
      CREATE TABLE battles (
        app_id INTEGER NOT NULL,
        battle_id TEXT NOT NULL,
        state TEXT NOT NULL,
        end_ms INTEGER NOT NULL,
        battle TEXT NOT NULL,
        PRIMARY KEY (app_id, battle_id)
      ) WITHOUT ROWID;
      CREATE INDEX battles_due ON battles (end_ms) WHERE state = 'started';
      CREATE TABLE battle_rooms (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        battle_id TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id)
      ) WITHOUT ROWID;

      -- Gifts sent in a room, by sender and receiver: the room's gift statistics.
      CREATE TABLE room_gifts (
        app_id INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        from_account TEXT NOT NULL,
        to_account TEXT NOT NULL,
        gift_count INTEGER NOT NULL,
        coins INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, from_account, to_account)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: "retention: a delivery's event by its row",
    sql: `
      -- Removing a room event checks that no delivery refers to it (the foreign key, and retention's
      -- own check): without this index each removed event would read the whole outbox.
      CREATE INDEX deliveries_event ON deliveries (event_row);
    `,
  },
  {
    version: 9,
    name: "the console's live tail: delivery attempts by time",
    sql: `
      -- roomhook_delivery/get_attempt_feed reads the newest attempts from a moment on.
      CREATE INDEX delivery_attempts_started ON delivery_attempts (started_ms);
    `,
  },
  {
    version: 10,
    name: "gateway nodes: a normal stop is recorded",
    sql: `
      -- A node that stopped normally is not a dead one: its members who do not reconnect elsewhere go
      -- offline by heartbeat timeout all the same, but nobody is warned of a crash.
      ALTER TABLE gateway_nodes ADD COLUMN stopped_ms INTEGER;
    `,
  },
];
