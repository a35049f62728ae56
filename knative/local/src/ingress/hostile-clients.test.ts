/**
 * The ingress and a revision's request path against clients that fetch cannot
 * play: raw sockets (node:net) sending duplicate Host fields, absolute-form
 * targets, Connection-named headers, bodies a replica refuses early, and
 * bodies trickled past timeoutSeconds, clients that leave before their
 * answer, held by the activator or queued for a slot. A real replica (the echo fixture).
 */
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RevisionConfig, RevisionRuntime } from "../replicas/revision-runtime.ts";
import { Ingress } from "./ingress.ts";

const entry = fileURLToPath(new URL("../../test-fixtures/echo-function.mjs", import.meta.url));
const HOST = "echo.default.localhost";
let ingress: Ingress;
let runtime: RevisionRuntime;
let port: number;

beforeAll(async () => {
  const config: RevisionConfig = {
    service: "echo",
    revision: "echo-00001",
    entry,
    env: {},
    readinessPath: "/health/readiness",
    containerConcurrency: 1,
    timeoutSeconds: 1,
    terminationGraceMs: 2000,
  };
  runtime = new RevisionRuntime(config, freePort);
  ingress = new Ingress((name) => (name === "echo-00001" ? runtime : undefined));
  ingress.setRoutes(new Map([[HOST, new Map([["echo-00001", 100]])]]));
  port = await ingress.listen(0);
  await runtime.scaleTo(1);
  await until(() => runtime.readyCount === 1);
});

afterAll(async () => {
  await runtime.stopAll();
  await ingress.close();
});

