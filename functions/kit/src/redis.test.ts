import { describe, expect, it } from "vitest";
import { parseRedisUrl } from "./redis.ts";

describe("parseRedisUrl", () => {
  it.each([
    ["redis://cache:6379/2", { kind: "url", url: "redis://cache:6379/2" }],
    ["rediss://cache:6380", { kind: "url", url: "rediss://cache:6380" }],
    [
      "redis-sentinel://10.0.0.1:26379,10.0.0.2:26380/cache",
      {
        kind: "sentinel",
        sentinels: [
          { host: "10.0.0.1", port: 26379 },
          { host: "10.0.0.2", port: 26380 },
        ],
        name: "cache",
        db: 0,
      },
    ],
    [
      "redis-sentinel://:s%40cret@sentinel/cache/3",
      { kind: "sentinel", sentinels: [{ host: "sentinel", port: 26379 }], name: "cache", db: 3, password: "s@cret" },
    ],
  ])("%s", (url, target) => {
    expect(parseRedisUrl(url)).toEqual(target);
  });

  it("names the form when a Sentinel URL has no primary name", () => {
    expect(() => parseRedisUrl("redis-sentinel://s1:26379")).toThrow(
      "REDIS_URL: a Sentinel URL is redis-sentinel://host:port,host:port/<primary name>[/<db>]",
    );
  });
});
