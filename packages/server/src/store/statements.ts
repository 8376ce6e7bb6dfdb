/**
 * Every statement both stores run, written once. Placeholders are `?`, bound in order; the PostgreSQL
 * executor rewrites them to `$1, $2, …` and the SQLite executor drops `FOR UPDATE` (its single writer
 * holds the whole database for the transaction, so the row lock is implied). Where the engines differ
 * beyond that, the difference lives in the dialect (pg-store.ts: lane leases, notifications; the
 * SQLite writer thread), not in a second copy of a statement. `instr(a, b)` is SQLite's; PostgreSQL's
 * schema defines a function of that name (schema-pg.ts).
 *
 * Each entry's name is its prepared statement's name on both engines.
 */

export interface Statement {
  readonly name: string;
  readonly sql: string;
}

export function catalog<K extends string>(texts: Record<K, string>): Record<K, Statement> {
  const out = {} as Record<K, Statement>;
  for (const name of Object.keys(texts) as K[]) out[name] = { name, sql: texts[name] };
  return out;
}

/** Columns of a delivery as DeliveryRow reads them (rows.ts), from `deliveries d JOIN room_events e`. */
const DELIVERY = `d.id, d.app_id, d.room_id, d.seq, d.prev_seq, e.event_id, d.command, d.state, d.attempts,
  d.next_attempt_ms, d.created_ms, d.done_ms, d.last_error`;
const DELIVERY_FROM = `FROM deliveries d JOIN room_events e ON e.id = d.event_row`;
const ROOM = `room_id, owner, view_count, is_public, info`;
const EVENT = `app_id, room_id, seq, event_id, time_ms, operator, platform, client_ip, packet`;
const MEMBER = `user_id, state, platform, client_ip, since_ms, node_id, is_robot`;
const SEAT = `seat_index, user_id, is_locked, is_video_locked, is_audio_locked`;
const READY = `id, app_id, room_id, seq, next_attempt_ms`;
/** Ids per batched read of deliveries to send (SQL.getDeliveriesToSend). */
export const TO_SEND_BATCH = 64;

