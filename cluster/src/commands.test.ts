import { describe, expect, it } from "vitest";
import { parseCommand } from "./commands.ts";

describe("parseCommand", () => {
  it.each([
    [[], { kind: "help" }],
    [["up"], { kind: "up", tags: [], verbose: false }],
    [["up", "--only", "kubernetes,ingress", "-v"], { kind: "up", tags: ["kubernetes", "ingress"], verbose: true }],
    [["down"], { kind: "down", purge: false }],
    [["down", "--purge"], { kind: "down", purge: true }],
    [["status"], { kind: "status" }],
    [["kubeconfig"], { kind: "kubeconfig" }],
    [["gitops"], { kind: "gitops", path: "flux/clusters/dev", verbose: false }],
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
    [["gitops", "--path", "/etc"], /--path \/etc: give a directory inside the repository, such as flux\/clusters\/dev/],
    [["gitops", "--path", "flux/../.."], /--path flux\/\.\.\/\.\.: give a directory inside the repository/],
  ])("refuses %j naming the problem", (args, message) => {
    const result = parseCommand(args);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(message);
  });
});
