/**
 * How a program calls the control API (the CLI, the load-test runner, tests):
 * the token as a bearer, a change's body as JSON.
 */
import { controlTokenPath, readLocalState } from "@platform/processes/local-state";
import type { ProblemDocument } from "./contract.ts";
import { readControlToken } from "./control-token.ts";

export interface ControlEndpoint {
  baseUrl: string;
  token: string;
}

/** The running `npm start`'s control API as .data/ records it; undefined before its first start. */
export function localControlEndpoint(): ControlEndpoint | undefined {
  const baseUrl = readLocalState()?.controlUrl;
  const token = readControlToken(controlTokenPath);
  return baseUrl && token ? { baseUrl, token } : undefined;
}

/** A refusal of the control API: its status and problem document (application/problem+json). */
export interface Refusal {
  ok: false;
  status: number;
  statusText: string;
  problem: ProblemDocument;
}

/** An answer of the control API: the document the contract names, or the refusal. */
export type ControlAnswer<T> = { ok: true; document: T } | Refusal;

/** A refused answer's problem (empty when its body is not one). */
export async function refusalOf(res: Response): Promise<Refusal> {
  const problem = (await res.json().catch(() => ({}))) as ProblemDocument;
  return { ok: false, status: res.status, statusText: res.statusText, problem };
}

/**
 * Reads an answer as the contract's `T` (./contract.ts): the one place the
 * wire's JSON gets its type. A refusal's body is its problem document.
 */
export async function readAnswer<T>(res: Response): Promise<ControlAnswer<T>> {
  if (!res.ok) return refusalOf(res);
  return { ok: true, document: (await res.json()) as T };
}

export function controlRequest(
  endpoint: ControlEndpoint,
  method: string,
  path: string,
  init: { body?: unknown; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${endpoint.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${endpoint.token}`,
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}
