/**
 * The console page in a real headless browser (Debian's chromium driven by
 * playwright-core): it shows each function's revisions, split, replicas,
 * rates and charts live, and changes the split and min/max scale; a browser
 * signs in by a one-time link, and a page of another origin that the signed-in
 * browser opens changes nothing. Real LocalServing, processes and ingress behind it.
 */
import { createServer, type Server } from "node:http";
import { freePort } from "@platform/processes/free-port";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlUnderTest, serveControlForTest } from "../testing/control-under-test.ts";
import { requestWithHost } from "../testing/http-with-host.ts";
import {
  isCanary,
  localOverlayWithout,
  type ServingUnderTest,
  startServingForTest,
} from "../testing/serving-under-test.ts";
import { History } from "./history.ts";
import { startSampling } from "./sampler.ts";

/** npm run setup installs Debian's chromium here; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let under: ServingUnderTest;
let control: ControlUnderTest;
let stopSampling: () => void;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const rendered = localOverlayWithout(isCanary);

beforeAll(async () => {
  under = await startServingForTest({ start: true });
  await under.serving.apply(rendered);
  await under.serving.apply(
    rendered.replace('autoscaling.knative.dev/max-scale: "20"', 'autoscaling.knative.dev/max-scale: "21"'),
  );
  const history = new History();
  stopSampling = startSampling(under.serving, history, 250);
  control = await serveControlForTest(under.serving, { history });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  // A context of its own, so that the attacker's page below opens in the same signed-in browser.
  page = await (await browser.newContext()).newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // The browser logs every 4xx answer; the refusal above is one on purpose.
    if (message.type() === "error" && !message.text().includes("status of 400")) pageErrors.push(message.text());
  });
  await page.goto(`${control.endpoint.baseUrl}/login?code=${control.sessions.newLoginCode()}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  stopSampling?.();
  control?.close();
  await under?.close();
});

const section = (service: string) => page.locator(`section[data-service="${service}"]`);
const row = (service: string, revision: string) => section(service).locator(`tr[data-revision="${revision}"]`);

describe("the console", () => {
  it("signs in by its one-time link, which leaves the address bar", async () => {
    expect(page.url()).toBe(`${control.endpoint.baseUrl}/`);
    const cookies = await page.context().cookies(control.endpoint.baseUrl);
    expect(cookies).toEqual([
      expect.objectContaining({ name: "kn_local_console", httpOnly: true, sameSite: "Strict" }),
    ]);
  });

  it("shows a browser without the link how to sign in, and no data", async () => {
    const stranger = await browser.newPage();
    try {
      await stranger.goto(`${control.endpoint.baseUrl}/`);
      await expect
        .poll(() => stranger.getByTestId("signed-out").textContent())
        .toContain("npm run platform -- console");
      expect(await stranger.locator("section[data-service]").count()).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it("shows every function with its revisions, split and replicas", async () => {
    for (const service of ["analytics", "links", "redirect"]) await section(service).waitFor();
    await expect
      .poll(() => row("redirect", "redirect-00002").locator('[data-field="percent"]').textContent())
      .toBe("100%");
    expect(await row("redirect", "redirect-00001").locator('[data-field="percent"]').textContent()).toBe("0%");
    expect(await row("redirect", "redirect-00002").locator('[data-field="replicas"]').textContent()).toBe("1 / 1");
  });

  it("charts the load live: requests per second above zero while requests come in", async () => {
    let running = true;
    const load = (async () => {
      while (running) await requestWithHost(under.port, "redirect.default.localhost", "/no-such-code");
    })();
    try {
      await expect
        .poll(async () => Number(await section("redirect").getByTestId("rps").textContent()), { timeout: 15_000 })
        .toBeGreaterThan(0);
    } finally {
      running = false;
      await load;
    }
    const line = section("redirect").locator('polyline[data-series="requests/s"]');
    expect(await line.count()).toBe(1);
    expect((await line.getAttribute("points"))?.split(" ").length).toBeGreaterThan(2);
    expect(await section("redirect").locator("[data-chart] svg").count()).toBe(5);
  });

  it("changes the traffic split", async () => {
    await row("redirect", "redirect-00001").locator("input").fill("30");
    await row("redirect", "redirect-00002").locator("input").fill("70");
    await section("redirect").getByRole("button", { name: "Apply split" }).click();
    await expect
      .poll(() => row("redirect", "redirect-00001").locator('[data-field="percent"]').textContent())
      .toBe("30%");
    const split = under.serving
      .status()
      .filter((r) => r.service === "redirect")
      .map((r) => r.percent);
    expect(split).toEqual([30, 70]);
    await section("redirect").getByTestId("live-change").waitFor();
  });

  it("shows Knative's refusal of a split that does not add up to 100, and keeps the split", async () => {
    await row("redirect", "redirect-00001").locator("input").fill("30");
    await row("redirect", "redirect-00002").locator("input").fill("30");
    await section("redirect").getByRole("button", { name: "Apply split" }).click();
    await expect
      .poll(() => section("redirect").getByTestId("traffic-error").textContent())
      .toContain("Traffic targets sum to 60, want 100: spec.traffic");
    expect(
      under.serving
        .status()
        .filter((r) => r.service === "redirect")
        .map((r) => r.percent),
    ).toEqual([30, 70]);
  });

  it("changes min and max scale: a new revision that keeps min-scale replicas", async () => {
    await section("links").getByLabel("min scale").fill("2");
    await section("links").getByLabel("max scale").fill("3");
    await section("links").getByRole("button", { name: "Apply scale" }).click();
    await row("links", "links-00002").waitFor({ timeout: 60_000 });
    await expect
      .poll(() => row("links", "links-00002").locator('[data-field="replicas"]').textContent(), { timeout: 20_000 })
      .toBe("2 / 2");
    expect(under.serving.services().find((s) => s.name === "links")).toMatchObject({ minScale: 2, maxScale: 3 });
  });

  it("resets a function to its manifests", async () => {
    await section("redirect").getByRole("button", { name: "Reset to manifests" }).click();
    await expect
      .poll(() => row("redirect", "redirect-00002").locator('[data-field="percent"]').textContent())
      .toBe("100%");
    expect(await section("redirect").getByTestId("live-change").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe("a page of another origin, opened in the signed-in browser", () => {
  let attackerServer: Server;
  let attackerUrl: string;

  /** What an attacker's page on another loopback port tries: forms, no-cors and CORS fetches, cookies included. */
  const attackerPage = (api: string) => `<!doctype html><html><body>
<iframe name="sink-a"></iframe><iframe name="sink-b"></iframe>
<form id="urlencoded" method="POST" action="${api}/services/redirect/traffic" target="sink-a">
  <input name="traffic" value="redirect-00001=100"></form>
<form id="plain" method="POST" enctype="text/plain" action="${api}/services/redirect/env" target="sink-b">
  <input name='{"env":{"NODE_OPTIONS":"--require=/tmp/x","PAD":"' value='"}}'></form>
<script>
const traffic = JSON.stringify({ traffic: [{ revisionName: "redirect-00001", percent: 100 }] });
const env = JSON.stringify({ env: { NODE_OPTIONS: "--require=/tmp/x" } });
async function attempt(run) {
  try { const res = await run(); return res.type === "opaque" ? "opaque" : res.status; }
  catch (error) { return "blocked"; }
}
window.fetches = async () => ({
  noCorsTextPlain: await attempt(() => fetch("${api}/services/redirect/env",
    { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: env })),
  noCorsDeploy: await attempt(() => fetch("${api}/deploy/redirect", { method: "POST", mode: "no-cors", credentials: "include" })),
  jsonWithCredentials: await attempt(() => fetch("${api}/services/redirect/traffic",
    { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: traffic })),
  jsonWithoutCredentials: await attempt(() => fetch("${api}/services/redirect/traffic",
    { method: "POST", credentials: "omit", headers: { "content-type": "application/json" }, body: traffic })),
  deleteWithCredentials: await attempt(() => fetch("${api}/services/links/live-changes", { method: "DELETE", credentials: "include" })),
});
</script></body></html>`;

  beforeAll(async () => {
    const port = await freePort();
    const html = attackerPage(control.endpoint.baseUrl);
    attackerServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
    await new Promise<void>((resolve) => attackerServer.listen(port, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${port}/`;
  });
  afterAll(() => attackerServer?.close());

  /** What a change would move: each Service's traffic, bounds and live change; each revision's share and tags. */
  const platformState = () => ({
    services: under.serving.services().map(({ name, traffic, minScale, maxScale, liveChange }) => ({
      name,
      traffic,
      minScale,
      maxScale,
      liveChange,
    })),
    revisions: under.serving.status().map((r) => [r.revision, r.percent, r.tags]),
  });

  it("changes nothing: forms and no-cors posts are refused with 403, JSON fetches never leave the browser", async () => {
    const before = platformState();
    const attacker = await page.context().newPage();
    const answers: string[] = [];
    attacker.on("response", (res) => {
      if (res.url().startsWith(control.endpoint.baseUrl)) {
        answers.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`);
      }
    });
    try {
      await attacker.goto(attackerUrl);
      for (const [form, path] of [
        ["urlencoded", "/services/redirect/traffic"],
        ["plain", "/services/redirect/env"],
      ]) {
        const answered = attacker.waitForResponse((res) => res.url() === `${control.endpoint.baseUrl}${path}`);
        await attacker.evaluate(`document.getElementById("${form}").submit()`);
        expect((await answered).status()).toBe(403);
      }
      const outcomes = await attacker.evaluate("window.fetches()");
      expect(outcomes).toEqual({
        noCorsTextPlain: "opaque",
        noCorsDeploy: "opaque",
        jsonWithCredentials: "blocked",
        jsonWithoutCredentials: "blocked",
        deleteWithCredentials: "blocked",
      });
      expect(answers.sort()).toEqual([
        "POST /deploy/redirect 403",
        "POST /services/redirect/env 403",
        "POST /services/redirect/env 403",
        "POST /services/redirect/traffic 403",
      ]);
    } finally {
      await attacker.close();
    }
    expect(platformState()).toEqual(before);
    expect(under.serving.services().find((s) => s.name === "redirect")?.liveChange).toBeUndefined();
  });
});
