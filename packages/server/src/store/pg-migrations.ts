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

      -- Hot paths as functions: one round trip instead of several. In READ COMMITTED each statement of
      -- a (volatile) function takes a new snapshot, which the lane functions rely on.

      -- The outbox append (StoreTx.appendEvent): the room's next sequence number, the event, and, when
      -- its command is switched on now, its delivery and the lane's due time.
      CREATE FUNCTION roomhook_append_event(
        p_app BIGINT, p_room TEXT, p_event_id TEXT, p_command TEXT, p_time BIGINT,
        p_operator TEXT, p_platform TEXT, p_ip TEXT, p_packet TEXT,
        OUT o_seq BIGINT, OUT o_delivery BIGINT
      ) LANGUAGE plpgsql AS $$
      DECLARE
        v_event BIGINT;
        v_prev BIGINT;
      BEGIN
        INSERT INTO room_sequences AS s (app_id, room_id, last_seq) VALUES (p_app, p_room, 1)
          ON CONFLICT (app_id, room_id) DO UPDATE SET last_seq = s.last_seq + 1
          RETURNING s.last_seq INTO o_seq;
        INSERT INTO room_events (app_id, room_id, seq, event_id, command, time_ms, operator, platform, client_ip, packet)
          VALUES (p_app, p_room, o_seq, p_event_id, p_command, p_time, p_operator, p_platform, p_ip, p_packet)
          RETURNING id INTO v_event;
        o_delivery := NULL;
        -- The switch: the command is in the enabled configuration's list (a JSON array of strings).
        IF EXISTS (SELECT 1 FROM callback_configs c WHERE c.app_id = p_app AND c.disabled_reason IS NULL
                   AND strpos(c.commands, '"' || p_command || '"') > 0) THEN
          SELECT d.seq INTO v_prev FROM deliveries d WHERE d.app_id = p_app AND d.room_id = p_room
            ORDER BY d.seq DESC LIMIT 1;
          INSERT INTO deliveries (app_id, room_id, seq, prev_seq, event_row, command, state, next_attempt_ms, created_ms)
            VALUES (p_app, p_room, o_seq, COALESCE(v_prev, 0), v_event, p_command, 'pending', p_time, p_time)
            RETURNING id INTO o_delivery;
          -- An empty lane gets its new head's due time; a lane with a head keeps it.
          INSERT INTO delivery_lanes AS l (app_id, room_id, head_due_ms) VALUES (p_app, p_room, p_time)
            ON CONFLICT (app_id, room_id) DO UPDATE SET head_due_ms = COALESCE(l.head_due_ms, excluded.head_due_ms);
        END IF;
      END $$;

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

      -- Leases up to p_limit due lanes no process holds, then reads their heads in a statement of its
      -- own: its snapshot is taken once the leases are ours, so a head recorded a moment before is
      -- not handed out again.
      CREATE FUNCTION roomhook_claim_lanes(p_now BIGINT, p_limit INTEGER, p_node TEXT, p_until BIGINT)
      RETURNS TABLE (o_app BIGINT, o_room TEXT, o_id BIGINT, o_seq BIGINT, o_due BIGINT)
      LANGUAGE plpgsql AS $$
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
          SELECT x.a, x.r, h.id, h.seq, h.next_attempt_ms
          FROM unnest(v_apps, v_rooms) AS x(a, r)
          LEFT JOIN LATERAL (
            SELECT d.id, d.seq, d.next_attempt_ms FROM deliveries d
            WHERE d.app_id = x.a AND d.room_id = x.r AND d.state = 'pending'
            ORDER BY d.seq LIMIT 1
          ) h ON true;
      END $$;

      -- An attempt and the delivery's next state (StoreTx.recordAttempt), then its lane given back.
      -- Two processes may both have sent an attempt (a lease that ran out): the first record stands.
      CREATE FUNCTION roomhook_record_attempt(
        p_id BIGINT, p_n INTEGER, p_started BIGINT, p_duration BIGINT, p_status INTEGER, p_error TEXT,
        p_reply TEXT, p_state TEXT, p_next_ms BIGINT, p_last_error TEXT, p_node TEXT
      ) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        v_app BIGINT;
        v_room TEXT;
      BEGIN
        INSERT INTO delivery_attempts (delivery_id, n, started_ms, duration_ms, status, error, reply)
          VALUES (p_id, p_n, p_started, p_duration, p_status, p_error, p_reply) ON CONFLICT DO NOTHING;
        IF p_state = 'pending' THEN
          UPDATE deliveries SET attempts = p_n, next_attempt_ms = p_next_ms, last_error = p_last_error
            WHERE id = p_id AND state = 'pending';
        ELSE
          UPDATE deliveries SET attempts = p_n, state = p_state, done_ms = p_started + p_duration,
            last_error = p_last_error WHERE id = p_id AND state = 'pending';
        END IF;
        SELECT app_id, room_id INTO v_app, v_room FROM deliveries WHERE id = p_id;
        IF FOUND THEN
          PERFORM roomhook_refresh_lane(v_app, v_room, p_node, true);
        END IF;
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
];
