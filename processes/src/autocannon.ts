/**
 * One load run of autocannon, in its own process: in the caller's process it
 * would take the event loop from whatever the caller is measuring.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  /** Latency percentiles in whole ms (autocannon's resolution). */
  p50: number;
  p99: number;
  /** Mean latency, ms, not rounded. */
  mean: number;
  /** Connection errors, timeouts and answers other than 2xx. */
  errors: number;
}

export function loadWithAutocannon(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = [autocannonBin, "-j", "-c", String(options.connections), "-d", String(options.seconds)];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code} against ${url}`));
      try {
        const r = JSON.parse(out);
        resolve({
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          mean: r.latency.mean,
          errors: r.errors + r.timeouts + r.non2xx,
        });
      } catch (error) {
        reject(new Error(`autocannon's report against ${url} is not JSON: ${error}`));
      }
    });
  });
}
