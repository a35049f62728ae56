/**
 * The control API of a LocalServing under test, served on a free port at
 * 127.0.0.1 with a token of its own, as `npm start` serves it.
 */
import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import { freePort } from "@platform/processes/free-port";
import { ConsoleSessions } from "../control-api/console-sessions.ts";
import { type ControlOptions, createControlApp } from "../control-api/control-app.ts";
import type { ControlEndpoint } from "../control-api/control-client.ts";
import type { LocalServing } from "../controllers/local-serving.ts";

export interface ControlUnderTest {
  endpoint: ControlEndpoint;
  port: number;
  /** Mints the one-time codes of console sign-in links. */
  sessions: ConsoleSessions;
  close(): void;
}

export async function serveControlForTest(
  serving: LocalServing,
  options: Omit<ControlOptions, "access"> = {},
): Promise<ControlUnderTest> {
  const port = await freePort();
  const token = randomBytes(32).toString("base64url");
  const sessions = new ConsoleSessions();
  const app = createControlApp(serving, { ...options, access: { token, port, sessions } });
  const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  await new Promise((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  return { endpoint: { baseUrl: `http://127.0.0.1:${port}`, token }, port, sessions, close: () => server.close() };
}
