/**
 * `npm start` end to end: the real entry point, with its own data directory
 * and ports, driven over HTTP like a user with curl would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestWithHost } from "./testing/http-with-host.ts";

let child: ChildProcess;
let output = "";
let dataDir: string;
const ports: Record<string, number> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "local-start-"));
  await chmod(dataDir, 0o755); // PostgreSQL runs as the postgres user and must reach its data inside
  for (const name of ["postgres", "redis", "ingress", "control"]) ports[name] = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOCAL_DATA_DIR: dataDir,
    LOCAL_POSTGRES_PORT: String(ports.postgres),
    LOCAL_REDIS_PORT: String(ports.redis),
    LOCAL_INGRESS_PORT: String(ports.ingress),
    LOCAL_CONTROL_PORT: String(ports.control),
    LOG_LEVEL: "warn",
  };
  delete env.REDIS_URL;
  // As npm start runs it.
  const runBundled = fileURLToPath(new URL("../run-bundled.mjs", import.meta.url));
  child = spawn(process.execPath, [runBundled, fileURLToPath(new URL("./start.ts", import.meta.url))], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      return output.includes("The platform is up");
    },
    { what: "npm start to come up", timeoutMs: 60_000, intervalMs: 100 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}:\n${output}`);
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

const call = (host: string, path: string, init: Parameters<typeof requestWithHost>[3] = {}) =>
  requestWithHost(ports.ingress as number, host, path, init);

describe("npm start", () => {
  it("serves links, redirects and statistics through the local Knative Serving, then stops cleanly", async () => {
    expect(output).toContain(
      "applied migrations: 0000_initial, 0001_citus_distribution, 0002_link_foreign_keys, 0003_clicks_country_expand, 0004_clicks_country_contract, 0005_clicks_count",
    );
    expect(output).toContain("redirect-00001: ready");
    expect(output).toContain(`http://links.default.localhost:${ports.ingress}`);
    const key = /Its API key[^:]*: (lsk_\S+)/.exec(output)?.[1];
    expect(key).toBeDefined();
    const auth = { authorization: `Bearer ${key}` };

    const created = await call(`links.default.localhost:${ports.ingress}`, "/links", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ targetUrl: "https://knative.dev/docs/", code: "knative-docs" }),
    });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body)).toMatchObject({ shortUrl: `http://localhost:${ports.ingress}/knative-docs` });

    // The web app signs in with the key by asking the links API through the same ingress, by host name.
    const web = `web.default.localhost:${ports.ingress}`;
    const signIn = await call(web, "/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${web}` },
      body: new URLSearchParams({ apiKey: key as string }).toString(),
    });
    expect(signIn.status, signIn.body).toBe(303);
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0] as string;
    const list = await call(web, "/links", { headers: { cookie } });
    expect(list.body).toContain('data-code="knative-docs"');

    // The short link on the bare domain (the DomainMapping), and on the redirect's own host.
    for (const host of [`localhost:${ports.ingress}`, "redirect.default.localhost"]) {
      const redirect = await call(host, "/knative-docs");
      expect(redirect.status).toBe(302);
      expect(redirect.headers.location).toBe("https://knative.dev/docs/");
    }

    // Clicks are written in batches, at least every second.
    const total = async () =>
      JSON.parse((await call("analytics.default.localhost", "/stats", { headers: auth })).body).total;
    await waitFor(async () => (await total()) >= 2, { what: "the two clicks in the stats", intervalMs: 200 });
    expect(await total()).toBe(2);

    // The control API's token: made at this first start, printed once, kept for its owner only.
    const token = (await readFile(join(dataDir, "control-token"), "utf8")).trim();
    expect(output).toContain(`Control API token, made now (kept in `);
    expect(output).toContain(`readable by you only; the CLI reads it there): ${token}`);
    expect((await stat(join(dataDir, "control-token"))).mode & 0o777).toBe(0o600);
    expect(output).toMatch(new RegExp(`console {4}http://127\\.0\\.0\\.1:${ports.control}/login\\?code=[\\w-]{32}\\n`));
    expect((await fetch(`http://127.0.0.1:${ports.control}/status`)).status).toBe(401);
    const control = { headers: { authorization: `Bearer ${token}` } };
    const status = (await (await fetch(`http://127.0.0.1:${ports.control}/status`, control)).json()) as {
      revisions: { revision: string }[];
    };
    expect(status.revisions.map((r) => r.revision).sort()).toEqual([
      "analytics-00001",
      "links-00001",
      "redirect-00001",
      "web-00001",
    ]);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(call("links.default.localhost", "/health/liveness")).rejects.toThrow();
  }, 60_000);
});
