/**
 * How a program calls the control API (the CLI, the load-test runner, tests):
 * the token as a bearer, a change's body as JSON.
 */
import { controlTokenPath, readLocalState } from "@platform/processes/local-state";
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
