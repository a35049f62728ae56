// A stand-in function for the local serving's tests: answers like a real
// function (health endpoints, $PORT), plus /slow?ms=, /crash, /headers (what
// it received), /upload (reads the body, answers its size) and /limited (413
// at once, before reading, for a body over 1 KiB, then closes). EXIT_AT_START=<code> makes
// it write a line and exit at once.
import { createServer } from "node:http";

if (process.env.EXIT_AT_START) {
  process.stderr.write("cannot start: EXIT_AT_START is set\n");
  process.exit(Number(process.env.EXIT_AT_START));
}

let draining = false;
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/health/readiness") {
    res.writeHead(draining ? 503 : 200).end();
  } else if (url.pathname === "/slow") {
    setTimeout(() => res.end(`slow ${process.env.K_REVISION}`), Number(url.searchParams.get("ms") ?? 100));
  } else if (url.pathname === "/crash") {
    process.exit(3);
  } else if (url.pathname === "/headers") {
    res.writeHead(200, { "content-type": "application/json", "x-hop": "from replica", connection: "x-hop" });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  } else if (url.pathname === "/upload") {
    let size = 0;
    req.on("data", (chunk) => (size += chunk.length));
    req.on("end", () => res.end(`received ${size}`));
  } else if (url.pathname === "/limited" && Number(req.headers["content-length"] ?? 0) > 1024) {
    // As @hono/node-server does after an early answer: drain the unread body for a moment, then close.
    res.writeHead(413, { "content-type": "text/plain" }).end("too large");
    setTimeout(() => req.socket.destroySoon(), 200);
  } else {
    res.end(`hello from ${process.env.K_REVISION} (${process.env.GREETING ?? "no greeting"})`);
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  draining = true;
  server.close(() => process.exit(0));
});
