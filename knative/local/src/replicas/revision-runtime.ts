/**
 * A revision's replicas and the request path to them, as queue-proxy and the
 * activator shape it: each replica admits containerConcurrency requests at
 * once and queues 10 x that (then 503 `pending request queue full`); with no
 * ready replica a request waits in the activator's queue (10 000) while one
 * starts; past timeoutSeconds the answer is 504. Meters record what the
 * autoscaler reads.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool } from "undici";
import { Breaker, QUEUE_FULL_MESSAGE } from "../serving/breaker.ts";
import { ConcurrencyMeter } from "../serving/concurrency-meter.ts";
import { ReplicaPicker } from "../serving/replica-picker.ts";
import { LogRing } from "./log-ring.ts";
import { Replica } from "./replica.ts";

export const ACTIVATOR_QUEUE_LIMIT = 10_000;
export const ACTIVATOR_TIMEOUT_MESSAGE = "activator request timeout";

export interface RevisionConfig {
  service: string;
  revision: string;
  entry: string;
  env: Record<string, string>;
  readinessPath: string;
  containerConcurrency: number;
  timeoutSeconds: number;
  terminationGraceMs?: number;
  /** Also write each replica's output to the platform's own (as `npm start` does). */
  echoLogs?: boolean;
}

interface Waiter {
  resolve: (replica: Replica) => void;
  timer: NodeJS.Timeout;
}

export class RevisionRuntime {
  readonly replicas: Replica[] = [];
  private readonly breakers = new Map<Replica, Breaker>();
  private readonly meters = new Map<Replica, ConcurrencyMeter>();
  private readonly waiting: Waiter[] = [];
  private readonly picker: ReplicaPicker;
  private nextId = 1;
  /** Replicas that crashed and were replaced. */
  crashes = 0;
  /** Every answer since the revision started, by the tag it came by ("" for the main host), for /metrics. */
  readonly totals = new Map<string, RequestTotals>();
  /** Answers since the last takeRequestStats(): what a canary analysis judges. */
  private answered = { total: 0, errors: 0, durationsMs: [] as number[] };
  /** What the replicas wrote, each line prefixed with its replica. */
  readonly logs = new LogRing();
  /** Called when a request arrives and no replica is ready (scale from zero). */
  onDemand: () => void = () => {};

  constructor(
    readonly config: RevisionConfig,
    private readonly port: () => Promise<number>,
  ) {
    this.picker = new ReplicaPicker(config.containerConcurrency);
  }

  get readyCount(): number {
    return this.replicas.filter((r) => r.phase === "ready").length;
  }

  get inFlight(): number {
    return this.replicas.reduce((sum, r) => sum + r.inFlight, 0) + this.waiting.length;
  }

  /** Starts or drains replicas until `count` are starting or ready. */
  async scaleTo(count: number): Promise<void> {
    const live = this.replicas.filter((r) => r.phase === "starting" || r.phase === "ready");
    for (let i = live.length; i < count; i++) await this.startReplica();
    const extra = live.length - count;
    if (extra > 0) {
      // Not-yet-ready ones first, then the least busy.
      const victims = [...live].sort((a, b) => rank(a) - rank(b)).slice(0, extra);
      await Promise.all(victims.map((r) => this.retire(r)));
    }
  }

  /** Sums the replicas' time-weighted concurrency since the last call (every second). */
  reportConcurrency(now: number): { concurrency: number; requests: number } {
    let concurrency = 0;
    let requests = 0;
    for (const meter of this.meters.values()) {
      const report = meter.report(now);
      concurrency += report.averageConcurrency;
      requests += report.requests;
    }
    // Requests held by the activator count too: they are demand with nowhere to go.
    return { concurrency: concurrency + this.waiting.length, requests };
  }

  async handle(req: IncomingMessage, res: ServerResponse, tag = ""): Promise<void> {
    const started = Date.now();
    const status = await this.serve(req, res, started + this.config.timeoutSeconds * 1000);
    const seconds = (Date.now() - started) / 1000;
    const statusClass = `${Math.floor(status / 100)}xx`;
    let totals = this.totals.get(tag);
    if (!totals) {
      totals = { byClass: new Map(), latency: new LatencyHistogram() };
      this.totals.set(tag, totals);
    }
    totals.byClass.set(statusClass, (totals.byClass.get(statusClass) ?? 0) + 1);
    totals.latency.observe(seconds);
    this.answered.total++;
    if (status >= 500) this.answered.errors++;
    if (this.answered.durationsMs.length < 100_000) this.answered.durationsMs.push(Date.now() - started);
  }

  /** Success rate (percent of answers that are not 5xx) and p99 latency since the last call; empty without requests. */
  takeRequestStats(): { successRate?: number; durationP99Ms?: number } {
    const { total, errors, durationsMs } = this.answered;
    this.answered = { total: 0, errors: 0, durationsMs: [] };
    if (total === 0) return {};
    const sorted = durationsMs.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
    return { successRate: ((total - errors) / total) * 100, durationP99Ms: p99 };
  }

