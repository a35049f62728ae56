/**
 * npm run bench:web: the bytes a browser downloads for the web app's first
 * page (the sign-in page) and for the list of links after signing in: the
 * HTML and every asset it names, as sent on the wire with gzip, against the
 * budget. Against a running platform (npm start) or WEB_URL with API_KEY.
 */
import { request } from "node:http";
import { webTarget } from "../scripts/target.ts";
import { loopbackLookup } from "../src/loopback-names.ts";

/** On a slow 3G link (400 kbit/s, Chrome's preset) 30 KB take about 0.6 s after the first byte. */
const BUDGET_BYTES = 30 * 1024;

interface Fetched {
  status: number;
  wireBytes: number;
  encoding: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET or POST as a browser sends it (gzip accepted), counting the bytes of the body as they arrive. */
function fetchCounted(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Fetched>((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? "GET", headers: { "accept-encoding": "gzip", ...init.headers }, lookup: loopbackLookup },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", async () => {
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers["content-encoding"] ?? "identity");
          const { gunzipSync } = await import("node:zlib");
          const body = (encoding === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
          resolve({ status: res.statusCode ?? 0, wireBytes: raw.length, encoding, body, headers: res.headers });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${url}: no answer in 10 s`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

async function pageWeight(webUrl: string, path: string, cookie?: string) {
  const page = await fetchCounted(`${webUrl}${path}`, cookie ? { headers: { cookie } } : {});
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
  const assetPaths = [...page.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
  const assets = await Promise.all(assetPaths.map((asset) => fetchCounted(`${webUrl}${asset}`)));
  const rows = [
    { name: `${path} (HTML)`, bytes: page.wireBytes, raw: Buffer.byteLength(page.body), encoding: page.encoding },
    ...assets.map((a, i) => ({
      name: assetPaths[i] as string,
      bytes: a.wireBytes,
      raw: Buffer.byteLength(a.body),
      encoding: a.encoding,
    })),
  ];
  return { rows, total: rows.reduce((sum, r) => sum + r.bytes, 0), body: page.body };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main() {
  const { webUrl, apiKey } = webTarget();
  const signIn = await fetchCounted(`${webUrl}/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: webUrl },
    body: new URLSearchParams({ apiKey }).toString(),
  });
  const cookie = String(signIn.headers["set-cookie"] ?? "").split(";")[0];
  if (signIn.status !== 303 || !cookie) throw new Error(`signing in answered ${signIn.status}: ${signIn.body}`);

  process.stdout.write(`web app at ${webUrl}; budget ${kb(BUDGET_BYTES)} on the wire per page, HTML and assets\n\n`);
  let over = false;
  let csrf = "";
  for (const [label, path, withCookie] of [
    ["first page (sign-in)", "/sign-in", undefined],
    ["list of links (signed in)", "/links", cookie],
  ] as const) {
    const weight = await pageWeight(webUrl, path, withCookie);
    const links = (weight.body.match(/<tr data-code=/g) ?? []).length;
    csrf ||= /name="_csrf" value="([^"]+)"/.exec(weight.body)?.[1] ?? "";
    process.stdout.write(`${label}${path === "/links" ? `, ${links} links shown` : ""}\n`);
    for (const row of weight.rows) {
      process.stdout.write(
        `  ${row.name.padEnd(34)} ${kb(row.bytes).padStart(9)} ${row.encoding.padEnd(8)} (${kb(row.raw)} unpacked)\n`,
      );
    }
    const ratio = weight.total / BUDGET_BYTES;
    over ||= ratio > 1;
    process.stdout.write(
      `  ${"total".padEnd(34)} ${kb(weight.total).padStart(9)}          ${ratio.toFixed(2)} of the budget\n\n`,
    );
  }
  await fetchCounted(`${webUrl}/sign-out`, {
    method: "POST",
    headers: { cookie, origin: webUrl, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  if (over) {
    process.stdout.write("over the budget\n");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