export const SQL = catalog({
  // Rooms. In a write, the room's row is locked to the commit (PostgreSQL): a room's rules run one at
  // a time, across processes.
  getRoom: `SELECT ${ROOM} FROM rooms WHERE app_id = ? AND room_id = ?`,
  getRoomForUpdate: `SELECT ${ROOM} FROM rooms WHERE app_id = ? AND room_id = ? FOR UPDATE`,
  // The owner change's reads in one: the owner, and whether the new owner is banned at that second.
  getOwnerAndBan: `SELECT owner, CASE WHEN EXISTS (SELECT 1 FROM room_bans b WHERE b.app_id = r.app_id
    AND b.room_id = r.room_id AND b.user_id = ? AND b.banned_until > ?) THEN 1 ELSE 0 END AS banned
    FROM rooms r WHERE r.app_id = ? AND r.room_id = ? FOR UPDATE`,
  insertRoom: `INSERT INTO rooms (app_id, room_id, owner, view_count, is_public, info) VALUES (?, ?, ?, ?, ?, ?)`,
  updateRoom: `UPDATE rooms SET owner = ?, view_count = ?, is_public = ?, info = ? WHERE app_id = ? AND room_id = ?`,
  setOwner: `UPDATE rooms SET owner = ? WHERE app_id = ? AND room_id = ?`,
  deleteRoom: `DELETE FROM rooms WHERE app_id = ? AND room_id = ?`,
  deleteRoomAdmins: `DELETE FROM room_admins WHERE app_id = ? AND room_id = ?`,
  deleteRoomBans: `DELETE FROM room_bans WHERE app_id = ? AND room_id = ?`,
  deleteRoomMembers: `DELETE FROM room_members WHERE app_id = ? AND room_id = ?`,
  deleteRoomMutes: `DELETE FROM room_mutes WHERE app_id = ? AND room_id = ?`,
  deleteRoomMetadata: `DELETE FROM room_metadata WHERE app_id = ? AND room_id = ?`,
  deleteRoomSeats: `DELETE FROM room_seats WHERE app_id = ? AND room_id = ?`,
  deleteRoomApplications: `DELETE FROM seat_applications WHERE app_id = ? AND room_id = ?`,
  countRooms: `SELECT count(*) AS n FROM rooms WHERE app_id = ?`,
  // An entry counts a viewer (ViewCount, destroy_room's TotalViewers) and the room is no longer empty.
  roomEntered: `UPDATE rooms SET view_count = view_count + ?, empty_since_ms = NULL WHERE app_id = ? AND room_id = ?`,
  // The room became empty: nobody (and no robot) online in it any more. The first moment stays.
  roomLeft: `UPDATE rooms SET empty_since_ms = ? WHERE app_id = ? AND room_id = ? AND empty_since_ms IS NULL
    AND NOT EXISTS (SELECT 1 FROM room_members m WHERE m.app_id = rooms.app_id AND m.room_id = rooms.room_id
    AND m.state = 'online')`,
  countMessage: `UPDATE rooms SET msg_count = msg_count + 1 WHERE app_id = ? AND room_id = ? RETURNING msg_count`,
  // A room's counters and since when it is empty (NULL: someone is in it, or nobody ever was).
  getRoomCounters: `SELECT view_count, msg_count, empty_since_ms FROM rooms WHERE app_id = ? AND room_id = ?`,
  listEmptyRooms: `SELECT room_id FROM rooms WHERE app_id = ? AND empty_since_ms IS NOT NULL AND empty_since_ms <= ?
    ORDER BY empty_since_ms, room_id LIMIT ?`,
  // Rooms whose owner's connection has been lost since before the moment (they are offline in it).
  listOwnerAbsentRooms: `SELECT r.room_id FROM rooms r JOIN room_members m ON m.app_id = r.app_id
    AND m.room_id = r.room_id AND m.user_id = r.owner
    WHERE r.app_id = ? AND m.state = 'offline' AND m.since_ms <= ? AND m.is_robot = 0 ORDER BY m.since_ms, r.room_id LIMIT ?`,
  listPublicFirst: `SELECT ${ROOM} FROM rooms WHERE app_id = ? AND is_public = 1
    ORDER BY view_count DESC, room_id LIMIT ?`,
  listPublicAfter: `SELECT ${ROOM} FROM rooms WHERE app_id = ? AND is_public = 1
    AND (view_count < ? OR (view_count = ? AND room_id > ?)) ORDER BY view_count DESC, room_id LIMIT ?`,

  // Admins and bans.
  listAdmins: `SELECT user_id FROM room_admins WHERE app_id = ? AND room_id = ? ORDER BY user_id`,
  addAdmin: `INSERT INTO room_admins (app_id, room_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  removeAdmin: `DELETE FROM room_admins WHERE app_id = ? AND room_id = ? AND user_id = ?`,
  listBans: `SELECT user_id, banned_until, reason FROM room_bans
    WHERE app_id = ? AND room_id = ? AND banned_until > ? ORDER BY user_id LIMIT ? OFFSET ?`,
  isBanned: `SELECT 1 AS banned FROM room_bans WHERE app_id = ? AND room_id = ? AND user_id = ? AND banned_until > ?`,
  putBan: `INSERT INTO room_bans (app_id, room_id, user_id, banned_until, reason) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET banned_until = excluded.banned_until, reason = excluded.reason`,
  removeBan: `DELETE FROM room_bans WHERE app_id = ? AND room_id = ? AND user_id = ?`,

  // Room events and the outbox append (the append_event group below). The statements of an append
  // depend on each other only through the database, not through the client.
  nextSeq: `INSERT INTO room_sequences (app_id, room_id, last_seq) VALUES (?, ?, 1)
    ON CONFLICT (app_id, room_id) DO UPDATE SET last_seq = room_sequences.last_seq + 1 RETURNING last_seq`,
  insertEvent: `INSERT INTO room_events (app_id, room_id, seq, event_id, command, time_ms, operator, platform, client_ip, packet)
    SELECT app_id, room_id, last_seq, ?, ?, ?, ?, ?, ?, ? FROM room_sequences WHERE app_id = ? AND room_id = ?`,
  // The switch: the command is in the enabled configuration's list (a JSON array of strings; the
  // quoted name matches whole names only). prev_seq: the room's previous callback to this app.
  insertDelivery: `INSERT INTO deliveries (app_id, room_id, seq, prev_seq, event_row, command, state, next_attempt_ms, created_ms)
    SELECT e.app_id, e.room_id, e.seq,
      COALESCE((SELECT max(p.seq) FROM deliveries p WHERE p.app_id = e.app_id AND p.room_id = e.room_id), 0),
      e.id, e.command, 'pending', e.time_ms, e.time_ms
    FROM room_sequences s JOIN room_events e ON e.app_id = s.app_id AND e.room_id = s.room_id AND e.seq = s.last_seq
    WHERE s.app_id = ? AND s.room_id = ? AND EXISTS (
      SELECT 1 FROM callback_configs c WHERE c.app_id = s.app_id AND c.disabled_reason IS NULL
      AND instr(c.commands, ?) > 0)
    RETURNING id`,
  listEvents: `SELECT ${EVENT} FROM room_events WHERE app_id = ? AND room_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  listEventsSinceRow: `SELECT ${EVENT} FROM room_events
    WHERE app_id = ? AND room_id = ? AND seq < ? AND id > ? ORDER BY seq`,
  lastEventRow: `SELECT COALESCE(max(id), 0) AS id FROM room_events`,
  // The console's reads (roomhook_room): a room's events of one command (its owner history), the app's
  // events after a row id (the live tail; newest first without one), rooms whose id contains a text.
  listRoomEventsOf: `SELECT ${EVENT} FROM room_events WHERE app_id = ? AND room_id = ? AND command = ? AND seq > ?
    ORDER BY seq LIMIT ?`,
  listAppEventsAfter: `SELECT id, ${EVENT} FROM room_events WHERE app_id = ? AND id > ? ORDER BY id LIMIT ?`,
  listAppEventsLatest: `SELECT id, ${EVENT} FROM room_events WHERE app_id = ? ORDER BY id DESC LIMIT ?`,
  searchRooms: `SELECT ${ROOM} FROM rooms WHERE app_id = ? AND instr(room_id, ?) > 0 AND room_id > ?
    ORDER BY room_id LIMIT ?`,

  // Members and gateway nodes.
  getMember: `SELECT ${MEMBER} FROM room_members WHERE app_id = ? AND room_id = ? AND user_id = ?`,
  putMember: `INSERT INTO room_members (app_id, room_id, user_id, state, platform, client_ip, since_ms, node_id, is_robot)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET state = excluded.state, platform = excluded.platform,
    client_ip = excluded.client_ip, since_ms = excluded.since_ms, node_id = excluded.node_id,
    is_robot = excluded.is_robot`,
  removeMember: `DELETE FROM room_members WHERE app_id = ? AND room_id = ? AND user_id = ?`,
  listMembers: `SELECT ${MEMBER} FROM room_members WHERE app_id = ? AND room_id = ? AND state = 'online'
    AND user_id > ? ORDER BY user_id LIMIT ?`,
  countMembers: `SELECT count(*) AS n FROM room_members WHERE app_id = ? AND room_id = ? AND state = 'online'`,

  // Mutes (mute_member): a muted member cannot send messages in the room until then.
  getMute: `SELECT muted_until FROM room_mutes WHERE app_id = ? AND room_id = ? AND user_id = ? AND muted_until > ?`,
  listMutes: `SELECT user_id, muted_until FROM room_mutes WHERE app_id = ? AND room_id = ? AND muted_until > ?
    ORDER BY user_id LIMIT ? OFFSET ?`,
  putMute: `INSERT INTO room_mutes (app_id, room_id, user_id, muted_until) VALUES (?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET muted_until = excluded.muted_until`,
  removeMute: `DELETE FROM room_mutes WHERE app_id = ? AND room_id = ? AND user_id = ?`,

  // Room metadata (set_room_metadata): at most a few keys per room, read whole.
  listMetadata: `SELECT meta_key, value FROM room_metadata WHERE app_id = ? AND room_id = ? ORDER BY meta_key`,
  putMetadata: `INSERT INTO room_metadata (app_id, room_id, meta_key, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, meta_key) DO UPDATE SET value = excluded.value`,
  removeMetadata: `DELETE FROM room_metadata WHERE app_id = ? AND room_id = ? AND meta_key = ?`,

  // Seats: rows for seats taken or locked only; applications wait for the owner or an admin.
  listSeats: `SELECT ${SEAT} FROM room_seats WHERE app_id = ? AND room_id = ? ORDER BY seat_index`,
  putSeat: `INSERT INTO room_seats (app_id, room_id, ${SEAT}) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, seat_index) DO UPDATE SET user_id = excluded.user_id,
    is_locked = excluded.is_locked, is_video_locked = excluded.is_video_locked,
    is_audio_locked = excluded.is_audio_locked`,
  removeSeat: `DELETE FROM room_seats WHERE app_id = ? AND room_id = ? AND seat_index = ?`,
  listApplications: `SELECT user_id, seat_index, created_ms FROM seat_applications WHERE app_id = ? AND room_id = ?
    ORDER BY created_ms, user_id`,
  putApplication: `INSERT INTO seat_applications (app_id, room_id, user_id, seat_index, created_ms) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET seat_index = excluded.seat_index, created_ms = excluded.created_ms`,
  removeApplication: `DELETE FROM seat_applications WHERE app_id = ? AND room_id = ? AND user_id = ?`,

  // The outbox at a glance (GET /metrics): pending (its partial index) and dead deliveries.
  outboxStats: `SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending') AS pending,
    (SELECT count(*) FROM deliveries WHERE state = 'dead') AS dead,
    (SELECT min(created_ms) FROM deliveries WHERE state = 'pending') AS oldest`,

  // Before-callbacks asked, with their decision (the before-callbacks' delivery log), newest first.
  insertBeforeCallback: `INSERT INTO before_callbacks (app_id, room_id, command, event_id, packet, started_ms,
    duration_ms, status, error, reply, decision, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  listBeforeCallbacks: `SELECT id, app_id, room_id, command, event_id, packet, started_ms, duration_ms, status, error,
    reply, decision, code FROM before_callbacks WHERE app_id = ?
    AND (CAST(? AS TEXT) IS NULL OR room_id = ?)
    AND (CAST(? AS TEXT) IS NULL OR command = ?)
    AND (CAST(? AS BIGINT) IS NULL OR id < ?)
    ORDER BY id DESC LIMIT ?`,

  // Gifts: the app's catalog (one document), and what was sent in each room.
  getGiftCatalog: `SELECT catalog FROM gift_catalogs WHERE app_id = ?`,
  putGiftCatalog: `INSERT INTO gift_catalogs (app_id, catalog) VALUES (?, ?)
    ON CONFLICT (app_id) DO UPDATE SET catalog = excluded.catalog`,
  addRoomGift: `INSERT INTO room_gifts (app_id, room_id, from_account, to_account, gift_count, coins) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (app_id, room_id, from_account, to_account) DO UPDATE SET
    gift_count = room_gifts.gift_count + excluded.gift_count, coins = room_gifts.coins + excluded.coins`,
  // A NULL receiver: the whole room.
  giftStats: `SELECT CAST(COALESCE(sum(gift_count), 0) AS BIGINT) AS gifts, CAST(COALESCE(sum(coins), 0) AS BIGINT) AS coins,
    count(DISTINCT from_account) AS senders FROM room_gifts
    WHERE app_id = ? AND room_id = ? AND (CAST(? AS TEXT) IS NULL OR to_account = ?)`,
  deleteRoomGifts: `DELETE FROM room_gifts WHERE app_id = ? AND room_id = ?`,

  // Battles: one row each (the battle a JSON document), and the battle each room is in.
  getBattle: `SELECT battle FROM battles WHERE app_id = ? AND battle_id = ?`,
  putBattle: `INSERT INTO battles (app_id, battle_id, state, end_ms, battle) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (app_id, battle_id) DO UPDATE SET state = excluded.state, end_ms = excluded.end_ms,
    battle = excluded.battle`,
  listDueBattles: `SELECT app_id, battle_id FROM battles WHERE state = 'started' AND end_ms <= ?
    ORDER BY end_ms, app_id, battle_id LIMIT ?`,
  getRoomBattle: `SELECT battle_id FROM battle_rooms WHERE app_id = ? AND room_id = ?`,
  putRoomBattle: `INSERT INTO battle_rooms (app_id, room_id, battle_id) VALUES (?, ?, ?)
    ON CONFLICT (app_id, room_id) DO UPDATE SET battle_id = excluded.battle_id`,
  removeRoomBattle: `DELETE FROM battle_rooms WHERE app_id = ? AND room_id = ? AND battle_id = ?`,

  // Chat accounts and their profile.
  getAccount: `SELECT user_id, nick, face_url, tags, created_ms FROM accounts WHERE app_id = ? AND user_id = ?`,
  putAccount: `INSERT INTO accounts (app_id, user_id, nick, face_url, tags, created_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (app_id, user_id) DO UPDATE SET nick = excluded.nick, face_url = excluded.face_url,
    tags = excluded.tags`,
  removeAccount: `DELETE FROM accounts WHERE app_id = ? AND user_id = ?`,
  touchNode: `INSERT INTO gateway_nodes (node_id, last_seen_ms) VALUES (?, ?)
    ON CONFLICT (node_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms`,
  listDeadNodes: `SELECT node_id, stopped_ms FROM gateway_nodes WHERE last_seen_ms < ? ORDER BY node_id`,
  stopNode: `UPDATE gateway_nodes SET stopped_ms = ?, last_seen_ms = ? WHERE node_id = ?`,
  listNodeMembers: `SELECT app_id, room_id, user_id FROM room_members WHERE node_id = ? AND state = 'online'
    ORDER BY app_id, room_id, user_id`,
  deleteNode: `DELETE FROM gateway_nodes WHERE node_id = ?`,

  // Callback settings.
  getConfig: `SELECT url, commands, disabled_reason, disabled_ms FROM callback_configs WHERE app_id = ?`,
  putConfig: `INSERT INTO callback_configs (app_id, url, commands, updated_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, commands = excluded.commands,
    updated_ms = excluded.updated_ms, disabled_reason = NULL, disabled_ms = NULL`,
  deleteConfig: `DELETE FROM callback_configs WHERE app_id = ?`,
  disableConfig: `UPDATE callback_configs SET disabled_reason = ?, disabled_ms = ? WHERE app_id = ?`,
  getToken: `SELECT token, enabled FROM callback_tokens WHERE app_id = ?`,
  putToken: `INSERT INTO callback_tokens (app_id, token, enabled) VALUES (?, ?, ?)
    ON CONFLICT (app_id) DO UPDATE SET token = excluded.token, enabled = excluded.enabled`,
  listSecrets: `SELECT secret, created_ms, expires_ms FROM signing_secrets
    WHERE app_id = ? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY id DESC`,
  expireSecrets: `UPDATE signing_secrets SET expires_ms = ? WHERE app_id = ? AND (expires_ms IS NULL OR expires_ms > ?)`,
  addSecret: `INSERT INTO signing_secrets (app_id, secret, created_ms) VALUES (?, ?, ?)`,
  deleteSecrets: `DELETE FROM signing_secrets WHERE app_id = ?`,

  // Deliveries and attempts.
  getDelivery: `SELECT ${DELIVERY} ${DELIVERY_FROM} WHERE d.app_id = ? AND d.id = ?`,
  getDeliveryToSend: `SELECT ${DELIVERY}, e.packet, e.client_ip, e.platform ${DELIVERY_FROM} WHERE d.id = ?`,
  // The dispatcher's batched read: up to TO_SEND_BATCH ids, the unused ones bound to NULL (one
  // prepared statement on both engines, whatever the batch's size).
  getDeliveriesToSend: `SELECT ${DELIVERY}, e.packet, e.client_ip, e.platform ${DELIVERY_FROM}
    WHERE d.id IN (${Array.from({ length: TO_SEND_BATCH }, () => "?").join(", ")})`,
  // Each filter is bound twice: NULL switches it off. Newest first, paged by id.
  listDeliveries: `SELECT ${DELIVERY} ${DELIVERY_FROM} WHERE d.app_id = ?
    AND (CAST(? AS TEXT) IS NULL OR d.state = ?)
    AND (CAST(? AS TEXT) IS NULL OR d.room_id = ?)
    AND (CAST(? AS TEXT) IS NULL OR d.command = ?)
    AND (CAST(? AS BIGINT) IS NULL OR d.created_ms >= ?)
    AND (CAST(? AS BIGINT) IS NULL OR d.created_ms < ?)
    AND (CAST(? AS BIGINT) IS NULL OR d.id < ?)
    ORDER BY d.id DESC LIMIT ?`,
  listAttempts: `SELECT n, started_ms, duration_ms, status, error, reply FROM delivery_attempts
    WHERE delivery_id = ? ORDER BY n`,
  // The app's attempts started from a moment, newest first, with their delivery (the console's live
  // tail; delivery_attempts_started serves the order).
  listRecentAttempts: `SELECT a.delivery_id, a.n, a.started_ms, a.duration_ms, a.status, a.error, a.reply,
    d.room_id, d.seq, d.command, d.state, e.event_id FROM delivery_attempts a
    JOIN deliveries d ON d.id = a.delivery_id JOIN room_events e ON e.id = d.event_row
    WHERE d.app_id = ? AND a.started_ms >= ? ORDER BY a.started_ms DESC, a.delivery_id DESC, a.n DESC LIMIT ?`,
  listPending: `SELECT ${READY} FROM deliveries WHERE state = 'pending' ORDER BY id`,
  listRoomCallbacks: `SELECT ${DELIVERY}, e.packet ${DELIVERY_FROM}
    WHERE d.app_id = ? AND d.room_id = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
  // Two processes may both have sent an attempt (a lease that ran out): the first record of an attempt
  // number stands.
  insertAttempt: `INSERT INTO delivery_attempts (delivery_id, n, started_ms, duration_ms, status, error, reply)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  // Only a pending delivery is rescheduled or ended by a failure; a delivery ended meanwhile (its
  // configuration was disabled: dead) becomes delivered when its attempt in flight succeeded, since
  // the receiver has it (docs/delivery.md).
  // One statement for the three outcomes: the next state is 'pending', 'delivered' or 'dead'.
  setOutcome: `UPDATE deliveries SET attempts = ?,
      state = CASE WHEN ? = 'pending' THEN state ELSE ? END,
      next_attempt_ms = COALESCE(?, next_attempt_ms),
      done_ms = CASE WHEN ? = 'pending' THEN done_ms ELSE ? END,
      last_error = ?
    WHERE id = ? AND (state = 'pending' OR (? = 'delivered' AND state <> 'delivered'))`,
  redeliver: `UPDATE deliveries SET state = 'pending', next_attempt_ms = ?, done_ms = NULL
    WHERE app_id = ? AND id = ? AND state <> 'pending' RETURNING ${READY}`,
  redeliverDead: `UPDATE deliveries SET state = 'pending', next_attempt_ms = ?, done_ms = NULL
    WHERE app_id = ? AND state = 'dead' AND created_ms >= ? AND created_ms < ? RETURNING ${READY}`,
  killPending: `UPDATE deliveries SET state = 'dead', done_ms = ?, last_error = ? WHERE app_id = ? AND state = 'pending'`,

  // Retention (retention.ts). A batch looks at a window: the next rows by id after the last batch's
  // (a range of the primary key, however many of them must stay); of those it removes what is old
  // enough and needed by nothing. Ids follow commit order, so the window's newest time tells when a
  // pass over the table is over. Each table keeps its highest id: SQLite hands out max(id) + 1 and
  // would give a removed id again (an id a receiver or a cursor may still hold).
  deliveriesWindow: `SELECT count(*) AS n, max(id) AS last_id, max(created_ms) AS newest
    FROM (SELECT id, created_ms FROM deliveries WHERE id > ? ORDER BY id LIMIT ?) w`,
  // Never a pending delivery, nor the last of its room: the room's next delivery takes its
  // PreviousSequence from it (insertDelivery's max(seq)). The last is also the highest id.
  pruneDeliveries: `DELETE FROM deliveries WHERE id > ? AND id <= ?
    AND ((state = 'delivered' AND done_ms < ?) OR (state = 'dead' AND done_ms < ?))
    AND seq < (SELECT max(p.seq) FROM deliveries p WHERE p.app_id = deliveries.app_id AND p.room_id = deliveries.room_id)`,
  // The attempts of the window's deliveries that are gone.
  pruneAttempts: `DELETE FROM delivery_attempts WHERE delivery_id > ? AND delivery_id <= ?
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = delivery_attempts.delivery_id)`,
  eventsWindow: `SELECT count(*) AS n, max(id) AS last_id, max(time_ms) AS newest
    FROM (SELECT id, time_ms FROM room_events WHERE id > ? ORDER BY id LIMIT ?) w`,
  // Never an event a delivery still shows (its body), nor a room's last: the room's latest state for
  // whoever catches up, and the highest id. An event never gains a delivery after its commit.
  pruneEvents: `DELETE FROM room_events WHERE id > ? AND id <= ? AND time_ms < ?
    AND seq < (SELECT s.last_seq FROM room_sequences s WHERE s.app_id = room_events.app_id AND s.room_id = room_events.room_id)
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row = room_events.id)`,
  beforeCallbacksWindow: `SELECT count(*) AS n, max(id) AS last_id, max(started_ms) AS newest
    FROM (SELECT id, started_ms FROM before_callbacks WHERE id > ? ORDER BY id LIMIT ?) w`,
  pruneBeforeCallbacks: `DELETE FROM before_callbacks WHERE id > ? AND id <= ? AND started_ms < ?
    AND id < (SELECT max(b.id) FROM before_callbacks b)`,

  // Shared lanes (PostgreSQL's delivery_lanes). After an append that made a delivery (the room's last
  // event has one), an empty lane gets the new head's due time; a lane with a head keeps it.
  laneAppended: `INSERT INTO delivery_lanes AS l (app_id, room_id, head_due_ms)
    SELECT d.app_id, d.room_id, d.next_attempt_ms FROM room_sequences s
    JOIN deliveries d ON d.app_id = s.app_id AND d.room_id = s.room_id AND d.seq = s.last_seq
    WHERE s.app_id = ? AND s.room_id = ?
    ON CONFLICT (app_id, room_id) DO UPDATE SET head_due_ms = COALESCE(l.head_due_ms, excluded.head_due_ms)`,
  // After an attempt's record: its lane is given back (roomhook_refresh_lane, schema-pg.ts).
  laneAttempted: `SELECT roomhook_refresh_lane(app_id, room_id, ?, true) FROM deliveries WHERE id = ?`,
  // What an append wrote: the room's sequence number and the delivery it made, if any.
  appended: `SELECT s.last_seq AS seq, d.id AS delivery, d.prev_seq FROM room_sequences s
    LEFT JOIN deliveries d ON d.app_id = s.app_id AND d.room_id = s.room_id AND d.seq = s.last_seq
    WHERE s.app_id = ? AND s.room_id = ?`,
  // What a group returns when it has nothing to return.
  nothing: `SELECT 1 AS done`,

  // The migration runner's bookkeeping (migrate.ts).
  appliedMigrations: `SELECT version FROM schema_migrations`,
  recordMigration: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,

  // The key generated for the single app of an environment without ROOMHOOK_SECRET_KEY (secret-key.ts).
  putAppKey: `INSERT INTO app_keys (app_id, secret_key, created_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  getAppKey: `SELECT secret_key FROM app_keys WHERE app_id = ?`,
});

export type StatementName = keyof typeof SQL;

/**
 * Statements that always run together, in order, and depend on each other only through the database:
 * SQLite runs them one after the other; PostgreSQL calls them as one function made from this very
 * text (pgGroupFunction), so they cost one statement on the wire and one round trip. Each step binds
 * group parameters by name; a step marked `sharedLanes` runs only where lanes are shared (PostgreSQL).
 */
export interface StatementGroup {
  readonly name: string;
  /** `name TYPE` of each parameter, in call order (the types are PostgreSQL's). */
  readonly params: readonly string[];
  readonly steps: readonly { s: Statement; args: readonly number[]; sharedLanes?: boolean }[];
  /** The last statement, whose rows the group returns, with `columns` as `name TYPE, …`. */
  readonly result: { s: Statement; args: readonly number[] };
  readonly columns: string;
}

function group(
  name: string,
  params: string[],
  steps: [Statement, string[], "sharedLanes"?][],
  result: [Statement, string[]],
  columns: string,
): StatementGroup {
  const index = (n: string) => {
    const i = params.findIndex((p) => p.split(" ")[0] === n);
    if (i < 0) throw new Error(`group ${name}: no parameter ${n}`);
    return i;
  };
  const bind = (s: Statement, names: string[]) => {
    const holes = (s.sql.match(/\?/g) ?? []).length;
    if (holes !== names.length)
      throw new Error(`group ${name}: ${s.name} has ${holes} placeholders, ${names.length} names`);
    return names.map(index);
  };
  return {
    name,
    params,
    steps: steps.map(([s, names, lanes]) => ({
      s,
      args: bind(s, names),
      ...(lanes === undefined ? {} : { sharedLanes: true }),
    })),
    result: { s: result[0], args: bind(...result) },
    columns,
  };
}

const APPEND_PARAMS = [
  "app BIGINT",
  "room TEXT",
  "event_id TEXT",
  "command TEXT",
  "time BIGINT",
  "operator TEXT",
  "platform TEXT",
  "ip TEXT",
  "packet TEXT",
  "quoted TEXT",
];
const APPEND_STEPS: [Statement, string[], "sharedLanes"?][] = [
  [SQL.nextSeq, ["app", "room"]],
  [SQL.insertEvent, ["event_id", "command", "time", "operator", "platform", "ip", "packet", "app", "room"]],
  [SQL.insertDelivery, ["app", "room", "quoted"]],
  [SQL.laneAppended, ["app", "room"], "sharedLanes"],
];

export const GROUPS = {
  /** The outbox append (StoreTx.appendEvent): sequence number, event, delivery when switched on, lane. */
  appendEvent: group(
    "append_event",
    APPEND_PARAMS,
    APPEND_STEPS,
    [SQL.appended, ["app", "room"]],
    "seq BIGINT, delivery BIGINT, prev_seq BIGINT",
  ),
  /** The owner change's writes (StoreTx.transferRoom): the owner, the admins, then the append. */
  transferRoom: group(
    "transfer_room",
    [...APPEND_PARAMS, "new_owner TEXT"],
    [
      [SQL.setOwner, ["new_owner", "app", "room"]],
      [SQL.removeAdmin, ["app", "room", "new_owner"]],
      ...APPEND_STEPS,
    ],
    [SQL.appended, ["app", "room"]],
    "seq BIGINT, delivery BIGINT, prev_seq BIGINT",
  ),
  /** An attempt, the delivery's next state, and (shared lanes) its lane given back. */
  recordAttempt: group(
    "record_attempt",
    [
      "id BIGINT",
      "n INTEGER",
      "started BIGINT",
      "duration BIGINT",
      "status INTEGER",
      "error TEXT",
      "reply TEXT",
      "next TEXT",
      "next_ms BIGINT",
      "done BIGINT",
      "last_error TEXT",
      "node TEXT",
    ],
    [
      [SQL.insertAttempt, ["id", "n", "started", "duration", "status", "error", "reply"]],
      [SQL.setOutcome, ["n", "next", "next", "next_ms", "next", "done", "last_error", "id", "next"]],
      [SQL.laneAttempted, ["node", "id"], "sharedLanes"],
    ],
    [SQL.nothing, []],
    "done INTEGER",
  ),
};

/** A group's PostgreSQL function name: the text's hash is in it, so a changed group is a new function. */
export function pgGroupName(g: StatementGroup): string {
  return `roomhook_${g.name}_${fnv1a(pgGroupBody(g))}`;
}

/** The group as PostgreSQL runs it: its statements in order, each `?` bound to the function's `$n`. */
function pgGroupBody(g: StatementGroup): string {
  const text = (st: { s: Statement; args: readonly number[] }) => {
    let i = 0;
    return st.s.sql.replace(/\?/g, () => `$${(st.args[i++] ?? 0) + 1}`);
  };
  return [...g.steps.map(text), text(g.result)].join(";\n");
}

export function pgGroupFunction(g: StatementGroup): string {
  const types = g.params.map((p) => p.split(" ")[1]).join(", ");
  return `CREATE OR REPLACE FUNCTION ${pgGroupName(g)}(${types}) RETURNS TABLE (${g.columns})
    LANGUAGE sql VOLATILE AS $group$\n${pgGroupBody(g)}\n$group$`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (no statement here has a `?` inside a literal). */
export function toPostgres(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** SQLite's single writer holds the database for the whole transaction: row locks are implied. */
export function toSqlite(sql: string): string {
  return sql.replace(/\s+FOR UPDATE\s*$/, "");
}
