/**
 * A revision's replicas and the request path to them, as queue-proxy and the
 * activator shape it: each replica admits containerConcurrency requests at
 * once and queues 10 x that (then 503 `pending request queue full`); with no
 * ready replica a request waits in the activator's queue (10 000) while one
 * starts; past timeoutSeconds the answer is 504. Meters record what the
 * autoscaler reads, on the injected clock the autoscaler decides by; request
 * latency and timeoutSeconds are real time, as they bound real I/O.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeProcessStarter } from "@platform/processes/node-processes";
import { Replica } from "@platform/processes/replica";
import { type Clock, type ClockTimer, systemClock } from "../clock.ts";
import { Breaker, QUEUE_FULL_MESSAGE } from "../request-path/breaker.ts";
import { ConcurrencyMeter, scrapeRevision } from "../request-path/concurrency-meter.ts";
import { Deadline } from "../request-path/deadline.ts";
import { ReplicaPicker } from "../request-path/replica-picker.ts";
import { afterCrash } from "./crash-backoff.ts";
import { LogRing } from "./log-ring.ts";
import { answer, CLIENT_CLOSED_REQUEST, proxy, REQUEST_TIMEOUT_MESSAGE } from "./replica-proxy.ts";

export const ACTIVATOR_QUEUE_LIMIT = 10_000;
/** timeoutSeconds 0 is served as Knative's largest allowed timeout (max-revision-timeout-seconds): still bounded. */
const UNSET_TIMEOUT_SECONDS = 600;
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
  /** How replicas' processes start (the platform's WarmNodePool); spawned one by one by default. */
  processes?: NodeProcessStarter;
}

/** Where a request goes on the replica: the origin-form target, and the authority to send as Host. */
export interface ForwardedTarget {
  path: string;
  host: string | undefined;
}

/** The last replica that exited on its own, and when its slot starts again (CrashLoopBackOff). */
export interface LastCrash {
  replica: string;
  exitCode: number | null;
  /** Crashes in a row of that replica's slot. */
  crashes: number;
  restartAt: number;
}

/** Why a revision was given up (Knative's Revision condition Ready=False). */
export interface RevisionFailure {
  reason: string;
  message: string;
  /** The last lines its replicas wrote. */
  lastLogLines: string[];
}

/** A request the activator holds until a replica is ready; `release` ends its wait on the request's deadline. */
interface Waiter {
  resolve: (replica: Replica | undefined) => void;
  release: () => void;
}

