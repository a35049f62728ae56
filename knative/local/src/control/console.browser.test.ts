/**
 * The console page in a real headless browser (Debian's chromium driven by
 * playwright-core): it shows each function's revisions, split, replicas,
 * rates and charts live, and changes the split and min/max scale. Real
 * LocalServing, processes and ingress behind it.
 */
import { serve } from "@hono/node-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestWithHost } from "../testing/http-with-host.ts";
import {
  isCanary,
  localOverlayWithout,
  type ServingUnderTest,
  startServingForTest,
} from "../testing/serving-under-test.ts";
import { createControlApp } from "./control-app.ts";
import { History } from "./history.ts";
import { startSampling } from "./sampler.ts";

/** npm run setup installs Debian's chromium here; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let under: ServingUnderTest;
let server: ReturnType<typeof serve>;
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
  const app = createControlApp(under.serving, { history });
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // The browser logs every 4xx answer; the refusal above is one on purpose.
    if (message.type() === "error" && !message.text().includes("status of 400")) pageErrors.push(message.text());
  });
  await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  stopSampling?.();
  server?.close();
  await under?.close();
});

const section = (service: string) => page.locator(`section[data-service="${service}"]`);
const row = (service: string, revision: string) => section(service).locator(`tr[data-revision="${revision}"]`);

describe("the console", () => {
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
