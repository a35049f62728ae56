/**
 * The dashboards as code: what is committed is what dashboards.ts generates;
 * every file passes Grafana's dashboard schema (schema-check, the Foundation
 * SDK's Go types generated from Grafana's own schemas, strict), and the check
 * can fail; every query is PromQL that promtool parses; and the five views
 * the platform needs are there.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DASHBOARDS_DIR, prometheusLinks, renderDashboards, withVariables } from "./dashboards.ts";
import { DATASOURCE } from "./panels.ts";

const SCHEMA_CHECK = join(import.meta.dirname, "schema-check");

// biome-ignore lint/suspicious/noExplicitAny: dashboards are walked as plain JSON
type Json = any;

/** schema-check's verdict: [exit code, what it printed]. */
function schemaCheck(files: string[]): [number, string] {
  try {
    return [0, execFileSync("go", ["run", ".", ...files], { cwd: SCHEMA_CHECK, encoding: "utf8", stdio: "pipe" })];
  } catch (error) {
    const { status, stdout, stderr } = error as { status: number; stdout: string; stderr: string };
    return [status, `${stdout}${stderr}`];
  }
}

/** Every PromQL query of a dashboard: panel targets, and the selectors in label_values() variables. */
function queries(dashboard: Json): string[] {
  const targets = dashboard.panels.flatMap((p: Json) => p.targets.map((t: Json) => t.expr as string));
  const variables = dashboard.templating.list
    .filter((v: Json) => v.type === "query")
    .map((v: Json) => /^label_values\((.+), \w+\)$/.exec(v.query)?.[1] ?? v.query);
  return [...targets, ...variables];
}

const rendered = renderDashboards();
const dashboards = rendered.map((r) => JSON.parse(r.json));
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "dashboards-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("the dashboards", () => {
  it("are committed as generated (npm run dashboards)", () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith(".json"));
    expect(committed.sort()).toEqual(rendered.map((r) => r.file).sort());
    for (const { file, json } of rendered) expect(readFileSync(join(DASHBOARDS_DIR, file), "utf8"), file).toBe(json);
  });

  it("show load, health, replicas, traffic split and the data services", () => {
    expect(dashboards.map((d) => d.uid)).toEqual([
      "platform-load",
      "platform-health",
      "platform-replicas",
      "platform-traffic-split",
      "platform-data-services",
    ]);
    for (const d of dashboards) {
      expect(d.templating.list[0], d.uid).toMatchObject({
        type: "datasource",
        name: "datasource",
        query: "prometheus",
      });
      expect(d.panels.length, d.uid).toBeGreaterThan(0);
      for (const p of d.panels) {
        expect(p.description, `${d.uid}: ${p.title}`).toBeTruthy();
        expect(p.targets.length, `${d.uid}: ${p.title}`).toBeGreaterThan(0);
        expect(p.datasource).toEqual(DATASOURCE);
      }
    }
  });

  it("pass Grafana's dashboard schema", () => {
    const [code, out] = schemaCheck(rendered.map((r) => join(DASHBOARDS_DIR, r.file)));
    expect(out.trim().split("\n")).toEqual(rendered.map((r) => `${join(DASHBOARDS_DIR, r.file)}: valid`));
    expect(code).toBe(0);
  }, 240_000);

  it("fail it with a misspelt field or a wrong type (the check can fail)", () => {
    const broken = join(work, "broken.json");
    const dashboard = JSON.parse(rendered[0]?.json ?? "{}");
    dashboard.panels[0].targets[0].legendFormatt = "{{kn_service_name}}";
    dashboard.panels[1].gridPos.w = "twelve";
    writeFileSync(broken, JSON.stringify(dashboard));
    const [code, out] = schemaCheck([broken]);
    expect(code).toBe(1);
    expect(out).toContain("unexpected field 'legendFormatt'");
    expect(out).toContain("panels[1].gridPos");
  }, 240_000);

  it("query in PromQL that promtool parses", () => {
    const groups = dashboards.map((d) => ({
      name: d.uid,
      rules: queries(d).map((expr, i) => ({
        record: `${d.uid.replaceAll("-", "_")}:query_${i}`,
        expr: withVariables(expr, "dev"),
      })),
    }));
    expect(groups.flatMap((g) => g.rules).length).toBeGreaterThanOrEqual(20);
    writeFileSync(join(work, "queries.yml"), stringify({ groups }));
    const out = execFileSync("promtool", ["check", "rules", "queries.yml"], {
      cwd: work,
      encoding: "utf8",
      stdio: "pipe",
    });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("fail promtool with a broken query (the check can fail)", () => {
    writeFileSync(
      join(work, "broken.yml"),
      stringify({ groups: [{ name: "x", rules: [{ record: "x:y", expr: "sum by (a (up)" }] }] }),
    );
    expect(() => execFileSync("promtool", ["check", "rules", "broken.yml"], { cwd: work, stdio: "pipe" })).toThrow();
  });

  it("open in Prometheus' own graph page, one link per panel with each of its queries", () => {
    const links = prometheusLinks("http://127.0.0.1:9090", "test");
    expect(links).toHaveLength(dashboards.reduce((n, d) => n + d.panels.length, 0));
    const latency = links.find((l) => l.panel === "Latency, p50 and p95");
    const params = new URL(latency?.url ?? "").searchParams;
    expect(latency?.url.startsWith("http://127.0.0.1:9090/graph?")).toBe(true);
    expect(params.get("g0.expr")).toContain('k8s_namespace_name="test", kn_service_name=~".*"');
    expect(params.get("g1.expr")).toMatch(/^histogram_quantile\(0.95, .*\[1m\]/);
  });
});
