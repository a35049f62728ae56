/**
 * The cluster's Prometheus configuration, with the real tools: the jq filter
 * that writes the pods as file_sd targets (labelled as kubernetes_sd_configs
 * labels them) and the recording rules, run by `promtool test rules`.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROLE = join(import.meta.dirname, "..", "..", "ansible", "roles", "monitoring");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "monitoring-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podList = {
  items: [
    {
      metadata: {
        namespace: "dev",
        name: "redirect-00001-deployment-abc",
        labels: { "serving.knative.dev/service": "redirect", "serving.knative.dev/revision": "redirect-00001" },
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{...}" },
      },
      spec: {
        containers: [
          { name: "function", ports: [{ containerPort: 8080, name: "user-port" }] },
          {
            name: "queue-proxy",
            ports: [
              { containerPort: 9091, name: "http-usermetric" },
              { containerPort: 8012, name: "queue-port" },
            ],
          },
        ],
      },
      status: { podIP: "198.18.0.17", phase: "Running" },
    },
    {
      metadata: {
        namespace: "kourier-system",
        name: "3scale-kourier-gateway-x",
        labels: { app: "3scale-kourier-gateway" },
        annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9000" },
      },
      spec: { containers: [{ name: "kourier-gateway", ports: [{ containerPort: 9000 }] }] },
      status: { podIP: "198.18.0.3", phase: "Running" },
    },
    // Not scheduled yet: no address, no target.
    {
      metadata: { namespace: "dev", name: "pending", labels: {} },
      spec: { containers: [{ name: "function", ports: [{ containerPort: 8080 }] }] },
      status: { phase: "Pending" },
    },
  ],
};

describe("pod discovery (pod-targets.jq)", () => {
  it("writes one target per declared port of each pod with an address, labelled as Kubernetes discovery does", async () => {
    const out = execFileSync("jq", ["-f", join(ROLE, "files", "pod-targets.jq")], {
      input: JSON.stringify(podList),
      encoding: "utf8",
    });
    const targets = JSON.parse(out) as { targets: string[]; labels: Record<string, string> }[];
    expect(targets.map((t) => t.targets[0])).toEqual([
      "198.18.0.17:8080",
      "198.18.0.17:9091",
      "198.18.0.17:8012",
      "198.18.0.3:9000",
    ]);
    expect(targets[1]?.labels).toEqual({
      __meta_kubernetes_namespace: "dev",
      __meta_kubernetes_pod_name: "redirect-00001-deployment-abc",
      __meta_kubernetes_pod_ip: "198.18.0.17",
      __meta_kubernetes_pod_phase: "Running",
      __meta_kubernetes_pod_container_name: "queue-proxy",
      __meta_kubernetes_pod_container_port_name: "http-usermetric",
      __meta_kubernetes_pod_container_port_number: "9091",
      __meta_kubernetes_pod_label_serving_knative_dev_service: "redirect",
      __meta_kubernetes_pod_label_serving_knative_dev_revision: "redirect-00001",
    });
    expect(targets[3]?.labels).toMatchObject({
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
      __meta_kubernetes_pod_annotation_prometheus_io_port: "9000",
      __meta_kubernetes_pod_container_port_name: "",
    });
  });
});

describe("the recording rules (promtool test rules)", () => {
  it("count each revision's answers by status class, per pod, from the queue-proxies' histogram", async () => {
    const template = await readFile(join(ROLE, "templates", "rules.yml.j2"), "utf8");
    await writeFile(join(dir, "rules.yml"), template.replace("{{ ansible_managed }}", "rendered for the test"));
    const series = (labels: string, values: string) =>
      `      - series: 'kn_serving_invocation_duration_seconds_count{job="queue-proxy",${labels}}'\n        values: '${values}'`;
    const pod = (name: string) =>
      `k8s_namespace_name="dev",kn_service_name="redirect",kn_revision_name="redirect-00001",pod="${name}",instance="${name}:9091"`;
    await writeFile(
      join(dir, "test.yml"),
      [
        "rule_files: [rules.yml]",
        "evaluation_interval: 5s",
        "tests:",
        "  - interval: 5s",
        "    input_series:",
        series(`${pod("a")},http_response_status_code="200",otel_scope_name="q"`, "0 10 20"),
        series(`${pod("a")},http_response_status_code="503",otel_scope_name="q"`, "0 1 2"),
        series(`${pod("b")},http_response_status_code="200",otel_scope_name="q"`, "5 5 5"),
        series(`${pod("b")},http_response_status_code="201",otel_scope_name="q"`, "1 1 3"),
        "    promql_expr_test:",
        "      - expr: kn_revision_requests_total",
        "        eval_time: 10s",
        "        exp_samples:",
        `          - labels: 'kn_revision_requests_total{job="queue-proxy",${pod("a")},response_code_class="2xx"}'`,
        "            value: 20",
        `          - labels: 'kn_revision_requests_total{job="queue-proxy",${pod("a")},response_code_class="5xx"}'`,
        "            value: 2",
        `          - labels: 'kn_revision_requests_total{job="queue-proxy",${pod("b")},response_code_class="2xx"}'`,
        "            value: 8",
        "",
      ].join("\n"),
    );
    const out = execFileSync("promtool", ["test", "rules", "test.yml"], { cwd: dir, encoding: "utf8" });
    expect(out).toContain("SUCCESS");
  });
});
