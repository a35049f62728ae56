import { describe, expect, it } from "vitest";
import { importCycle, undeclaredImports, type WorkspacePackage } from "./graph.ts";
import { readWorkspaces } from "./read-workspaces.ts";

const pkg = (name: string, imports: string[], declared = imports): WorkspacePackage => ({
  name,
  declared,
  imported: new Map(imports.map((dep) => [dep, `${name}/src/index.ts`])),
});

describe("importCycle", () => {
  it.each([
    ["none", [pkg("a", ["b"]), pkg("b", ["c"]), pkg("c", [])], undefined],
    ["two importing each other", [pkg("a", ["b"]), pkg("b", ["a"])], ["a", "b", "a"]],
    ["round three", [pkg("a", ["b"]), pkg("b", ["c"]), pkg("c", ["a"])], ["a", "b", "c", "a"]],
    ["a diamond is no circle", [pkg("a", ["b", "c"]), pkg("b", ["d"]), pkg("c", ["d"]), pkg("d", [])], undefined],
    ["a package importing itself is no circle", [pkg("a", ["a"])], undefined],
  ])("%s", (_, packages, cycle) => {
    expect(importCycle(packages)).toEqual(cycle);
  });
});

describe("undeclaredImports", () => {
  it("names each import the package.json does not declare", () => {
    expect(undeclaredImports([pkg("a", ["b", "c"], ["b"]), pkg("b", [])])).toEqual([
      "a imports c (a/src/index.ts) but its package.json does not declare it",
    ]);
  });
});

describe("this repository's workspace packages", () => {
  const packages = readWorkspaces(new URL("../..", import.meta.url).pathname);

  it("are all read", () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(["@platform/local", "@platform/kit"]));
  });

  it("declare every workspace package they import", () => {
    expect(undeclaredImports(packages)).toEqual([]);
  });

  it("import each other in no circle", () => {
    expect(importCycle(packages)).toBeUndefined();
  });
});
