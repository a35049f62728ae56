import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommand, ROLES } from "./commands.ts";

describe("parseCommand", () => {
  it.each([
    [[], { kind: "help" }],
    [["up"], { kind: "up", tags: [], verbose: false }],
    [["up", "--only", "kubernetes,ingress", "-v"], { kind: "up", tags: ["kubernetes", "ingress"], verbose: true }],
    [["down"], { kind: "down", purge: false }],
    [["down", "--purge"], { kind: "down", purge: true }],
    [["status"], { kind: "status" }],
    [["kubeconfig"], { kind: "kubeconfig" }],
    [["gitops"], { kind: "gitops", path: "flux/clusters/one-machine", verbose: false }],
    [
      ["gitops", "--path", "./flux/clusters/test/", "-v"],
      { kind: "gitops", path: "flux/clusters/test", verbose: true },
    ],
  ])("%j", (args, expected) => {
    expect(parseCommand(args)).toEqual(expected);
  });

  it.each([
    [["up", "--only", "kubelet"], /--only: no role named kubelet; the roles are container_runtime/],
    [["down", "--force"], /down: Unknown option '--force'/],
    [["status", "extra"], /status: Unexpected argument 'extra'/],
    [["launch"], /unknown command "launch"/],
    [
      ["gitops", "--path", "/etc"],
      /--path \/etc: give a directory inside the repository, such as flux\/clusters\/one-machine/,
    ],
    [["gitops", "--path", "flux/../.."], /--path flux\/\.\.\/\.\.: give a directory inside the repository/],
  ])("refuses %j naming the problem", (args, message) => {
    const result = parseCommand(args);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(message);
  });
});

describe("ROLES", () => {
  it("are the roles of site.yml, in its order (each one is an --only tag)", () => {
    const site = readFileSync(join(import.meta.dirname, "../ansible/site.yml"), "utf8");
    const roles = [...site.matchAll(/\{ role: (\w+), tags: \[(\w+)\]/g)].map(([, role, tag]) => {
      expect(tag).toBe(role);
      return role;
    });
    expect(roles).toEqual([...ROLES]);
  });
});