export class RevisionRuntime {
  readonly replicas: Replica[] = [];
  private readonly breakers = new Map<Replica, Breaker>();
  private readonly meters = new Map<Replica, ConcurrencyMeter>();
  /** The activator's meter: requests held while no replica could take them. */
  private readonly activator: ConcurrencyMeter;
  private readonly waiting: Waiter[] = [];
  private readonly picker: ReplicaPicker;
  private nextId = 1;
  /** Replicas that crashed (and were restarted after their back-off). */
  crashes = 0;
  lastCrash: LastCrash | undefined;
  /** Set once the revision is given up: it keeps no replica and takes no request. */
  failure: RevisionFailure | undefined;
  /** Slots whose replica crashed, waiting out their back-off, with the crashes in a row so far. */
  private readonly restarts = new Map<ClockTimer, number>();
  /** When each replica started (on the clock) and the crashes in a row of its slot before it. */
  private readonly runs = new Map<Replica, { startedAt: number; crashesBefore: number }>();
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
    private readonly clock: Clock = systemClock,
  ) {
    this.picker = new ReplicaPicker(config.containerConcurrency);
    this.activator = new ConcurrencyMeter(clock.now());
  }

  get readyCount(): number {
    return this.replicas.filter((r) => r.phase === "ready").length;
  }

  get inFlight(): number {
    return this.replicas.reduce((sum, r) => sum + r.inFlight, 0) + this.waiting.length;
  }

  /** Requests queued for a slot on a replica (its breaker's queue). */
  get waitingForSlot(): number {
    let queued = 0;
    for (const breaker of this.breakers.values()) queued += breaker.queued;
    return queued;
  }

  /** Replicas waiting out a crash back-off before they start again. */
  get backingOff(): number {
    return this.restarts.size;
  }

  /**
   * Starts or drains replicas until `count` are starting, ready or waiting out
   * a crash back-off (as a crash-looping pod still counts in its Deployment).
   */
  async scaleTo(wanted: number): Promise<void> {
    const count = this.failure ? 0 : wanted;
    const live = this.replicas.filter((r) => r.phase === "starting" || r.phase === "ready");
    let extra = live.length + this.restarts.size - count;
    for (const timer of [...this.restarts.keys()]) {
      if (extra <= 0) break;
      this.clock.clearTimeout(timer);
      this.restarts.delete(timer);
      extra--;
    }
    for (let i = live.length + this.restarts.size; i < count; i++) await this.startReplica(0);
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

  /** What the autoscaler scrapes every second: the ready replicas' meters and the activator's. */
  reportStats(now: number) {
    const replicas = [...this.meters].map(([replica, meter]) => ({ ready: replica.phase === "ready", meter }));
    return scrapeRevision(replicas, this.activator, now);
  }

  /**
   * Gives the revision up: its replicas stop, none starts again, requests get
   * 503 at once. Knative's Revision condition Ready=False with this reason.
   */
  async fail(reason: string, message: string): Promise<void> {
    if (this.failure) return;
    this.failure = { reason, message, lastLogLines: this.logs.tail(20) };
    for (const timer of this.restarts.keys()) this.clock.clearTimeout(timer);
    this.restarts.clear();
    this.letWaitersGo(undefined);
    await Promise.all(this.replicas.map((r) => this.retire(r)));
  }

  async handle(req: IncomingMessage, res: ServerResponse, tag = "", forwarded?: ForwardedTarget): Promise<void> {
    const started = Date.now();
    const timeoutSeconds = this.config.timeoutSeconds || UNSET_TIMEOUT_SECONDS;
    const status = await this.serve(req, res, timeoutSeconds * 1000, forwarded);
    const ms = Date.now() - started;
    const statusClass = STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
    let totals = this.totals.get(tag);
    if (!totals) {
      totals = { byClass: new Map(), latency: new LatencyHistogram() };
      this.totals.set(tag, totals);
    }
    totals.byClass.set(statusClass, (totals.byClass.get(statusClass) ?? 0) + 1);
    totals.latency.observe(ms / 1000);
    this.answered.total++;
    if (status >= 500) this.answered.errors++;
    if (this.answered.durationsMs.length < 100_000) this.answered.durationsMs.push(ms);
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

  /**
   * timeoutSeconds bounds the whole request: waiting for a replica, the body,
   * the answer. A client that leaves ends every wait at once and counts 499.
   */
  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    timeoutMs: number,
    forwarded: ForwardedTarget = { path: req.url ?? "/", host: undefined },
  ): Promise<number> {
    // A client still sending when the time is up loses its connection: nothing more is read from it.
    const deadline = new Deadline(timeoutMs, () => cutOff(req, res));
    res.on("close", () => {
      if (!res.writableFinished) deadline.abandon();
    });
    try {
      let replica = this.failure ? undefined : this.pick();
      if (!replica && !this.failure) {
        if (this.waiting.length >= ACTIVATOR_QUEUE_LIMIT) return answer(res, 503, QUEUE_FULL_MESSAGE);
        replica = await this.waitForReplica(deadline);
      }
      if (!replica) {
        const failure = this.failure as RevisionFailure | undefined;
        if (failure) return answer(res, 503, `revision ${this.config.revision} failed: ${failure.reason}`);
        if (deadline.abandoned) return CLIENT_CLOSED_REQUEST;
        if (deadline.expired) return answer(res, 504, ACTIVATOR_TIMEOUT_MESSAGE);
        return answer(res, 503, `revision ${this.config.revision} stopped`);
      }
      const breaker = this.breakers.get(replica) as Breaker;
      // queue-proxy counts a request from its arrival, waiting for a slot included.
      const meter = this.meters.get(replica) as ConcurrencyMeter;
      meter.started(this.clock.now());
      const slot = breaker.acquire(deadline);
      // Awaited only when it has to wait: most requests get a slot at once.
      const admitted = typeof slot === "boolean" ? slot : await slot;
      if (!admitted) {
        meter.finished(this.clock.now());
        if (deadline.abandoned) return CLIENT_CLOSED_REQUEST;
        return deadline.expired ? answer(res, 504, REQUEST_TIMEOUT_MESSAGE) : answer(res, 503, QUEUE_FULL_MESSAGE);
      }
      replica.requestStarted();
      try {
        return await proxy(req, res, replica, deadline, forwarded);
      } finally {
        meter.finished(this.clock.now());
        replica.requestFinished();
        breaker.release();
      }
    } finally {
      // A client still sending after its answer (one the replica gave early) is read to the end and discarded,
      // as Node does, but not past timeoutSeconds.
      if (req.complete) deadline.clear();
      else for (const event of ["end", "close"]) req.once(event, () => deadline.clear());
    }
  }

  async stopAll(): Promise<void> {
    for (const timer of this.restarts.keys()) this.clock.clearTimeout(timer);
    this.restarts.clear();
    this.letWaitersGo(undefined);
    await Promise.all(this.replicas.map((r) => this.retire(r)));
  }

  private pick(): Replica | undefined {
    // Most of the time every replica is ready: then no list is made for the request.
    const ready = this.replicas.every(isReady) ? this.replicas : this.replicas.filter(isReady);
    // All at their limit: queue on the least busy one (its breaker decides).
    return this.picker.pick(ready) ?? leastBusy(ready);
  }

  /** Held by the activator until a replica is ready; undefined if the request ends first. */
  private waitForReplica(deadline: Deadline): Promise<Replica | undefined> {
    this.activator.started(this.clock.now());
    this.onDemand();
    return new Promise<Replica | undefined>((resolve) => {
      const waiter: Waiter = {
        resolve,
        release: deadline.waiting(() => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(undefined);
        }),
      };
      this.waiting.push(waiter);
    }).finally(() => this.activator.finished(this.clock.now()));
  }

  /** Every request the activator holds goes on: to `replica`, or to its answer without one. */
  private letWaitersGo(replica: Replica | undefined): void {
    for (const waiter of this.waiting.splice(0)) {
      waiter.release();
      waiter.resolve(replica);
    }
  }

  private async startReplica(crashesBefore: number): Promise<void> {
    if (this.failure) return;
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
      ...(this.config.processes ? { processes: this.config.processes } : {}),
      onOutput: (line) => {
        this.logs.push(`[${id}] ${line}`);
        if (this.config.echoLogs) process.stdout.write(`${line}\n`);
      },
    });
    this.replicas.push(replica);
    this.runs.set(replica, { startedAt: this.clock.now(), crashesBefore });
    this.breakers.set(replica, new Breaker(this.config.containerConcurrency));
    this.meters.set(replica, new ConcurrencyMeter(this.clock.now()));
    replica.on("ready", () => this.letWaitersGo(replica));
    replica.on("exit", (code: number | null, expected: boolean) => {
      const run = this.runs.get(replica);
      this.forget(replica);
      if (!expected && run && !this.failure) this.restartAfterBackoff(id, code, run);
    });
  }

  /** The kubelet's way: the crashed replica's slot starts again after its CrashLoopBackOff delay. */
  private restartAfterBackoff(id: string, exitCode: number | null, run: { startedAt: number; crashesBefore: number }) {
    this.crashes++;
    const now = this.clock.now();
    const loop = afterCrash(run.crashesBefore, now - run.startedAt);
    this.lastCrash = { replica: id, exitCode, crashes: loop.crashes, restartAt: now + loop.restartInMs };
    const timer = this.clock.setTimeout(() => {
      this.restarts.delete(timer);
      void this.startReplica(loop.crashes);
    }, loop.restartInMs);
    this.restarts.set(timer, loop.crashes);
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
    this.runs.delete(replica);
  }
}

/** Stops reading a client that is still sending, once its answer (if any) is out. */
function cutOff(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (res.writableFinished) req.socket?.destroy();
  else res.once("finish", () => req.socket?.destroySoon());
}

const isReady = (replica: Replica) => replica.phase === "ready";

/** The first of those with the fewest requests in flight. */
function leastBusy(replicas: readonly Replica[]): Replica | undefined {
  let least: Replica | undefined;
  for (const replica of replicas) if (!least || replica.inFlight < least.inFlight) least = replica;
  return least;
}

/** A status's class as /metrics labels it, made once: it is counted for every answer. */
const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

function rank(replica: Replica): number {
  return (replica.phase === "ready" ? 1_000_000 : 0) + replica.inFlight;
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
