import { describe, expect, it } from "vitest";
import { parseCommand } from "./commands.ts";

describe("parseCommand: the request each command line makes", () => {
  it.each([
    [["help"], { kind: "help" }],
    [["status"], { kind: "status" }],
    [["console"], { kind: "console" }],
    [["deploy", "links"], { kind: "request", method: "POST", path: "/deploy/links", done: "deployed" }],
    [
      ["traffic", "redirect", "redirect-00001=90", "@latest=10"],
      {
        method: "POST",
        path: "/services/redirect/traffic",
        body: {
          traffic: [
            { revisionName: "redirect-00001", percent: 90 },
            { latestRevision: true, percent: 10 },
          ],
        },
      },
    ],
    [
      ["traffic", "redirect", "redirect-00001=50,redirect-00002=50"],
      {
        body: {
          traffic: [
            { revisionName: "redirect-00001", percent: 50 },
            { revisionName: "redirect-00002", percent: 50 },
          ],
        },
      },
    ],
    [
      ["tag", "redirect", "redirect-00001=previous"],
      { path: "/services/redirect/tags", body: { tag: "previous", revision: "redirect-00001" } },
    ],
    [["untag", "redirect", "previous"], { path: "/services/redirect/tags", body: { tag: "previous" } }],
    [["scale", "links", "min=1", "max=4"], { path: "/services/links/scale", body: { minScale: 1, maxScale: 4 } }],
    [["scale", "redirect", "window=6s"], { path: "/services/redirect/scale", body: { window: "6s" } }],
    [
      ["env", "redirect", "FAIL_RATE=0.3", "LOG_LEVEL-"],
      { path: "/services/redirect/env", body: { env: { FAIL_RATE: "0.3", LOG_LEVEL: null } } },
    ],
    [["env", "redirect", "GREETING=a=b"], { body: { env: { GREETING: "a=b" } } }],
    [["reset", "links"], { method: "DELETE", path: "/services/links/live-changes" }],
    [["logs", "links-00002"], { kind: "logs", revision: "links-00002", tail: 100, follow: false }],
    [["logs", "links-00002", "--tail", "20", "--follow"], { kind: "logs", tail: 20, follow: true }],
  ])("%j", (args, expected) => {
    expect(parseCommand(args)).toMatchObject(expected);
  });

  it.each([
    [["dance"], "usage: npm run platform"],
    [["deploy"], "deploy needs a service"],
    [["traffic", "redirect"], "traffic needs a service and at least one <rev>=<percent>"],
    [["traffic", "redirect", "redirect-00001:90"], '"redirect-00001:90" is not <revision>=<percent>'],
    [["traffic", "redirect", "redirect-00001=-5"], '"redirect-00001=-5" is not <revision>=<percent>'],
    [["tag", "redirect", "redirect-00001"], "tag needs a service and one <revision>=<tag>"],
    [["scale", "links", "min=two"], '"min=two" is not min=<n>, max=<n>'],
    [["env", "links"], "env needs a service and NAME=value or NAME-"],
    [["env", "links", "FAIL RATE"], '"FAIL RATE" is not NAME=value or NAME-'],
    [["logs", "links-00001", "--tail", "0"], "--tail needs a whole number of lines"],
    [["logs", "links-00001", "--tial", "3"], "Unknown option '--tial'"],
    [["status", "--follow"], "--tail and --follow are options of logs"],
  ])("%j is refused: %s", (args, message) => {
    const parsed = parseCommand(args);
    expect("error" in parsed && parsed.error).toContain(message);
  });
});
