/**
 * npm run screenshots:web: the web app's screens at desktop and phone sizes,
 * into docs/images/, from a running platform (npm start) or WEB_URL with
 * API_KEY. It makes two demo links (once) and sends one of them a few clicks
 * through the redirect on this machine, so the charts have something to show.
 */
import { request } from "node:http";
import { join } from "node:path";
import { repoRoot } from "@platform/processes/local-state";
import { chromium, type Page } from "playwright-core";
import { loopbackLookup } from "../src/loopback-names.ts";
import { webTarget } from "./target.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUT = join(repoRoot, "docs/images");
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const DEMO = [
  { code: "web-demo-docs", targetUrl: "https://knative.dev/docs/" },
  { code: "web-demo-hono", targetUrl: "https://hono.dev/" },
];
const CLICKS = 7;

/** A GET that does not follow the redirect: the click is recorded, nothing leaves this machine. */
function hop(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { lookup: loopbackLookup }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function shoot(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(OUT, `web-${name}-${size}.png`), fullPage: true });
    process.stdout.write(`docs/images/web-${name}-${size}.png\n`);
  }
}

async function main() {
  const { webUrl, apiKey } = webTarget();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ baseURL: webUrl, viewport: SIZES.desktop });
    await page.goto("/sign-in");
    await shoot(page, "sign-in");
    await page.getByLabel("API key").fill(apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    const ids: Record<string, string> = {};
    for (const demo of DEMO) {
      await page.goto(`/links?q=${demo.code}`);
      const existing = page.locator(`tr[data-code="${demo.code}"] a`).first();
      if ((await existing.count()) === 0) {
        await page.goto("/links/new");
        await page.getByLabel("Target URL").fill(demo.targetUrl);
        await page.getByLabel("Code (optional)").fill(demo.code);
        await page.getByRole("button", { name: "Create link" }).click();
        await page.getByText("Link created.").waitFor();
      } else {
        await existing.click();
      }
      await page.getByRole("heading", { name: demo.code }).waitFor();
      ids[demo.code] = new URL(page.url()).pathname;
    }
    const shortUrl = (await page.getByTestId("short-url").first().getAttribute("href")) ?? "";
    const first = DEMO[0]?.code as string;
    const before = Number(
      await (async () => {
        await page.goto(`${ids[first]}?range=24h`);
        return page.getByTestId("total-clicks").textContent();
      })(),
    );
    for (let i = 0; i < CLICKS; i++) await hop(shortUrl.replace(/[^/]+$/, first));
    // Clicks are written in batches at least every second: wait for them, for at most 15 s.
    for (let tries = 0; tries < 30; tries++) {
      await page.goto(`${ids[first]}?range=24h`);
      if (Number(await page.getByTestId("total-clicks").textContent()) >= before + CLICKS) break;
      await page.waitForTimeout(500);
    }
    await shoot(page, "link");
    await page.goto("/?range=24h");
    await shoot(page, "overview");
    await page.goto("/links");
    await shoot(page, "links");
    await page.goto("/links/new");
    await page.getByLabel("Target URL").fill("javascript:alert(1)");
    await page.getByLabel("Code (optional)").fill("x");
    await page.getByRole("button", { name: "Create link" }).click();
    await page.getByTestId("error-targetUrl").waitFor();
    await shoot(page, "refused");
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