describe("the ingress against raw clients", () => {
  it("answers 400 problem+json to a request with two Host fields", async () => {
    const answer = await exchange(`GET / HTTP/1.1\r\nHost: other.default.localhost\r\nHost: ${HOST}\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 400,
      detail: expect.stringContaining("more than one Host"),
    });
  });

  it("routes an absolute-form target by its authority, not the Host field, and sends that authority on", async () => {
    const answer = await exchange(
      `GET http://${HOST}:8080/headers?x=1 HTTP/1.1\r\nHost: no-such.default.localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe("/headers?x=1");
    expect(seen.headers.host).toBe(`${HOST}:8080`);
  });

  it("drops the headers a Connection field names, both ways", async () => {
    const answer = await exchange(
      `GET /headers HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close, X-Secret\r\nX-Secret: for the ingress only\r\nX-Kept: yes\r\n\r\n`,
    );
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body) as { headers: Record<string, string> };
    expect(seen.headers["x-kept"]).toBe("yes");
    expect(seen.headers["x-secret"]).toBeUndefined();
    // The replica named x-hop in its own Connection field: it stays between the replica and the ingress.
    expect(answer.headers["x-hop"]).toBeUndefined();
    expect(answer.headers["content-type"]).toBe("application/json");
  });

  it("passes on a 413 the replica sends before the client finished its upload", async () => {
    const before = runtime.totals.get("")?.byClass.get("4xx") ?? 0;
    const answer = await upload("/limited", 8 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.body).toBe("too large");
    expect(runtime.totals.get("")?.byClass.get("4xx")).toBe(before + 1);
    expect(runtime.totals.get("")?.byClass.get("5xx")).toBeUndefined();
  });

  it("cuts a client trickling its body at timeoutSeconds with 504, and frees its slot", async () => {
    const started = Date.now();
    const answer = await trickle("/upload", 1000);
    expect(answer.status).toBe(504);
    expect(answer.body).toBe("request timeout");
    expect(answer.closedByServer).toBe(true);
    // timeoutSeconds is 1: cut after about a second, not after the 30 s the trickle would take.
    expect(Date.now() - started).toBeLessThan(5000);
    await until(() => runtime.inFlight === 0);
    // containerConcurrency is 1: the slot is free again for the next request.
    expect((await exchange(`GET /slow?ms=1 HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`)).status).toBe(200);
  });

  it("frees the slot of a client that leaves, and counts it as the client's (499), not as a 5xx", async () => {
    const count = (statusClass: string) => runtime.totals.get("")?.byClass.get(statusClass) ?? 0;
    const before = { "4xx": count("4xx"), "5xx": count("5xx") };
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`GET /slow?ms=60000 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    await until(() => runtime.inFlight === 1);
    socket.destroy();
    await until(() => runtime.inFlight === 0);
    // Not the revision's failure, which a canary would judge; past timeoutSeconds (1 s) it would have been a 504.
    expect(count("4xx")).toBe(before["4xx"] + 1);
    expect(count("5xx")).toBe(before["5xx"]);
  });
});

describe("clients that leave while their request waits", () => {
  // timeoutSeconds far past the test: whatever ends these waits, it is not the time.
  let waitingRuntime: RevisionRuntime;
  let waitingIngress: Ingress;
  let waitingPort: number;
  const host = "wait.default.localhost";
  const count = (statusClass: string) => waitingRuntime.totals.get("")?.byClass.get(statusClass) ?? 0;

  beforeAll(async () => {
    waitingRuntime = new RevisionRuntime(
      {
        service: "wait",
        revision: "wait-00001",
        entry,
        env: {},
        readinessPath: "/health/readiness",
        containerConcurrency: 1,
        timeoutSeconds: 300,
        terminationGraceMs: 2000,
      },
      freePort,
    );
    waitingIngress = new Ingress((name) => (name === "wait-00001" ? waitingRuntime : undefined));
    waitingIngress.setRoutes(new Map([[host, new Map([["wait-00001", 100]])]]));
    waitingPort = await waitingIngress.listen(0);
  });

  afterAll(async () => {
    await waitingRuntime.stopAll();
    await waitingIngress.close();
  });

  function send(path: string): Socket {
    const socket = connect(waitingPort, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    return socket;
  }

  it("a request the activator holds (no replica yet) is let go at once, as the client's (499)", async () => {
    const socket = send("/slow?ms=1");
    await until(() => waitingRuntime.inFlight === 1);
    socket.destroy();
    await until(() => waitingRuntime.inFlight === 0);
    expect([count("4xx"), count("5xx")]).toEqual([1, 0]);
  });

  it("a request queued for a busy replica's slot gives its place up at once, as the client's (499)", async () => {
    await waitingRuntime.scaleTo(1);
    await until(() => waitingRuntime.readyCount === 1);
    const busy = send("/slow?ms=300000");
    await until(() => waitingRuntime.inFlight === 1);
    const queued = send("/slow?ms=1");
    await until(() => waitingRuntime.waitingForSlot === 1);
    queued.destroy();
    await until(() => waitingRuntime.waitingForSlot === 0);
    expect([count("4xx"), count("5xx")]).toEqual([2, 0]);
    busy.destroy();
    await until(() => waitingRuntime.inFlight === 0);
    expect([count("4xx"), count("5xx")]).toEqual([3, 0]);
  });
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  closedByServer: boolean;
}

function parse(raw: string, closedByServer: boolean): Answer {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = rest.join("\r\n\r\n");
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body, closedByServer };
}

function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Sends `request` and reads until the server closes the connection. */
function exchange(request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    socket.setEncoding("latin1");
    socket.on("data", (d) => (raw += d));
    socket.on("error", reject);
    socket.on("end", () => resolve(parse(raw, true)));
    socket.write(request);
  });
}

/** Declares `size` bytes and sends them in 64 KiB chunks until an answer comes (or all are sent). */
function upload(path: string, size: number): Promise<Answer> {
  return withBody(path, size, (socket, answered) => {
    const chunk = Buffer.alloc(64 * 1024, 97);
    let sent = 0;
    const next = () => {
      if (answered() || socket.destroyed || sent >= size) return;
      sent += chunk.length;
      socket.write(chunk, next);
    };
    next();
  });
}

/** Declares `size` bytes and sends one every 30 ms: far slower than the timeout allows. */
function trickle(path: string, size: number): Promise<Answer> {
  return withBody(path, size, (socket, answered) => {
    let sent = 0;
    const next = () => {
      if (answered() || socket.destroyed || sent >= size) return;
      sent++;
      socket.write("a", () => setTimeout(next, 30));
    };
    next();
  });
}

function withBody(
  path: string,
  size: number,
  send: (socket: Socket, answered: () => boolean) => void,
): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(parse(raw, true));
    };
    socket.setEncoding("latin1");
    socket.on("data", (d) => {
      raw += d;
      const answer = parse(raw, false);
      const length = Number(answer.headers["content-length"]);
      if (raw.includes("\r\n\r\n") && Number.isFinite(length) && Buffer.byteLength(answer.body, "latin1") >= length) {
        // A complete answer: the server reads the rest of the body and closes at timeoutSeconds at the latest.
        socket.once("close", done);
        socket.once("end", done);
      }
    });
    socket.on("error", done);
    socket.on("end", done);
    socket.on("close", done);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`,
    );
    send(socket, () => raw.length > 0);
  });
}

const until = (check: () => boolean) => waitFor(check, { what: "the runtime's state" });
