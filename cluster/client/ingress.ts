/** Requests through Kourier's external listener (a NodePort on loopback), by Host, as a user's curl. */
import { Agent, request } from "undici";

export const INGRESS_URL = new URL(process.env.CLUSTER_INGRESS_URL ?? "http://127.0.0.1:31080");
const agent = new Agent({ connections: 64, keepAliveTimeout: 4_000 });

export interface IngressAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function viaIngress(
  url: string,
  init: { method?: "GET" | "POST" | "PATCH" | "DELETE" | "HEAD"; headers?: Record<string, string>; body?: string } = {},
  timeoutMs = 30_000,
): Promise<IngressAnswer> {
  const target = new URL(url);
  const res = await request(new URL(`${target.pathname}${target.search}`, INGRESS_URL), {
    method: init.method ?? "GET",
    headers: { ...init.headers, host: target.host },
    body: init.body,
    dispatcher: agent,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}
