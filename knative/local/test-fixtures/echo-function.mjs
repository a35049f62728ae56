// A stand-in function for the local serving's tests: answers like a real
// function (health endpoints, $PORT), plus /slow?ms= and /crash.
import { createServer } from "node:http";

let draining = false;
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/health/readiness") {
    res.writeHead(draining ? 503 : 200).end();
  } else if (url.pathname === "/slow") {
    setTimeout(() => res.end(`slow ${process.env.K_REVISION}`), Number(url.searchParams.get("ms") ?? 100));
  } else if (url.pathname === "/crash") {
    process.exit(3);
  } else {
    res.end(`hello from ${process.env.K_REVISION} (${process.env.GREETING ?? "no greeting"})`);
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  draining = true;
  server.close(() => process.exit(0));
});
