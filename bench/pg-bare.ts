import pg from "pg";
import { migratePg } from "../packages/server/src/store/pg-store.ts";
import { createDatabase } from "../packages/server/test/support/postgres.ts";
import { percentile } from "./support.ts";

export interface BareRow {
  writesPerSec: number;
  p50: number;
  p99: number;
}

/**
 * Section 6's baseline: a bare PostgreSQL client (node-postgres, no roomhook) doing the durable writes
 * of an owner change with its callback switched on: the owner update, the room's next sequence number,
 * the event and the outbox row, as one plain statement per change (a data-modifying CTE), from 16
 * connections, on roomhook's own schema and 1,000 rooms. What a write costs the engine with nothing
 * around it.
 */
export async function benchBarePg(o: { adminUrl: string; seconds: number }): Promise<BareRow> {
  const pool = new pg.Pool({ connectionString: await createDatabase(o.adminUrl, "bench_bare"), max: 16 });
  try {
    await migratePg(pool);
    await pool.query(
      `INSERT INTO rooms (app_id, room_id, owner, view_count, is_public, info)
       SELECT 1, 'r' || i, 'u0', 0, 1, '{}' FROM generate_series(0, 999) AS i`,
    );
    const text = `WITH o AS (UPDATE rooms SET owner = $3 WHERE app_id = $1 AND room_id = $2 RETURNING app_id, room_id),
      s AS (INSERT INTO room_sequences AS q (app_id, room_id, last_seq) SELECT app_id, room_id, 1 FROM o
            ON CONFLICT (app_id, room_id) DO UPDATE SET last_seq = q.last_seq + 1 RETURNING app_id, room_id, last_seq),
      e AS (INSERT INTO room_events (app_id, room_id, seq, event_id, command, time_ms, operator, platform, client_ip, packet)
            SELECT app_id, room_id, last_seq, $4, 'Live.CallbackAfterChangeOwner', $5, 'admin', 'RESTAPI', '127.0.0.1', $6 FROM s
            RETURNING id, app_id, room_id, seq, time_ms)
      INSERT INTO deliveries (app_id, room_id, seq, prev_seq, event_row, command, state, next_attempt_ms, created_ms)
      SELECT app_id, room_id, seq, seq - 1, id, 'Live.CallbackAfterChangeOwner', 'pending', time_ms, time_ms FROM e`;
    const latencies: number[] = [];
    let n = 0;
    const end = Date.now() + o.seconds * 1000;
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < end; i++) {
        const room = `r${(w * 61 + i * 16 + w) % 1000}`;
        const started = performance.now();
        const packet = JSON.stringify({
          CallbackCommand: "Live.CallbackAfterChangeOwner",
          RoomId: room,
          n: i,
        });
        await pool.query({
          name: "bare",
          text,
          values: [1, room, `u${i}`, `evt_${w}_${i}`, Date.now(), packet],
        });
        latencies.push(performance.now() - started);
        n++;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      writesPerSec: n / elapsed,
      p50: Math.round(percentile(latencies, 0.5) * 10) / 10,
      p99: Math.round(percentile(latencies, 0.99) * 10) / 10,
    };
  } finally {
    await pool.end();
  }
}
