import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const LIB = new URL("./lib.sh", import.meta.url).pathname;

/** Runs a function of lib.sh in bash, with the registry at its default address. */
function lib(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync("bash", ["-c", `source "${LIB}" && "$@"`, "lib", ...args], {
    encoding: "utf8",
    env: { ...process.env, PLATFORM_REGISTRY: "127.0.0.1:5000", PLATFORM_CLUSTER_CACHE: tmpdir() },
  });
  return { status: result.status, stdout: result.stdout.trim() };
}

describe("local_name: the usual image names as containerd resolves them to the registry on loopback", () => {
  it.each([
    ["ghcr.io/knative-functions-platform/links:0.1.0", "127.0.0.1:5000/knative-functions-platform/links:0.1.0"],
    ["registry.k8s.io/kube-apiserver:v1.36.3", "127.0.0.1:5000/kube-apiserver:v1.36.3"],
    ["registry.k8s.io/coredns/coredns:v1.14.2", "127.0.0.1:5000/coredns/coredns:v1.14.2"],
    ["gcr.io/knative-releases/controller:v1", "127.0.0.1:5000/knative-releases/controller:v1"],
    ["quay.io/prometheus/prometheus:v3", "127.0.0.1:5000/prometheus/prometheus:v3"],
    ["node:lts-slim", "127.0.0.1:5000/library/node:lts-slim"],
    ["docker.io/node:lts-slim", "127.0.0.1:5000/library/node:lts-slim"],
    ["docker.io/library/redis:7", "127.0.0.1:5000/library/redis:7"],
    ["bitnami/redis:7", "127.0.0.1:5000/bitnami/redis:7"],
    ["localhost:5000/a/b:1", "127.0.0.1:5000/a/b:1"],
    ["127.0.0.1:5000/platform/debian:bookworm", "127.0.0.1:5000/platform/debian:bookworm"],
  ])("%s -> %s", (name, expected) => {
    expect(lib("local_name", name)).toEqual({ status: 0, stdout: expected });
  });

  it.each([["ghcr.io/x/y"], ["127.0.0.1:5000/platform/debian"], ["node"]])("%s without a tag is refused", (name) => {
    expect(lib("local_name", name).status).toBe(2);
  });
});

describe("dockerfile_sources: the context paths a Dockerfile's COPY and ADD read", () => {
  const dir = mkdtempSync(join(tmpdir(), "dockerfile-sources-"));
  const cases: [string, string, string[], string[]][] = [
    [
      "a build argument",
      `ARG BINARY\nFROM scratch\nCOPY \${BINARY} /usr/bin/\${BINARY}\n`,
      ["BINARY=pause"],
      ["pause"],
    ],
    ["an ARG default", "ARG F=links\nFROM scratch\nCOPY $F/ /app/\n", [], ["links/"]],
    ["a build argument over the default", `ARG F=links\nCOPY \${F}/ /app/\n`, ["F=web"], ["web/"]],
    [
      "flags and several sources",
      "COPY --chown=1:1 a.txt b.txt /dst/\nADD rootfs.tar /\n",
      [],
      ["a.txt", "b.txt", "rootfs.tar"],
    ],
    ["not another stage's files", "COPY --from=build /out/ /\ncopy x /x\n", [], ["x"]],
    ["continued lines", "COPY \\\n  one \\\n  /one\n", [], ["one"]],
  ];
  it.each(cases)("%s", (_, dockerfile, args, expected) => {
    const file = join(dir, "Dockerfile");
    writeFileSync(file, dockerfile);
    const { status, stdout } = lib("dockerfile_sources", file, ...args);
    expect(status).toBe(0);
    expect(stdout.split("\n").filter(Boolean)).toEqual(expected);
  });
});
