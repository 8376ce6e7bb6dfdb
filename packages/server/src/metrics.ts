import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * roomhook's Prometheus metrics (prom-client), one registry per server (several servers may share a
 * process in tests). `GET /metrics` answers `registry.metrics()` in Prometheus' text format.
 * Names follow Prometheus' conventions: seconds, `_total` counters.
 */
export interface Metrics {
  readonly registry: Registry;
  /** A REST call answered: its service and command (or "unknown"), and the ErrorCode it got. */
  httpRequest(service: string, command: string, code: number, seconds: number): void;
  /** A delivery attempt recorded: its outcome, how long it took, and (delivered) since its commit. */
  deliveryAttempt(
    command: string,
    outcome: "delivered" | "failed" | "dead",
    seconds: number,
    lagSeconds?: number,
  ): void;
  /** Pending deliveries ended (dead) without an attempt of their own: their app's configuration went. */
  deliveriesEnded(n: number): void;
  /** A durable commit of the store, with the number of write commands it carried (group commit). */
  storeCommit(commands: number): void;
  /** A retention pass: rows removed from each table. */
  retentionPass(removed: {
    deliveries: number;
    attempts: number;
    events: number;
    beforeCallbacks: number;
  }): void;
}

/** Buckets for calls and attempts: 1 ms to 10 s. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for the lag from commit to acknowledgement: 1 ms to a day of retries. */
const LAG = [0.001, 0.01, 0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600, 21600, 86400];

export function createMetrics(opts: {
  /** Outbox state, read at each scrape: pending and dead deliveries, the oldest pending one's age. */
  outbox: () => Promise<{ pending: number; dead: number; oldestPendingAgeSeconds: number }>;
  wsConnections: () => number;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "roomhook_" });
  const requests = new Counter({
    name: "roomhook_http_requests_total",
    help: "REST calls answered, by service, command and Tencent ErrorCode",
    labelNames: ["service", "command", "code"] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: "roomhook_http_request_duration_seconds",
    help: "Time to answer a REST call",
    labelNames: ["service", "command"] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "roomhook_deliveries_total",
    help: "Callback delivery attempts, by command and outcome (delivered, failed and retried, dead)",
    labelNames: ["command", "outcome"] as const,
    registers: [registry],
  });
  const attemptSeconds = new Histogram({
    name: "roomhook_delivery_attempt_duration_seconds",
    help: "Time of one delivery attempt, connect to reply",
    labelNames: ["command"] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const lag = new Histogram({
    name: "roomhook_delivery_lag_seconds",
    help: "From the event's commit to the receiver's acknowledgement",
    labelNames: ["command"] as const,
    buckets: LAG,
    registers: [registry],
  });
  let outbox: Promise<{ pending: number; dead: number; oldestPendingAgeSeconds: number }> | undefined;
  // One read of the store per scrape, shared by the three gauges.
  const outboxNow = () => {
    outbox ??= opts.outbox().finally(() => {
      setTimeout(() => {
        outbox = undefined;
      }, 0);
    });
    return outbox;
  };
  new Gauge({
    name: "roomhook_outbox_pending",
    help: "Deliveries waiting to be sent (all processes)",
    registers: [registry],
    async collect() {
      this.set((await outboxNow()).pending);
    },
  });
  new Gauge({
    name: "roomhook_outbox_dead",
    help: "Deliveries that gave up and wait for a redeliver (all processes)",
    registers: [registry],
    async collect() {
      this.set((await outboxNow()).dead);
    },
  });
  new Gauge({
    name: "roomhook_oldest_pending_delivery_age_seconds",
    help: "Age of the oldest delivery still waiting to be sent (0 when none)",
    registers: [registry],
    async collect() {
      this.set((await outboxNow()).oldestPendingAgeSeconds);
    },
  });
  const commitBatch = new Histogram({
    name: "roomhook_store_commit_batch_size",
    help: "Write commands made durable by one commit of the store (group commit)",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [registry],
  });
  const retained = new Counter({
    name: "roomhook_retention_removed_total",
    help: "Rows removed by retention, by table",
    labelNames: ["table"] as const,
    registers: [registry],
  });
  const retentionPasses = new Counter({
    name: "roomhook_retention_passes_total",
    help: "Retention passes completed by this process",
    registers: [registry],
  });
  new Gauge({
    name: "roomhook_ws_connections",
    help: "Client WebSocket sessions held by this process",
    registers: [registry],
    collect() {
      this.set(opts.wsConnections());
    },
  });
  return {
    registry,
    httpRequest(service, command, code, seconds) {
      requests.inc({ service, command, code: String(code) });
      requestSeconds.observe({ service, command }, seconds);
    },
    deliveryAttempt(command, outcome, seconds, lagSeconds) {
      deliveries.inc({ command, outcome });
      attemptSeconds.observe({ command }, seconds);
      if (lagSeconds !== undefined) lag.observe({ command }, lagSeconds);
    },
    deliveriesEnded(n) {
      if (n > 0) deliveries.inc({ command: "(configuration disabled)", outcome: "dead" }, n);
    },
    storeCommit(commands) {
      commitBatch.observe(commands);
    },
    retentionPass(removed) {
      retentionPasses.inc();
      retained.inc({ table: "deliveries" }, removed.deliveries);
      retained.inc({ table: "delivery_attempts" }, removed.attempts);
      retained.inc({ table: "room_events" }, removed.events);
      retained.inc({ table: "before_callbacks" }, removed.beforeCallbacks);
    },
  };
}
