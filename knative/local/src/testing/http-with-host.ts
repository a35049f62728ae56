/**
 * What curl does with http://links.default.localhost:8080: connect to this
 * machine and send that Host. fetch() will not send a Host of our choosing;
 * node:http will. For tests of the ingress and everything behind it.
 */
import { type Agent, request } from "node:http";

export interface HostResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function requestWithHost(
  port: number,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
): Promise<HostResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: init.method ?? "GET",
        headers: { host, ...init.headers },
        ...(init.agent ? { agent: init.agent } : {}),
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}
