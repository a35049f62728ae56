import { describe, expect, it } from "vitest";
import { conformanceResults, formatReport, type TestEvent } from "./conformance-report.ts";

const suite = "TestIngressConformance";
const out = (test: string, line: string): TestEvent => ({ Action: "output", Test: `${suite}/${test}`, Output: line });
const end = (test: string, action: string, elapsed = 1): TestEvent => ({
  Action: action,
  Test: `${suite}/${test}`,
  Elapsed: elapsed,
});

describe("conformanceResults", () => {
  it.each([
    [
      "a pass has no reasons",
      [out("basics", "    util.go:10: fine\n"), end("basics", "pass", 2.5)],
      [{ name: "basics", outcome: "pass", seconds: 2.5, reasons: [] }],
    ],
    [
      "a failure keeps the suite's messages, not its progress lines",
      [
        out("tls", "=== RUN   TestIngressConformance/tls\n"),
        out("tls", "    util.go:101: [tls-abc] Using port 73\n"),
        out("tls", "    tls.go:57: Error making GET request: remote error: tls: unrecognized name\n"),
        out("tls", "--- FAIL: TestIngressConformance/tls (3.00s)\n"),
        end("tls", "fail", 3),
      ],
      [
        {
          name: "tls",
          outcome: "fail",
          seconds: 3,
          reasons: ["Error making GET request: remote error: tls: unrecognized name"],
        },
      ],
    ],
    [
      "a skip says why",
      [out("grpc", "    run.go:120: Skipping the test in skip-test flag\n"), end("grpc", "skip", 0)],
      [{ name: "grpc", outcome: "skip", seconds: 0, reasons: ["Skipping the test in skip-test flag"] }],
    ],
    [
      "names with slashes and their subtests are each a result, in name order",
      [
        end("basics/http2", "pass"),
        end("basics", "pass"),
        end("dispatch/percentage/50", "fail"),
        end("dispatch/percentage", "fail"),
      ],
      [
        { name: "basics", outcome: "pass", seconds: 1, reasons: [] },
        { name: "basics/http2", outcome: "pass", seconds: 1, reasons: [] },
        { name: "dispatch/percentage", outcome: "fail", seconds: 1, reasons: [] },
        { name: "dispatch/percentage/50", outcome: "fail", seconds: 1, reasons: [] },
      ],
    ],
    [
      "the suite's own events and other tests are left out",
      [
        { Action: "fail", Test: suite, Elapsed: 9 },
        { Action: "pass", Test: "TestOther", Elapsed: 1 },
        { Action: "fail", Elapsed: 9 },
      ],
      [],
    ],
  ] as [string, TestEvent[], unknown][])("%s", (_, events, expected) => {
    expect(conformanceResults(events)).toEqual(expected);
  });

  it("keeps the last four distinct messages of a failure", () => {
    const lines = [1, 2, 3, 3, 4, 5].map((n) => out("retry", `    retry.go:${n}: message ${n}\n`));
    const [result] = conformanceResults([...lines, end("retry", "fail")]);
    expect(result?.reasons).toEqual(["message 2", "message 3", "message 4", "message 5"]);
  });
});

describe("formatReport", () => {
  it("lists each test with its reasons, then the counts", () => {
    const report = formatReport([
      { name: "basics", outcome: "pass", seconds: 2, reasons: [] },
      { name: "tls", outcome: "fail", seconds: 3.25, reasons: ["no certificate"] },
      { name: "httpoption", outcome: "skip", seconds: 0, reasons: [] },
    ]);
    expect(report.split("\n")).toEqual([
      "PASS  basics      2.0 s",
      "FAIL  tls         3.3 s",
      "        no certificate",
      "SKIP  httpoption  0.0 s",
      "ingress conformance (tests and their subtests): 1 passed, 1 failed, 1 skipped",
    ]);
  });
});
