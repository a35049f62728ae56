/**
 * The CLI against a real control API (nothing applied behind it): it sends
 * the token, says so when the token is wrong, and prints console sign-in links.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalServing } from "../controllers/local-serving.ts";
import { type ControlUnderTest, serveControlForTest } from "../testing/control-under-test.ts";
import { runCli } from "./main.ts";

let dataDir: string;
let control: ControlUnderTest;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cli-"));
  const serving = new LocalServing({ dataDir, domain: "localhost", secrets: new Map(), log: () => {} });
  control = await serveControlForTest(serving);
});
afterAll(() => {
  control?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(args: string[], token = control.endpoint.token) {
  let out = "";
  const code = await runCli(args, { endpoint: { ...control.endpoint, token }, out: (text) => (out += text) });
  return { code, out };
}

describe("the CLI and the control token", () => {
  it("reads and changes with the token", async () => {
    expect(await run(["status"])).toMatchObject({ code: 0, out: expect.stringMatching(/^SERVICE\s+REVISION/) });
    expect(await run(["reset", "links"])).toEqual({
      code: 1,
      out: 'refused (404): no Service named "links" in the manifests\n',
    });
  });

  it("says the token is wrong, for reads and changes", async () => {
    for (const args of [["status"], ["reset", "links"], ["logs", "links-00001"], ["console"]]) {
      expect(await run(args, "not-the-token")).toEqual({
        code: 1,
        out: "refused (401): The bearer token is not this platform's control token.\n",
      });
    }
  });

  it("prints a console sign-in link that works once", async () => {
    const { code, out } = await run(["console"]);
    expect(code).toBe(0);
    const url = /^Open (\S+)\n/.exec(out)?.[1] as string;
    expect(url).toMatch(new RegExp(`^${control.endpoint.baseUrl}/login\\?code=`));
    expect(out).toContain("it works once, within 10 minutes");
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("set-cookie")).toContain("HttpOnly; SameSite=Strict");
    expect((await fetch(url, { redirect: "manual" })).status).toBe(401);
  });

  it("says where to start when there is no platform", async () => {
    let out = "";
    expect(await runCli(["status"], { endpoint: undefined, out: (text) => (out += text) })).toBe(1);
    expect(out).toContain("start it with `npm start`");
  });
});
