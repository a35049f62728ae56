import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, retryRead, sqlState, withPrimaryTarget } from "./database.ts";

const coded = (code: string) => Object.assign(new Error(code), { code });

describe("withPrimaryTarget", () => {
  it.each([
    ["single host", "postgres://u:p@db:5432/app", "postgres://u:p@db:5432/app"],
    ["single host with query", "postgres://db/app?sslmode=require", "postgres://db/app?sslmode=require"],
    ["single host, comma in the password", "postgres://u:se,cret@db:5432/app", "postgres://u:se,cret@db:5432/app"],
    ["multi host", "postgres://h1:5432,h2:5432/app", "postgres://h1:5432,h2:5432/app?target_session_attrs=primary"],
    ["multi host, postgresql://", "postgresql://h1,h2/app", "postgresql://h1,h2/app?target_session_attrs=primary"],
    [
      "multi host with a query",
      "postgres://h1,h2/app?sslmode=require",
      "postgres://h1,h2/app?sslmode=require&target_session_attrs=primary",
    ],
    ["multi host, no path", "postgres://h1,h2", "postgres://h1,h2?target_session_attrs=primary"],
    [
      "explicit attrs kept",
      "postgres://h1,h2/app?target_session_attrs=any",
      "postgres://h1,h2/app?target_session_attrs=any",
    ],
    [
      "explicit attrs after another param kept",
      "postgres://h1,h2/app?a=1&target_session_attrs=read-write",
      "postgres://h1,h2/app?a=1&target_session_attrs=read-write",
    ],
  ])("%s", (_name, url, expected) => {
    expect(withPrimaryTarget(url)).toBe(expected);
  });
});

describe("isDatabaseUnavailable", () => {
  it.each([
    ["57P01 admin_shutdown", coded("57P01"), true],
    ["08006 connection_failure", coded("08006"), true],
    ["ECONNREFUSED", coded("ECONNREFUSED"), true],
    ["CONNECTION_CLOSED", coded("CONNECTION_CLOSED"), true],
    ["25006 read-only transaction", coded("25006"), true],
    ["23505 unique_violation", coded("23505"), false],
    ["42P01 undefined_table", coded("42P01"), false],
    ["plain Error", new Error("boom"), false],
    ["numeric code", { code: 8006 }, false],
    ["undefined", undefined, false],
    ["null", null, false],
    ["wrapped in cause", new Error("query failed", { cause: coded("57P01") }), true],
    ["wrapped twice", new Error("a", { cause: new Error("b", { cause: coded("ECONNRESET") }) }), true],
    ["wrapped non-connection error", new Error("query failed", { cause: coded("23505") }), false],
    ["AggregateError-like", { errors: [{ code: "ECONNREFUSED" }] }, true],
    ["real AggregateError", new AggregateError([coded("EHOSTUNREACH"), coded("ECONNREFUSED")]), true],
    ["aggregate of others", { errors: [{ code: "23505" }, new Error("x")] }, false],
    ["aggregate in a cause", new Error("a", { cause: { errors: [coded("ETIMEDOUT")] } }), true],
  ])("%s", (_name, error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});

describe("sqlState", () => {
  it.each([
    ["direct", coded("23505"), "23505"],
    ["through cause", new Error("wrapped", { cause: coded("42P01") }), "42P01"],
    [
      "wrapper with a client code, SQLSTATE in cause",
      Object.assign(coded("ERR_X"), { cause: coded("23503") }),
      "23503",
    ],
    ["client code only", coded("ECONNREFUSED"), undefined],
    ["lowercase", coded("abcde"), undefined],
    ["no code", new Error("x"), undefined],
    ["not an error", undefined, undefined],
  ])("%s", (_name, error, expected) => {
    expect(sqlState(error)).toBe(expected);
  });
});

describe("retryRead", () => {
  function failing(errors: unknown[], value = "ok") {
    let calls = 0;
    const read = async () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return value;
    };
    return { read, calls: () => calls };
  }

  it.each([
    ["succeeds at once", [], 3, "ok", 1],
    ["retries an unavailable error", [coded("57P01")], 3, "ok", 2],
    ["retries up to the last attempt", [coded("57P01"), coded("ECONNRESET")], 3, "ok", 3],
    ["gives up after the attempts", [coded("57P01"), coded("57P01"), coded("57P01")], 3, "57P01", 3],
    ["one attempt means no retry", [coded("ECONNREFUSED")], 1, "ECONNREFUSED", 1],
    ["does not retry other errors", [coded("23505")], 3, "23505", 1],
    ["stops at a later other error", [coded("57P01"), coded("42P01")], 5, "42P01", 2],
  ])("%s", async (_name, errors, attempts, outcome, calls) => {
    const reader = failing(errors);
    const result = retryRead(reader.read, attempts, 1);
    if (outcome === "ok") await expect(result).resolves.toBe("ok");
    else await expect(result).rejects.toMatchObject({ code: outcome });
    expect(reader.calls()).toBe(calls);
  });
});
