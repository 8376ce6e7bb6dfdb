/**
 * PostgreSQL schema: the same tables and columns as SQLite's (sqlite-migrations.ts, rows.ts), plus
 * what several processes need to share the work: delivery lanes with leases. Numbered, forward-only;
 * each runs once, in its own transaction, under an advisory lock, so processes that start together
 * run them once.
 */
export const pgMigrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "rooms, room events, callbacks, outbox, members, nodes, shared delivery lanes",
    sql: `
      CREATE TABLE rooms (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        view_count BIGINT NOT NULL DEFAULT 0,
        is_public INTEGER NOT NULL,
        info TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id)
      );
      CREATE INDEX rooms_public ON rooms (app_id, is_public, view_count DESC, room_id);

      CREATE TABLE room_admins (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      );

      CREATE TABLE room_bans (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        banned_until BIGINT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      );

      -- Outlives the room: a re-created room id continues its sequence. Its row lock, held to the
      -- commit, orders a room's events across processes: sequence order is commit order.
      CREATE TABLE room_sequences (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        last_seq BIGINT NOT NULL,
        PRIMARY KEY (app_id, room_id)
      );

      CREATE TABLE room_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        event_id TEXT NOT NULL,
        command TEXT NOT NULL,
        time_ms BIGINT NOT NULL,
        operator TEXT NOT NULL,
        platform TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        packet TEXT NOT NULL,
        UNIQUE (app_id, room_id, seq)
      );

      CREATE TABLE callback_configs (
        app_id BIGINT PRIMARY KEY,
        url TEXT NOT NULL,
        commands TEXT NOT NULL,
        disabled_reason TEXT,
        disabled_ms BIGINT,
        updated_ms BIGINT NOT NULL
      );

      CREATE TABLE callback_tokens (
        app_id BIGINT PRIMARY KEY,
        token TEXT NOT NULL,
        enabled INTEGER NOT NULL
      );

      CREATE TABLE signing_secrets (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id BIGINT NOT NULL,
        secret TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT
      );
      CREATE INDEX signing_secrets_app ON signing_secrets (app_id);

      -- The outbox: one row per callback to send, written in the transaction of its event.
      CREATE TABLE deliveries (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        prev_seq BIGINT NOT NULL,
        event_row BIGINT NOT NULL REFERENCES room_events (id),
        command TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms BIGINT NOT NULL,
        created_ms BIGINT NOT NULL,
        done_ms BIGINT,
        last_error TEXT
      );
      CREATE INDEX deliveries_lane ON deliveries (app_id, room_id, seq);
      CREATE INDEX deliveries_lane_pending ON deliveries (app_id, room_id, seq) WHERE state = 'pending';
      CREATE INDEX deliveries_app_time ON deliveries (app_id, created_ms);

      CREATE TABLE delivery_attempts (
        delivery_id BIGINT NOT NULL,
        n INTEGER NOT NULL,
        started_ms BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        status INTEGER,
        error TEXT,
        reply TEXT,
        PRIMARY KEY (delivery_id, n)
      );

      -- One row per room that has had a callback. head_due_ms: when the lane's head (its pending
      -- delivery with the lowest sequence) is due, NULL when the lane is empty. A process sends a
      -- lane's head only while it holds the lane's lease (locked_by, locked_until), taken with
      -- FOR UPDATE SKIP LOCKED: one delivery of a room in flight at a time, across processes.
      CREATE TABLE delivery_lanes (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        head_due_ms BIGINT,
        locked_by TEXT,
        locked_until BIGINT,
        PRIMARY KEY (app_id, room_id)
      );
      CREATE INDEX delivery_lanes_due ON delivery_lanes (head_due_ms) WHERE head_due_ms IS NOT NULL;

      CREATE TABLE room_members (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        state TEXT NOT NULL,
        platform TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        since_ms BIGINT NOT NULL,
        node_id TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (app_id, room_id, user_id)
      );
      CREATE INDEX room_members_node ON room_members (node_id) WHERE state = 'online';

      CREATE TABLE gateway_nodes (
        node_id TEXT PRIMARY KEY,
        last_seen_ms BIGINT NOT NULL
      );
    `,
  },
];
