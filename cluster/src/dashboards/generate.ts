/**
 * Writes the dashboards (dashboards.ts) as Grafana's classic JSON model, one
 * file per dashboard: what Grafana's "Import dashboard" takes as it is, and
 * what the monitoring kustomization turns into a ConfigMap for Grafana's
 * dashboard sidecar. With --prometheus, prints instead each panel as a link
 * to that Prometheus' own graph page (where no Grafana runs).
 *   generate.ts [--out <dir>]   (default flux/infrastructure/monitoring/dashboards)
 *   generate.ts --prometheus <url> [--namespace <env>]   (default dev)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DASHBOARDS_DIR, prometheusLinks, renderDashboards } from "./dashboards.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: DASHBOARDS_DIR },
    prometheus: { type: "string" },
    namespace: { type: "string", default: "dev" },
  },
});
if (values.prometheus) {
  if (!URL.canParse(values.prometheus)) {
    console.error(`--prometheus: "${values.prometheus}" is not a URL, such as http://127.0.0.1:9090`);
    process.exit(2);
  }
  let last = "";
  for (const { dashboard, panel, url } of prometheusLinks(values.prometheus, values.namespace as string)) {
    if (dashboard !== last) console.log(`\n${dashboard}`);
    last = dashboard;
    console.log(`  ${panel}\n    ${url}`);
  }
} else {
  const out = values.out as string;
  mkdirSync(out, { recursive: true });
  for (const { file, json } of renderDashboards()) {
    writeFileSync(join(out, file), json);
    console.log(`wrote ${join(out, file)}`);
  }
}
