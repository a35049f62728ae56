/**
 * What every platform dashboard shares: a Prometheus data source chosen when
 * importing, the environment (namespace) and Service variables, and time
 * series panels built from PromQL. The series are the ones both platforms
 * export under the same names (docs/gitops.md#alerts).
 */

import {
  LegendDisplayMode,
  LegendPlacement,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";

/** The data source the `datasource` variable names (Grafana's own ${...} syntax). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana expands it, not JavaScript
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
/** The environment's namespace and the Services picked in the variables, as a PromQL label matcher. */
export const SELECTED = 'k8s_namespace_name="$namespace", kn_service_name=~"$service"';

export interface Series {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  series: Series[];
  /** Stacked to 100 %: shares of a whole, such as the traffic split. */
  stackedPercent?: boolean;
  /** Grid columns out of 24 (default 12). */
  span?: number;
  min?: number;
}

export function timeseries(spec: PanelSpec): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.span ?? 12)
    .height(8)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(["lastNotNull", "max"]),
    );
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.stackedPercent) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Percent)).fillOpacity(60);
  for (const [i, s] of spec.series.entries()) {
    panel.withTarget(
      new DataqueryBuilder()
        .datasource(DATASOURCE)
        .refId(String.fromCharCode(65 + i))
        .expr(s.expr)
        .legendFormat(s.legend),
    );
  }
  return panel;
}

/** A dashboard with the data source, namespace and (when `perService`) Service variables. */
export function platformDashboard(
  uid: string,
  title: string,
  description: string,
  perService = true,
): DashboardBuilder {
  const dashboard = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["platform", "generated"])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time({ from: "now-1h", to: "now" })
    .timezone("browser")
    .withVariable(new DatasourceVariableBuilder("datasource").label("Prometheus").type("prometheus"))
    .withVariable(
      new QueryVariableBuilder("namespace")
        .label("Environment")
        .datasource(DATASOURCE)
        .query("label_values(kn_revision_requests_total, k8s_namespace_name)")
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc),
    );
  if (perService) {
    dashboard.withVariable(
      new QueryVariableBuilder("service")
        .label("Service")
        .datasource(DATASOURCE)
        .query('label_values(kn_revision_requests_total{k8s_namespace_name="$namespace"}, kn_service_name)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue(".*"),
    );
  }
  return dashboard;
}
