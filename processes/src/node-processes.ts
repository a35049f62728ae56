/**
 * How a replica's Node process starts: spawned as `node <entry>`, or taken
 * from a WarmNodePool, where Node and its built-in modules have already
 * started, so that a cold start spends only the bundle's own start (npm run
 * bench:coldstart). Either way the process runs `entry` with exactly the
 * environment given, and its stdout and stderr are pipes.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

export type NodeProcess = ChildProcessByStdio<Writable | null, Readable, Readable>;

export interface NodeProcessStarter {
  start(entry: string, env: NodeJS.ProcessEnv): NodeProcess;
}

export const spawnNode: NodeProcessStarter = {
  start: (entry, env) => spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] }),
};

/** Variables read once as a process starts (by Node, libuv, the dynamic loader, OpenSSL, malloc). */
const READ_AT_START = /^(NODE_|UV_|LD_|MALLOC_|OPENSSL_)/;

/**
 * Whether a process started with `startedWith` can take on `env`: every
 * variable read at start has the same value in both (a NODE_OPTIONS of the
 * manifest's, say, needs a process of its own).
 */
export function canTakeOn(env: NodeJS.ProcessEnv, startedWith: NodeJS.ProcessEnv): boolean {
  const names = new Set([...Object.keys(env), ...Object.keys(startedWith)].filter((n) => READ_AT_START.test(n)));
  return [...names].every((name) => env[name] === startedWith[name]);
}

const WARM_NODE = new URL("./warm-node.cjs", import.meta.url).pathname;

interface Warm {
  process: ChildProcessByStdio<Writable, Readable, Readable>;
  startedWith: NodeJS.ProcessEnv;
  /** Resolves once it has loaded Node's modules and waits for its entry. */
  warmed: Promise<void>;
}

/**
 * One Node process kept started ahead of need. `start` hands it the entry and
 * environment and starts the next one shortly after (not at once: the replica
 * taking it over needs the CPU first); when there is none (taken moments ago,
 * or the environment needs its own start) it spawns as spawnNode does. An
 * idle warm process exits once its stdin closes, so it never outlives the
 * platform.
 */
export class WarmNodePool implements NodeProcessStarter {
  private idle: Warm | undefined;
  private refill: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly refillDelayMs = 200) {
    this.fill();
  }

  start(entry: string, env: NodeJS.ProcessEnv): NodeProcess {
    const warm = this.idle;
    if (!warm || !canTakeOn(env, warm.startedWith)) return spawnNode.start(entry, env);
    this.idle = undefined;
    warm.process.stdin.end(`${JSON.stringify({ entry, env })}\n`);
    this.refill ??= setTimeout(() => {
      this.refill = undefined;
      this.fill();
    }, this.refillDelayMs);
    return warm.process;
  }

  /** The warm process waiting to be taken, if any. */
  get idlePid(): number | undefined {
    return this.idle?.process.pid;
  }

  /** Resolves once a warm process waits for its entry (for benches and tests; `start` does not need it). */
  async warmed(): Promise<void> {
    await this.idle?.warmed;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.refill);
    this.refill = undefined;
    this.idle?.process.stdin.end();
    this.idle = undefined;
  }

  private fill(): void {
    if (this.closed || this.idle) return;
    const startedWith = { ...process.env };
    // fd 3: one line once it is warm, a channel of its own so that stdout stays the replica's.
    const child = spawn(process.execPath, [WARM_NODE], {
      env: startedWith,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    }) as unknown as Warm["process"];
    // Its stdin written after it died (not yet seen exit): the replica sees the exit; nothing to throw here.
    child.stdin.on("error", () => {});
    const signal = child.stdio[3] as Readable;
    const warm: Warm = {
      process: child,
      startedWith,
      warmed: new Promise((resolve) => {
        signal.once("data", () => resolve());
        signal.once("close", () => resolve());
      }),
    };
    signal.resume();
    // Dead (or never started) before it was taken: the next start spawns, and takes no dead process from here.
    const gone = () => {
      if (this.idle === warm) this.idle = undefined;
    };
    child.once("exit", gone);
    child.once("error", gone);
    this.idle = warm;
  }
}
