/**
 * The API probes: every Knative Service of an environment Ready, and the
 * quickstart's flow through Kourier by Host: create a link with the demo
 * tenant's key, follow it on the short-link domain, read its clicks back from
 * analytics. A check of test:cluster, and promote's gate on test.
 */
import { viaIngress } from "./ingress.ts";
import { demoApiKey, isReady, type KnativeService, kubectlJson } from "./kube.ts";

interface DomainMapping {
  metadata: { name: string };
  status?: { url?: string; conditions?: { type: string; status: string }[] };
}

export interface ProbeResult {
  ok: boolean;
  figures: string[];
}

export async function probeApi(namespace: string, log: (line: string) => void): Promise<ProbeResult> {
  const figures: string[] = [];
  const { items } = await kubectlJson<{ items: KnativeService[] }>(["-n", namespace, "get", "ksvc"]);
  const notReady = items.filter((s) => !isReady(s.status?.conditions)).map((s) => s.metadata.name);
  figures.push(
    `Knative Services Ready: ${items.length - notReady.length}/${items.length}${notReady.length ? ` (not: ${notReady.join(", ")})` : ""}`,
  );
  const url = (name: string) => {
    const found = items.find((s) => s.metadata.name === name)?.status?.url;
    if (!found) throw new Error(`ksvc ${namespace}/${name} has no URL`);
    return found;
  };
  const key = await demoApiKey(namespace);
  const auth = { authorization: `Bearer ${key}` };
  const code = `cluster-${Date.now().toString(36)}`;

  const created = await viaIngress(`${url("links")}/links`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ targetUrl: "https://knative.dev/docs/", code }),
  });
  figures.push(`POST ${url("links")}/links -> ${created.status}`);
  const linkId = created.status === 201 ? (JSON.parse(created.body) as { id: number }).id : undefined;

  const { items: mappings } = await kubectlJson<{ items: DomainMapping[] }>(["-n", namespace, "get", "domainmapping"]);
  const shortDomain = mappings.find((m) => isReady(m.status?.conditions as never))?.metadata.name;
  const shortBase = shortDomain ? `http://${shortDomain}` : url("redirect");
  const followed = await viaIngress(`${shortBase}/${code}`);
  figures.push(`GET ${shortBase}/${code} -> ${followed.status} ${followed.headers.location ?? ""}`);
  log(
    `short links served on ${shortBase}${shortDomain ? " (DomainMapping)" : " (no Ready DomainMapping: the redirect's own URL)"}`,
  );

  // Clicks land in batches: wait for this one (bounded).
  let clicks = -1;
  for (let i = 0; i < 40 && clicks < 1 && linkId !== undefined; i++) {
    const stats = await viaIngress(`${url("analytics")}/stats/links/${linkId}`, { headers: auth });
    if (stats.status === 200) clicks = (JSON.parse(stats.body) as { total: number }).total;
    if (clicks < 1) await new Promise((r) => setTimeout(r, 500));
  }
  figures.push(`analytics: ${clicks} click(s) on ${code}`);
  return {
    ok:
      notReady.length === 0 &&
      created.status === 201 &&
      followed.status === 302 &&
      followed.headers.location === "https://knative.dev/docs/" &&
      clicks >= 1,
    figures,
  };
}
