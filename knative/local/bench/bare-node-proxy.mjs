/**
 * The floor of a proxy written on Node, the second anchor of bench:ingress:
 * node:http in, undici out, raw header fields passed through, and nothing
 * else (no routing, limits, metering, timeouts or hop-by-hop rules). The
 * ingress's distance to it is what its own work costs; its distance to Envoy
 * is what Node costs. Usage: node bare-node-proxy.mjs <port> <upstream port>
 */
import { createServer } from "node:http";
import { Pool } from "undici";

const [port, upstreamPort] = process.argv.slice(2).map(Number);
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 256, pipelining: 1 });

createServer((req, res) => {
  pool.dispatch(
    { path: req.url, method: req.method, headers: req.rawHeaders, body: null },
    {
      onRequestStart() {},
      onResponseStart(_controller, status, headers) {
        res.writeHead(status, headers);
      },
      onResponseData(_controller, chunk) {
        res.write(chunk);
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      },
    },
  );
}).listen(port, "127.0.0.1", () => process.send?.("listening"));

// Forked by the bench: it goes when the bench goes, however that ends.
process.on("disconnect", () => process.exit(0));
