import { describe, expect, it } from "vitest";
import { classifyWriteError } from "./click-errors.ts";

const pg = (code: string, message = "") => Object.assign(new Error(message), { code });

describe("classifyWriteError", () => {
  it.each([
    // a retry can fix it: the database was away, busy, failing over, or timed out
    ["connection refused (Node)", pg("ECONNREFUSED"), "retry"],
    ["connection reset (Node)", pg("ECONNRESET"), "retry"],
    ["postgres.js: connection closed", pg("CONNECTION_CLOSED"), "retry"],
    ["postgres.js: connection destroyed", pg("CONNECTION_DESTROYED"), "retry"],
    ["postgres.js: connect timeout", pg("CONNECT_TIMEOUT"), "retry"],
    ["08006 connection failure", pg("08006"), "retry"],
    ["57P01 admin shutdown (failover)", pg("57P01"), "retry"],
    ["57P03 cannot connect now (recovery)", pg("57P03"), "retry"],
    ["57014 statement timeout", pg("57014"), "retry"],
    ["25006 read-only transaction (a standby after failover)", pg("25006"), "retry"],
    ["40001 serialization failure", pg("40001"), "retry"],
    ["40P01 deadlock", pg("40P01"), "retry"],
    ["53300 too many connections", pg("53300"), "retry"],
    ["53100 disk full", pg("53100"), "retry"],
    ["58030 I/O error (Citus: COPY to a worker failed)", pg("58030", "failed to complete COPY on w1:5432"), "retry"],
    ["55P03 lock not available", pg("55P03"), "retry"],
    ["42703 undefined column (a release ahead of its migration)", pg("42703"), "retry"],
    ["XX000 without a constraint in its message", pg("XX000", "connection to the remote node w1:5432 failed"), "retry"],
    ["no code at all", new Error("something"), "retry"],
    ["not an error", "boom", "retry"],
    // no retry can fix it: something in the clicks
    ["23503 foreign key (a deleted link)", pg("23503", 'violates foreign key constraint "clicks_link_fkey"'), "reject"],
    ["23502 not null", pg("23502"), "reject"],
    ["23514 check", pg("23514"), "reject"],
    ["22021 invalid byte sequence (a NUL)", pg("22021"), "reject"],
    ["22P02 invalid text representation", pg("22P02"), "reject"],
    ["22008 datetime out of range", pg("22008"), "reject"],
    [
      "XX000: Citus' COPY reporting a worker's foreign key violation",
      pg(
        "XX000",
        'insert or update on table "clicks_102008" violates foreign key constraint "clicks_link_fkey_102008"',
      ),
      "reject",
    ],
    [
      "XX000: a worker's not-null violation",
      pg("XX000", 'null value in column "country" of relation "clicks_102008"'),
      "reject",
    ],
    ["XX000: a worker's bad input", pg("XX000", 'invalid input syntax for type bigint: "x"'), "reject"],
    ["drizzle's wrapper around 23503", Object.assign(new Error("Failed query"), { cause: pg("23503") }), "reject"],
    ["a wrapper around a lost connection", Object.assign(new Error("Failed query"), { cause: pg("57P01") }), "retry"],
  ])("%s: %s", (_name, error, kind) => {
    expect(classifyWriteError(error)).toBe(kind);
  });
});
