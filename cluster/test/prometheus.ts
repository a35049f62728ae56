/** The host's Prometheus, which scrapes the cluster's pods (the monitoring role). */
export const PROMETHEUS_URL = process.env.CLUSTER_PROMETHEUS_URL ?? "http://127.0.0.1:9090";

/** The series an instant query returns, with their labels. */
export async function instantQuery(query: string): Promise<{ metric: Record<string, string> }[]> {
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await response.json()) as { data?: { result: { metric: Record<string, string> }[] } };
  return body.data?.result ?? [];
}
