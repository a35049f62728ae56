import { describe, expect, it } from "vitest";
import { connectionOptions, endToEndHeaders, endToEndRawHeaders } from "./hop-by-hop.ts";

describe("connectionOptions", () => {
  it.each([
    [undefined, []],
    ["close", ["close"]],
    ["Keep-Alive, X-Secret ,x-other", ["keep-alive", "x-secret", "x-other"]],
    [
      ["x-a", "X-B, x-c"],
      ["x-a", "x-b", "x-c"],
    ],
    [" , ,", []],
  ])("Connection %j names %j", (header, names) => {
    expect(connectionOptions(header)).toEqual(names);
  });
});

describe("endToEndHeaders", () => {
  it("drops the fixed hop-by-hop headers and those the Connection header names", () => {
    expect(
      endToEndHeaders({
        host: "s.default.localhost",
        connection: "keep-alive, X-Hop",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        te: "trailers",
        trailer: "x-sum",
        upgrade: "h2c",
        "proxy-connection": "keep-alive",
        "x-hop": "secret",
        "x-end": "kept",
        accept: "*/*",
      }),
    ).toEqual({ host: "s.default.localhost", "x-end": "kept", accept: "*/*" });
  });

  it("keeps everything when nothing is hop-by-hop", () => {
    expect(endToEndHeaders({ "content-type": "text/plain", "x-a": ["1", "2"] })).toEqual({
      "content-type": "text/plain",
      "x-a": ["1", "2"],
    });
  });
});

describe("endToEndRawHeaders", () => {
  it("drops the hop-by-hop fields, keeps repeated ones as they came, and replaces Host when asked", () => {
    const raw = [
      "Host",
      "s.default.localhost",
      "Connection",
      "keep-alive, X-Hop",
      "connection",
      "x-other",
      "Keep-Alive",
      "timeout=5",
      "Transfer-Encoding",
      "chunked",
      "X-Hop",
      "secret",
      "x-other",
      "secret",
      "Accept",
      "text/html",
      "accept",
      "*/*",
      "Content-Type",
      "a",
      "content-type",
      "b",
    ];
    const kept = ["Accept", "text/html", "accept", "*/*", "Content-Type", "a", "content-type", "b"];
    expect(endToEndRawHeaders(raw)).toEqual(["Host", "s.default.localhost", ...kept]);
    expect(endToEndRawHeaders(raw, "h:8080")).toEqual(["Host", "h:8080", ...kept]);
  });

  it("keeps everything when nothing is hop-by-hop", () => {
    expect(endToEndRawHeaders(["x-a", "1", "X-A", "2"])).toEqual(["x-a", "1", "X-A", "2"]);
  });
});
