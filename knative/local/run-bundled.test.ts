import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const runBundled = fileURLToPath(new URL("./run-bundled.mjs", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./src/testing/run-bundled-fixture/${name}`, import.meta.url));

describe("run-bundled.mjs (how npm start runs the platform)", () => {
  it("runs a TypeScript entry under plain Node, each file keeping its own import.meta.url and the arguments", async () => {
    const { stdout } = await run(process.execPath, [runBundled, fixture("entry.ts"), "one", "two"]);
    expect(JSON.parse(stdout)).toEqual({
      own: pathToFileURL(fixture("entry.ts")).href,
      imported: pathToFileURL(fixture("imported.ts")).href,
      argv: [fixture("entry.ts"), "one", "two"],
    });
  });

  it("maps a stack trace back to the TypeScript source", async () => {
    const failed = await run(process.execPath, [runBundled, fixture("entry.ts"), "throw"]).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("thrown from the entry");
    expect(failed.stderr).toMatch(/run-bundled-fixture\/entry\.ts:4/);
  });

  it("says how to use it when no entry is given", async () => {
    const failed = await run(process.execPath, [runBundled]).catch((error) => error);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("usage: node knative/local/run-bundled.mjs <entry.ts> [arguments]");
  });
});
