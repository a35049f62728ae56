/**
 * The platform's alerts (flux/infrastructure/monitoring/platform-alerts.yaml,
 * a PrometheusRule) with the real promtool: the rules are valid, every alert
 * has a unit test in which it fires, and the tests can fail. Then the
 * cluster's Alertmanager configuration with the real amtool: valid, and each
 * of those alerts routed where it should go.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const MONITORING = join(import.meta.dirname, "infrastructure", "monitoring");
const ALERTMANAGER_TEMPLATE = join(
  import.meta.dirname,
  "..",
  "cluster/ansible/roles/monitoring/templates/alertmanager.yml.j2",
);
const RULES = "platform-alerts.rules.yml";
const TESTS = "platform-alerts.test.yml";

interface PrometheusRule {
  kind: string;
  spec: { groups: { name: string; rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[] };
}
interface RuleTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

let dir: string;
let rule: PrometheusRule;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "platform-alerts-"));
  rule = parse(await readFile(join(MONITORING, "platform-alerts.yaml"), "utf8")) as PrometheusRule;
  await copyFile(join(MONITORING, TESTS), join(dir, TESTS));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** promtool's verdict on the rules as given: [exit code, what it printed]. */
async function promtoolTest(groups: PrometheusRule["spec"]["groups"]): Promise<[number, string]> {
  await writeFile(join(dir, RULES), stringify({ groups }));
  try {
    return [0, execFileSync("promtool", ["test", "rules", TESTS], { cwd: dir, encoding: "utf8", stdio: "pipe" })];
  } catch (error) {
    const { status, stdout, stderr } = error as { status: number; stdout: string; stderr: string };
    return [status, `${stdout}${stderr}`];
  }
}

describe("the platform's alerts (promtool)", () => {
  it("is a PrometheusRule whose groups promtool accepts", async () => {
    expect(rule.kind).toBe("PrometheusRule");
    await writeFile(join(dir, RULES), stringify(rule.spec));
    const out = execFileSync("promtool", ["check", "rules", RULES], { cwd: dir, encoding: "utf8" });
    expect(out).toContain("SUCCESS");
  });

  it("passes its unit tests", async () => {
    const [code, out] = await promtoolTest(rule.spec.groups);
    expect(out).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("has a test in which each alert fires", async () => {
    const tests = parse(await readFile(join(MONITORING, TESTS), "utf8")) as RuleTests;
    expect(tests.rule_files).toEqual([RULES]);
    const fired = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    const alerts = rule.spec.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    expect(alerts.length).toBeGreaterThanOrEqual(9);
    expect(alerts.filter((a) => !fired.has(a))).toEqual([]);
  });

  it("fails its tests when an alert's threshold is wrong (the tests can fail)", async () => {
    const loosened = rule.spec.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        r.alert === "FunctionErrorRateHigh" ? { ...r, expr: r.expr.replace("> 0.05", "> 0.5") } : r,
      ),
    }));
    const [code, out] = await promtoolTest(loosened);
    expect(code).not.toBe(0);
    expect(out).toContain("alertname: FunctionErrorRateHigh");
  });
});

describe("the cluster's Alertmanager configuration (amtool)", () => {
  let config: string;
  beforeAll(async () => {
    // The template's only variables, as the monitoring role fills them.
    const text = (await readFile(ALERTMANAGER_TEMPLATE, "utf8"))
      .replaceAll("{{ ansible_managed }}", "managed by the monitoring role")
      .replaceAll("{{ alertmanager_address }}", "127.0.0.1:9093");
    expect(text).not.toContain("{{");
    config = join(dir, "alertmanager.yml");
    await writeFile(config, text);
  });
  const receiverOf = (labels: Record<string, string>) =>
    execFileSync(
      "amtool",
      ["config", "routes", "test", `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();

  it("is a configuration Alertmanager accepts", () => {
    expect(execFileSync("amtool", ["check-config", config], { encoding: "utf8" })).toContain("SUCCESS");
  });

  it("routes Watchdog to its own receiver and every other alert of the platform to the platform's", () => {
    const rules = rule.spec.groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const r of rules) {
      const severity = r.labels?.severity ?? "";
      const expected = r.alert === "Watchdog" ? "watchdog" : "platform";
      expect(receiverOf({ alertname: r.alert ?? "", severity }), r.alert).toBe(expected);
    }
  });
});

describe("Flagger's firing-alerts check (flux/infrastructure/configs/flagger-metric-templates.yaml)", () => {
  const template = parse(
    readFileSync(join(import.meta.dirname, "infrastructure/configs/flagger-metric-templates.yaml"), "utf8"),
  ) as { spec: { query: string } };
  /** The query as Flagger renders it for the Canary `links` in `test`. */
  const query = template.spec.query
    .replaceAll("{{ namespace }}", "test")
    .replaceAll("{{ target }}", "links")
    .replaceAll("{{ interval }}", "1m")
    .trim();
  const alert = (service: string, namespace: string, state: string) =>
    `ALERTS{alertname="FunctionErrorRateHigh", alertstate="${state}", k8s_namespace_name="${namespace}", kn_service_name="${service}", severity="critical"}`;

  async function evaluate(series: string[], expected: number): Promise<[number, string]> {
    const tests = {
      rule_files: [],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: series.map((s) => ({ series: s, values: "1x5" })),
          promql_expr_test: [{ expr: query, eval_time: "2m", exp_samples: [{ labels: "{}", value: expected }] }],
        },
      ],
    };
    await writeFile(join(dir, "flagger.test.yml"), stringify(tests));
    try {
      return [
        0,
        execFileSync("promtool", ["test", "rules", "flagger.test.yml"], { cwd: dir, encoding: "utf8", stdio: "pipe" }),
      ];
    } catch (error) {
      const { status, stdout, stderr } = error as { status: number; stdout: string; stderr: string };
      return [status, `${stdout}${stderr}`];
    }
  }

  it("is 0, not empty, when no alert fires for the Service: a pending one, another Service's, another namespace's", async () => {
    const [code, out] = await evaluate(
      [alert("links", "test", "pending"), alert("redirect", "test", "firing"), alert("links", "prod", "firing")],
      0,
    );
    expect(out).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("is more than 0 when one fires for the Service in its namespace", async () => {
    const [code, out] = await evaluate([alert("links", "test", "firing"), alert("links", "test", "pending")], 1);
    expect(out).toContain("SUCCESS");
    expect(code).toBe(0);
  });
});
