import type { Migration } from "./migrate.ts";

/**
 * PostgreSQL schema: the same tables, columns and indexes as SQLite's (schema-sqlite.ts; a test
 * compares them after migration), plus what several processes need to share the work: delivery lanes
 * with leases, and the key generated for an environment's app. Numbered, forward-only (migrate.ts).
 * Version 1 once also created functions for the outbox append, the attempt record and the lane claim;
 * the first two are now statement groups of the shared catalog (statements.ts), the claim is version
 * 3's, and versions 2 and 3 drop the old ones where they exist.
 */
export const pgMigrations: Migration[] = [
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

      -- Hot paths as functions: one round trip instead of several. In READ COMMITTED each statement of
      -- a (volatile) function takes a new snapshot, which the lane functions rely on.

      -- Sets a lane's due time from its head (lowest pending sequence), after locking the lane, so the
      -- head is read with every append committed before the lock was ours. With p_release, the lease
      -- ends too, if it is p_node's (or nobody's): a lease that ran out and passed on is not touched.
      CREATE FUNCTION roomhook_refresh_lane(p_app BIGINT, p_room TEXT, p_node TEXT, p_release BOOLEAN)
      RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT p_release THEN
          INSERT INTO delivery_lanes (app_id, room_id, head_due_ms) VALUES (p_app, p_room, NULL)
            ON CONFLICT DO NOTHING;
        END IF;
        PERFORM 1 FROM delivery_lanes WHERE app_id = p_app AND room_id = p_room FOR UPDATE;
        UPDATE delivery_lanes l SET
          head_due_ms = (SELECT d.next_attempt_ms FROM deliveries d
                         WHERE d.app_id = p_app AND d.room_id = p_room AND d.state = 'pending'
                         ORDER BY d.seq LIMIT 1),
          locked_by = CASE WHEN p_release THEN NULL ELSE l.locked_by END,
          locked_until = CASE WHEN p_release THEN NULL ELSE l.locked_until END
        WHERE l.app_id = p_app AND l.room_id = p_room
          AND (NOT p_release OR l.locked_by = p_node OR l.locked_by IS NULL);
      END $$;

      -- The key generated for the environment's single app when none is configured: one for every
      -- process sharing the database (SQLite keeps it in <data>/secret-key).
      CREATE TABLE app_keys (
        app_id BIGINT PRIMARY KEY,
        secret_key TEXT NOT NULL,
        created_ms BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "shared statement catalog: instr(), batch locks, the same indexes as SQLite",
    sql: `
      DROP FUNCTION IF EXISTS roomhook_append_event(BIGINT, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT);
      DROP FUNCTION IF EXISTS roomhook_record_attempt(BIGINT, INTEGER, BIGINT, BIGINT, INTEGER, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT);

      -- SQLite's instr(), which the shared statements use (the position of b in a, from 1; 0 if absent).
      CREATE FUNCTION instr(a TEXT, b TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT strpos(a, b) $$;

      -- A batch of commands takes the advisory locks of every key it touches (rooms, an app's settings)
      -- at its start, in one sorted order: two batches never wait for each other in a circle.
      CREATE FUNCTION roomhook_lock_keys(p_keys TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        k BIGINT;
      BEGIN
        FOR k IN SELECT DISTINCT hashtextextended(x, 0) AS h FROM unnest(p_keys) AS x ORDER BY h LOOP
          PERFORM pg_advisory_xact_lock(k);
        END LOOP;
      END $$;

      CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
    `,
  },
  {
    version: 3,
    name: "a claim hands out its heads whole: what the sender needs, without a read per delivery",
    sql: `
      DROP FUNCTION IF EXISTS roomhook_claim_lanes(BIGINT, INTEGER, TEXT, BIGINT);

      -- Leases up to p_limit due lanes no process holds, then reads their heads in a statement of its
      -- own: its snapshot is taken once the leases are ours, so a head recorded a moment before is
      -- not handed out again. A head comes with its event's body and origin; a lane without a pending
      -- head comes back with NULLs (the caller gives it back).
      CREATE FUNCTION roomhook_claim_heads(p_now BIGINT, p_limit INTEGER, p_node TEXT, p_until BIGINT)
      RETURNS TABLE (lane_app BIGINT, lane_room TEXT, id BIGINT, app_id BIGINT, room_id TEXT, seq BIGINT,
        prev_seq BIGINT, event_id TEXT, command TEXT, state TEXT, attempts INTEGER, next_attempt_ms BIGINT,
        created_ms BIGINT, done_ms BIGINT, last_error TEXT, packet TEXT, client_ip TEXT, platform TEXT)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_apps BIGINT[];
        v_rooms TEXT[];
      BEGIN
        WITH c AS (
          SELECT l.app_id, l.room_id FROM delivery_lanes l
          WHERE l.head_due_ms <= p_now AND (l.locked_until IS NULL OR l.locked_until <= p_now)
          ORDER BY l.head_due_ms LIMIT p_limit FOR UPDATE SKIP LOCKED
        ), u AS (
          UPDATE delivery_lanes dl SET locked_by = p_node, locked_until = p_until
          FROM c WHERE dl.app_id = c.app_id AND dl.room_id = c.room_id
          RETURNING dl.app_id, dl.room_id
        )
        SELECT array_agg(u.app_id), array_agg(u.room_id) INTO v_apps, v_rooms FROM u;
        IF v_apps IS NULL THEN
          RETURN;
        END IF;
        RETURN QUERY
          SELECT x.a, x.r, h.id, h.app_id, h.room_id, h.seq, h.prev_seq, e.event_id, h.command, h.state,
            h.attempts, h.next_attempt_ms, h.created_ms, h.done_ms, h.last_error, e.packet, e.client_ip,
            e.platform
          FROM unnest(v_apps, v_rooms) AS x(a, r)
          LEFT JOIN LATERAL (
            SELECT d.* FROM deliveries d
            WHERE d.app_id = x.a AND d.room_id = x.r AND d.state = 'pending'
            ORDER BY d.seq LIMIT 1
          ) h ON true
          LEFT JOIN room_events e ON e.id = h.event_row;
      END $$;
    `,
  },
  {
    version: 4,
    name: "room state of the rest of Live's API: metadata, mutes, seats, robots, accounts, empty rooms",
    sql: `
      -- Set when the last member left a room, NULL while anyone (or a robot) is in it: the room is
      -- dissolved by the system when it stays empty for the app's window (room-sweeper.ts).
      ALTER TABLE rooms ADD COLUMN empty_since_ms BIGINT;
      -- Messages sent in the room (get_room_stats' TotalMsgCount).
      ALTER TABLE rooms ADD COLUMN msg_count BIGINT NOT NULL DEFAULT 0;
      CREATE INDEX rooms_empty ON rooms (empty_since_ms) WHERE empty_since_ms IS NOT NULL;
      ALTER TABLE room_members ADD COLUMN is_robot INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX room_members_offline ON room_members (since_ms) WHERE state = 'offline';

      CREATE TABLE room_mutes (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        muted_until BIGINT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      );

      CREATE TABLE room_metadata (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        meta_key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id, meta_key)
      );

      -- A seat without a row is free and unlocked: rows exist only for seats taken or locked.
      CREATE TABLE room_seats (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        seat_index INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        is_locked INTEGER NOT NULL,
        is_video_locked INTEGER NOT NULL,
        is_audio_locked INTEGER NOT NULL,
        PRIMARY KEY (app_id, room_id, seat_index)
      );

      CREATE TABLE seat_applications (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        seat_index INTEGER NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (app_id, room_id, user_id)
      );

      -- Chat accounts imported by the App backend (im_open_login_svc), with their profile.
      CREATE TABLE accounts (
        app_id BIGINT NOT NULL,
        user_id TEXT NOT NULL,
        nick TEXT NOT NULL,
        face_url TEXT NOT NULL,
        -- Other profile tags (portrait_set): a JSON object of tag to string or integer.
        tags TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (app_id, user_id)
      );
    `,
  },
  {
    version: 5,
    name: "before-callbacks: each one asked, with its decision; the app's gift catalog",
    sql: `
      -- Before-callbacks are asked synchronously and never retried: this is their delivery log.
      CREATE TABLE before_callbacks (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        command TEXT NOT NULL,
        event_id TEXT NOT NULL,
        packet TEXT NOT NULL,
        started_ms BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
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
        app_id BIGINT PRIMARY KEY,
        catalog TEXT NOT NULL
      );

      -- Battles (PK) between rooms: the battle as a document, its end, and each room's battle.
      CREATE TABLE battles (
        app_id BIGINT NOT NULL,
        battle_id TEXT NOT NULL,
        state TEXT NOT NULL,
        end_ms BIGINT NOT NULL,
        battle TEXT NOT NULL,
        PRIMARY KEY (app_id, battle_id)
      );
      CREATE INDEX battles_due ON battles (end_ms) WHERE state = 'started';
      CREATE TABLE battle_rooms (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        battle_id TEXT NOT NULL,
        PRIMARY KEY (app_id, room_id)
      );

      -- Gifts sent in a room, by sender and receiver: the room's gift statistics.
      CREATE TABLE room_gifts (
        app_id BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        from_account TEXT NOT NULL,
        to_account TEXT NOT NULL,
        gift_count BIGINT NOT NULL,
        coins BIGINT NOT NULL,
        PRIMARY KEY (app_id, room_id, from_account, to_account)
      );
    `,
  },
  {
    version: 6,
    name: "retention: a delivery's event by its row",
    sql: `
      -- Removing a room event checks that no delivery refers to it (the foreign key, and retention's
      -- own check): without this index each removed event would read the whole outbox.
      CREATE INDEX deliveries_event ON deliveries (event_row);
    `,
  },
  {
    version: 7,
    name: "the console's live tail: delivery attempts by time",
    sql: `
      -- roomhook_delivery/get_attempt_feed reads the newest attempts from a moment on.
      CREATE INDEX delivery_attempts_started ON delivery_attempts (started_ms);
    `,
  },
  {
    version: 8,
    name: "gateway nodes: a normal stop is recorded",
    sql: `
      -- A node that stopped normally is not a dead one: its members who do not reconnect elsewhere go
      -- offline by heartbeat timeout all the same, but nobody is warned of a crash.
      ALTER TABLE gateway_nodes ADD COLUMN stopped_ms BIGINT;
    `,
  },
];
