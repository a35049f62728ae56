/**
 * The web app in a real headless browser (Debian's chromium driven by
 * playwright-core), over the real links, analytics and redirect apps: a
 * tenant's whole round, another tenant's view, and axe-core's accessibility
 * check of every screen at desktop and phone sizes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebStack, type WebStack } from "./testing/web-stack.ts";

/** npm run setup installs Debian's chromium here; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let stack: WebStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  stack = await startWebStack({ serve: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: stack.webUrl });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.webUrl });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    // A page answered 4xx on purpose (a refused form, another tenant's link) is logged as a failed load.
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  return page;
}

/** axe-core in the page (evaluated, so the page's CSP need not allow it): its serious and critical findings. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}
interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** Both sizes: no serious accessibility finding, and nothing wider than the screen. */
async function checkScreen(page: Page, name: string) {
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    expect(await accessibilityProblems(page), `${name} at ${viewport.width} px`).toEqual([]);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow, `${name} at ${viewport.width} px is wider than the screen`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(DESKTOP);
}

async function signIn(page: Page, key: string) {
  await page.goto("/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}

describe("the web app in a browser", () => {
  let page: Page;
  let linkPath = "";

  it("has an accessibility check that finds what it should (an input without a label)", async () => {
    const probe = await newPage();
    await probe.setContent('<!doctype html><html lang="en"><title>probe</title><main><input></main></html>');
    expect((await accessibilityProblems(probe)).join()).toMatch(/^label \(critical\)/);
    await probe.close();
  });

  it("signs in with a key, refusing a wrong one at its field", async () => {
    page = await newPage();
    await page.goto("/links");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await checkScreen(page, "sign-in");
    await page.getByLabel("API key").fill("lsk_not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("error-apiKey").textContent()).toBe("This API key is unknown or revoked.");
    expect(await page.getByLabel("API key").getAttribute("aria-invalid")).toBe("true");
    await checkScreen(page, "sign-in refused");
    await signIn(page, stack.keys.alice);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["session", true, "Lax"]]);
    expect(JSON.stringify(cookies)).not.toContain(stack.keys.alice);
    await checkScreen(page, "overview");
  });

  it("shows the empty list, then refuses a bad link at its field and creates a good one", async () => {
    await page.getByRole("link", { name: "Links", exact: true }).click();
    await page.getByText("You have no links yet.").waitFor();
    await checkScreen(page, "empty list");

    await page.getByRole("link", { name: "Create your first link" }).click();
    await page.getByLabel("Target URL").fill("javascript:alert(1)");
    await page.getByLabel("Code (optional)").fill("browser-link");
    await page.getByRole("button", { name: "Create link" }).click();
    await expect.poll(() => page.getByTestId("error-targetUrl").textContent()).toMatch(/http or https/);
    expect(await page.getByLabel("Target URL").getAttribute("aria-invalid")).toBe("true");
    await checkScreen(page, "new link refused");

    // The short link's target is on this machine, so the browser's redirect stays on loopback.
    await page.getByLabel("Target URL").fill(`${stack.webUrl}/links?from=short-link`);
    await page.getByLabel("Redirect type").selectOption("302");
    await page.getByRole("button", { name: "Create link" }).click();
    await page.getByText("Link created.").waitFor();
    await page.getByRole("heading", { name: "browser-link" }).waitFor();
    linkPath = new URL(page.url()).pathname;
    await checkScreen(page, "link page");
  });

  it("copies the short URL", async () => {
    await page.getByRole("button", { name: `Copy ${stack.redirectUrl}/browser-link` }).click();
    await expect
      .poll(() => page.evaluate<string>("navigator.clipboard.readText()"))
      .toBe(`${stack.redirectUrl}/browser-link`);
  });

  it("edits the link and disables it, then enables it again", async () => {
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByLabel("Target URL").fill(`${stack.webUrl}/links?from=edited`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved.").waitFor();
    await page.getByText(`${stack.webUrl}/links?from=edited`).waitFor();

    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByText("Link disabled").waitFor();
    expect(await page.getByTestId("status").textContent()).toBe("Disabled");
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByText("Link enabled.").waitFor();
    expect(await page.getByTestId("status").textContent()).toBe("Active");
  });

  it("counts a click after the short link redirects", async () => {
    expect(await page.getByTestId("total-clicks").textContent()).toBe("0");
    await page.goto(`${stack.redirectUrl}/browser-link`);
    expect(new URL(page.url()).searchParams.get("from")).toBe("edited");
    await stack.redirect.clicks.drain();
    await page.goto(`${linkPath}?range=24h`);
    expect(await page.getByTestId("total-clicks").textContent()).toBe("1");
    await page.getByTestId("clicks-chart").locator("rect.bar").first().waitFor();
    await page.goto("/");
    await page.getByRole("link", { name: "browser-link" }).waitFor();
    await checkScreen(page, "overview with clicks");
  });

  it("lists and searches the links, on a phone too", async () => {
    await page.goto("/links");
    await page.locator('tr[data-code="browser-link"]').waitFor();
    await checkScreen(page, "list");
    await page.getByLabel("Search by code or target").fill("BROWSER");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("1 link matches").waitFor();
  });

  it("never shows the link to another tenant", async () => {
    const bob = await newPage(PHONE);
    await signIn(bob, stack.keys.bob);
    await bob.goto("/links");
    await bob.getByText("You have no links yet.").waitFor();
    const response = await bob.goto(linkPath);
    expect(response?.status()).toBe(404);
    await bob.getByRole("heading", { name: "Not Found" }).waitFor();
    await checkScreen(bob, "not found");
  });

  it("deletes the link after a confirmation", async () => {
    await page.goto(linkPath);
    await page.getByRole("link", { name: "Delete" }).click();
    await page.getByRole("heading", { name: "Delete browser-link?" }).waitFor();
    await checkScreen(page, "delete confirmation");
    await page.getByRole("button", { name: "Delete this link" }).click();
    await page.getByText("Link deleted.").waitFor();
    expect(await page.locator('tr[data-code="browser-link"]').count()).toBe(0);
  });

  it("signs out, and the session is gone", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    expect(await page.context().cookies()).toEqual([]);
    await page.goto("/links");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(problems).toEqual([]);
  });
});
