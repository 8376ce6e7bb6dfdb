/** Numbered, forward-only. Each runs once, in its own transaction, at start. */
export const sqliteMigrations: { version: number; name: string; sql: string }[] = [
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
];