  private async serve(req: IncomingMessage, res: ServerResponse, deadline: number): Promise<number> {
    const replica = this.pick() ?? (await this.waitForReplica(deadline));
    if (!replica) return answer(res, 504, ACTIVATOR_TIMEOUT_MESSAGE);
    const breaker = this.breakers.get(replica) as Breaker;
    const admitted = await breaker.acquire();
    if (!admitted) return answer(res, 503, QUEUE_FULL_MESSAGE);
    const meter = this.meters.get(replica) as ConcurrencyMeter;
    replica.requestStarted();
    meter.started(Date.now());
    try {
      return await proxy(req, res, replica, Math.max(1, deadline - Date.now()));
    } finally {
      meter.finished(Date.now());
      replica.requestFinished();
      breaker.release();
    }
  }

  async stopAll(): Promise<void> {
    for (const waiter of this.waiting.splice(0)) clearTimeout(waiter.timer);
    await Promise.all(this.replicas.map((r) => this.retire(r)));
  }

  private pick(): Replica | undefined {
    const ready = this.replicas.filter((r) => r.phase === "ready");
    const chosen = this.picker.pick(ready.map((r) => ({ id: r.spec.id, inFlight: r.inFlight })));
    if (chosen) return ready.find((r) => r.spec.id === chosen.id);
    // All at their limit: queue on the least busy one (its breaker decides).
    return ready.sort((a, b) => a.inFlight - b.inFlight)[0];
  }

  private waitForReplica(deadline: number): Promise<Replica | undefined> {
    if (this.waiting.length >= ACTIVATOR_QUEUE_LIMIT) return Promise.resolve(undefined);
    this.onDemand();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(
          () => {
            this.waiting.splice(this.waiting.indexOf(waiter), 1);
            resolve(undefined);
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.waiting.push(waiter);
    });
  }

  private async startReplica(): Promise<void> {
    const id = `${this.config.revision}-${this.nextId++}`;
    const replica = new Replica({
      id,
      service: this.config.service,
      revision: this.config.revision,
      entry: this.config.entry,
      port: await this.port(),
      env: this.config.env,
      readinessPath: this.config.readinessPath,
      ...(this.config.terminationGraceMs ? { terminationGraceMs: this.config.terminationGraceMs } : {}),
      onOutput: (line) => {
        this.logs.push(`[${id}] ${line}`);
        if (this.config.echoLogs) process.stdout.write(`${line}\n`);
      },
    });
    this.replicas.push(replica);
    this.breakers.set(replica, new Breaker(this.config.containerConcurrency));
    this.meters.set(replica, new ConcurrencyMeter(Date.now()));
    replica.on("ready", () => {
      for (const waiter of this.waiting.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve(replica);
      }
    });
    replica.on("exit", (_code: number | null, expected: boolean) => {
      this.forget(replica);
      if (!expected) {
        this.crashes++;
        void this.startReplica(); // replaced, as a Deployment would
      }
    });
  }

  private async retire(replica: Replica): Promise<void> {
    await replica.stop();
    this.forget(replica);
  }

  private forget(replica: Replica): void {
    const i = this.replicas.indexOf(replica);
    if (i >= 0) this.replicas.splice(i, 1);
    this.breakers.delete(replica);
    this.meters.delete(replica);
  }
}

function rank(replica: Replica): number {
  return (replica.phase === "ready" ? 1_000_000 : 0) + replica.inFlight;
}

function answer(res: ServerResponse, status: number, body: string): number {
  if (!res.headersSent) res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  return status;
}

/** Answers counted by status class ("2xx", ...) and their latency. */
export interface RequestTotals {
  byClass: Map<string, number>;
  latency: LatencyHistogram;
}

/** Seconds; Knative's request latency buckets. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Cumulative counts per bucket, the sum and the count, as Prometheus histograms are kept. */
export class LatencyHistogram {
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= (LATENCY_BUCKETS[i] as number)) this.buckets[i] = (this.buckets[i] as number) + 1;
    }
  }
}

/** Connections to each replica are kept open and reused, as queue-proxy's are (undici: lighter than node:http). */
const pools = new WeakMap<Replica, Pool>();

function poolOf(replica: Replica): Pool {
  let pool = pools.get(replica);
  if (!pool) {
    pool = new Pool(`http://127.0.0.1:${replica.spec.port}`, { connections: 256, pipelining: 1 });
    pools.set(replica, pool);
    replica.once("exit", () => void pool?.destroy());
  }
  return pool;
}

/** Hop-by-hop headers belong to one connection, not to the request. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
]);

/** Sends the request to the replica and its answer back; resolves with the status the client got. */
function proxy(req: IncomingMessage, res: ServerResponse, replica: Replica, timeoutMs: number): Promise<number> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  let status = 502;
  const bodiless = req.method === "GET" || req.method === "HEAD";
  return poolOf(replica)
    .stream(
      {
        path: req.url ?? "/",
        method: (req.method ?? "GET") as "GET",
        headers,
        body: bodiless ? null : req,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      ({ statusCode, headers: answer }) => {
        status = statusCode;
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        res.writeHead(statusCode, out);
        return res;
      },
    )
    .then(
      () => status,
      (error: { code?: string }) => {
        if (error.code === "UND_ERR_HEADERS_TIMEOUT" || error.code === "UND_ERR_BODY_TIMEOUT") {
          return answer(res, 504, "request timeout");
        }
        return answer(res, 502, "replica unreachable");
      },
    );
}
