/**
 * `npm start` end to end: the real entry point, with its own data directory
 * and ports, driven over HTTP like a user with curl would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.ts";

let child: ChildProcess;
let output = "";
let dataDir: string;
const ports: Record<string, number> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "local-start-"));
  await chmod(dataDir, 0o755); // PostgreSQL runs as the postgres user and must reach its data inside
  for (const name of ["postgres", "redis", "links", "redirect", "analytics"]) ports[name] = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOCAL_DATA_DIR: dataDir,
    LOCAL_POSTGRES_PORT: String(ports.postgres),
    LOCAL_REDIS_PORT: String(ports.redis),
    LOCAL_LINKS_PORT: String(ports.links),
    LOCAL_REDIRECT_PORT: String(ports.redirect),
    LOCAL_ANALYTICS_PORT: String(ports.analytics),
    LOG_LEVEL: "warn",
  };
  delete env.REDIS_URL;
  child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./start.ts", import.meta.url))], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes("The platform is up")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves links, redirects and statistics, then stops cleanly", async () => {
    expect(output).toContain("applied migrations: 0000_initial, 0001_citus_distribution, 0002_link_foreign_keys");
    expect(output).toContain(`http://localhost:${ports.redirect}`);
    const key = /Its API key[^:]*: (lsk_\S+)/.exec(output)?.[1];
    expect(key).toBeDefined();
    const auth = { authorization: `Bearer ${key}` };

    const created = await fetch(`http://127.0.0.1:${ports.links}/links`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ targetUrl: "https://knative.dev/docs/", code: "knative-docs" }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()) as { shortUrl: string }).toMatchObject({
      shortUrl: `http://localhost:${ports.redirect}/knative-docs`,
    });

    const redirect = await fetch(`http://127.0.0.1:${ports.redirect}/knative-docs`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("https://knative.dev/docs/");

    let total = 0;
    for (let i = 0; i < 50 && total === 0; i++) {
      await new Promise((r) => setTimeout(r, 200)); // clicks are written in batches, at least every second
      const stats = await fetch(`http://127.0.0.1:${ports.analytics}/stats`, { headers: auth });
      total = ((await stats.json()) as { total: number }).total;
    }
    expect(total).toBe(1);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${ports.links}/health/liveness`)).rejects.toThrow();
  }, 60_000);
});
