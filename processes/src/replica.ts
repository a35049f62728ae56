/**
 * One replica of a revision: a local process of the revision's bundle, given
 * PORT, K_SERVICE, K_REVISION, K_CONFIGURATION and the manifest's environment,
 * probed for readiness as the manifest says, drained before it is stopped.
 */
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { type NodeProcess, type NodeProcessStarter, spawnNode } from "./node-processes.ts";

/** The headers Knative's queue-proxy sends when it probes the user container (pkg/queue/health). */
const QUEUE_PROXY_PROBE = { "k-kubelet-probe": "queue", "user-agent": "kube-probe/1.33" };

export type ReplicaPhase = "starting" | "ready" | "draining" | "stopped";

export interface ReplicaSpec {
  id: string;
  service: string;
  revision: string;
  /** The ES module to run with node (the revision's bundle). */
  entry: string;
  port: number;
  env: Record<string, string>;
  readinessPath: string;
  /** How long a drained replica may take to exit after SIGTERM before SIGKILL. */
  terminationGraceMs?: number;
  /** Each line the process writes (stdout and stderr); without it, the output goes to the platform's own. */
  onOutput?: (line: string) => void;
  /** How its process starts (a WarmNodePool, as the local platform's); spawned as `node <entry>` by default. */
  processes?: NodeProcessStarter;
}

/**
 * Emits "ready" once readiness first answers 200 and "exit" (code, expected)
 * when the process ends; `expected` is false for a crash.
 */
export class Replica extends EventEmitter {
  phase: ReplicaPhase = "starting";
  /** Requests the platform has sent it and not yet seen answered. */
  inFlight = 0;
  readonly startedAt = Date.now();
  readyAt: number | undefined;
  private readonly child: NodeProcess;
  private readonly exited: Promise<number | null>;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly spec: ReplicaSpec) {
    super();
    this.child = (spec.processes ?? spawnNode).start(spec.entry, {
      ...process.env,
      ...spec.env,
      PORT: String(spec.port),
      // Loopback only: on one machine nothing but the platform's ingress may reach a replica.
      HOST: "127.0.0.1",
      // Its admin port (/metrics, health): any free one on loopback, whatever the manifest says for a pod.
      METRICS_PORT: "0",
      METRICS_HOST: "127.0.0.1",
      K_SERVICE: spec.service,
      K_REVISION: spec.revision,
      K_CONFIGURATION: spec.service,
    });
    const { onOutput } = spec;
    if (onOutput) {
      for (const stream of [this.child.stdout, this.child.stderr])
        createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", onOutput);
    } else {
      this.child.stdout.pipe(process.stdout, { end: false });
      this.child.stderr.pipe(process.stderr, { end: false });
    }
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code) => {
        this.phase = "stopped";
        this.emit("exit", code, this.stopping);
        resolve(code);
      }),
    );
    void this.probeUntilReady();
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  /** Call around every request sent to it, so draining knows when it is idle. */
  requestStarted(): void {
    this.inFlight++;
  }

  requestFinished(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Stop routing to it, let in-flight requests finish, then SIGTERM, then SIGKILL after the grace period. */
  async stop(): Promise<void> {
    if (this.phase === "stopped") return;
    this.stopping = true;
    this.phase = "draining";
    const grace = this.spec.terminationGraceMs ?? 30_000;
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise((resolve) => setTimeout(resolve, grace)),
      ]);
    }
    this.child.kill("SIGTERM");
    const kill = setTimeout(() => this.child.kill("SIGKILL"), grace);
    await this.exited;
    clearTimeout(kill);
  }

  private async probeUntilReady(): Promise<void> {
    while (this.phase === "starting") {
      const ok = await fetch(`${this.url}${this.spec.readinessPath}`, { headers: QUEUE_PROXY_PROBE }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok && this.phase === "starting") {
        this.phase = "ready";
        this.readyAt = Date.now();
        this.emit("ready");
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
