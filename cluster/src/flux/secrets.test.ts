import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAgeRecipient, parseEnvFile, secretManifest } from "./secrets.ts";

const repo = join(import.meta.dirname, "../../..");

describe("parseEnvFile", () => {
  it("reads KEY=value lines as make-secrets.sh writes them, = in values included", () => {
    expect(parseEnvFile("A=1\n\nDATABASE_URL=postgres://u:p@h/db?x=y\n", "f.env")).toEqual({
      A: "1",
      DATABASE_URL: "postgres://u:p@h/db?x=y",
    });
  });

  it.each([
    ["a line without =", "A=1\nnot a pair\n", /f\.env:2: expected KEY=value/],
    ["an empty key", "=1\n", /f\.env:1: expected KEY=value/],
    ["a key set twice", "A=1\nA=2\n", /f\.env:2: A is set twice/],
    ["no line at all", "\n", /f\.env: no KEY=value line/],
  ])("refuses %s, naming the file and line", (_, text, error) => {
    expect(() => parseEnvFile(text, "f.env")).toThrow(error);
  });
});

describe("secretManifest", () => {
  it("is the Secret the dev overlay's secretGenerator makes, in the namespace", () => {
    expect(secretManifest("platform-demo", "test", { DEMO_API_KEY: "k" })).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "platform-demo", namespace: "test", labels: { "app.kubernetes.io/part-of": "platform-data" } },
      type: "Opaque",
      stringData: { DEMO_API_KEY: "k" },
    });
  });
});

describe("isAgeRecipient", () => {
  it.each([
    ["age1w5l3d328tuyzdyf3z2ewpr2v5tguzjynng0e3sf323a4pjg3xdws4jsn6f", true],
    ["age1w5l3d328tuyzdyf3z2ewpr2v5tguzjynng0e3sf323a4pjg3xdws4jsn6", false],
    ["AGE-SECRET-KEY-1QQQQ", false],
    ["age1b5l3d328tuyzdyf3z2ewpr2v5tguzjynng0e3sf323a4pjg3xdws4jsn6f", false],
  ])("%s: %s", (s, expected) => {
    expect(isAgeRecipient(s)).toBe(expected);
  });
});

describe("seal.ts refuses bad arguments, naming the option and the fix", () => {
  const seal = (...args: string[]) => {
    try {
      execFileSync(join(repo, "node_modules/.bin/tsx"), [join(repo, "cluster/src/flux/seal.ts"), ...args], {
        stdio: "pipe",
        encoding: "utf8",
      });
      return "";
    } catch (error) {
      return String((error as { stderr: string }).stderr);
    }
  };
  it.each([
    [
      ["--from", "x", "--out", "y", "--age", "age1w5l3d328tuyzdyf3z2ewpr2v5tguzjynng0e3sf323a4pjg3xdws4jsn6f"],
      /--env: a namespace name/,
    ],
    [["--env", "Dev!", "--from", "x", "--out", "y"], /--env: a namespace name/],
    [["--env", "dev", "--from", "x", "--out", "y"], /--age: the cluster's age public key/],
    [
      ["--env", "dev", "--from", "x", "--out", "y", "--age", "AGE-SECRET-KEY-1X"],
      /--age: "AGE-SECRET-KEY-1X" is not an age public key/,
    ],
    [
      ["--env", "dev", "--out", "y", "--age", "age1w5l3d328tuyzdyf3z2ewpr2v5tguzjynng0e3sf323a4pjg3xdws4jsn6f"],
      /--from: the folder/,
    ],
  ])(
    "%j",
    (args, error) => {
      expect(seal(...args)).toMatch(error);
    },
    20_000,
  );
});
