import { describe, expect, it } from "vitest";
import { connectionOptions, endToEndHeaders } from "./hop-by-hop.ts";

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
