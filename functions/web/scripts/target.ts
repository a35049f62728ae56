/**
 * Where the web app's scripts find it: WEB_URL, or the local platform's
 * ingress (npm start) by the web function's host name; the key is API_KEY or
 * the demo tenant's from .data/local-state.json.
 */
import { readLocalState } from "@platform/processes/local-state";

export interface WebTarget {
  webUrl: string;
  apiKey: string;
}

export function webTarget(): WebTarget {
  const state = readLocalState();
  const ingress = state?.ingressUrl ? new URL(state.ingressUrl) : undefined;
  const webUrl = process.env.WEB_URL ?? (ingress ? `http://web.default.localhost:${ingress.port}` : undefined);
  const apiKey = process.env.API_KEY ?? state?.demoApiKey;
  if (!webUrl || !apiKey) {
    throw new Error("No platform to measure: run `npm start` first, or set WEB_URL and API_KEY.");
  }
  return { webUrl: webUrl.replace(/\/$/, ""), apiKey };
}
