import type { Metrics } from "@platform/kit";
import type { ClickBuffer } from "./click-buffer.ts";

/** The click buffer's counts, read when Prometheus scrapes (nothing is done per click). */
export function registerClickMetrics(metrics: Metrics, clicks: ClickBuffer): void {
  const { stats } = clicks;
  metrics.gauge("clicks_buffered", "Clicks held in memory, waiting to be written", () => stats.buffered);
  metrics.gauge("clicks_buffered_bytes", "Memory the held clicks take, as budgeted", () => stats.bufferedBytes);
  metrics.gauge("clicks_written_total", "Clicks written to the database", () => stats.written);
  metrics.gauge("clicks_dropped_total", "Clicks dropped, for any reason", () => stats.dropped);
  metrics.gauge(
    "clicks_dropped_buffer_full_total",
    "Clicks dropped because the buffer was at its memory budget",
    () => stats.droppedBy.buffer_full,
  );
  metrics.gauge(
    "clicks_dropped_link_deleted_total",
    "Clicks dropped because their link was deleted before they were written",
    () => stats.droppedBy.link_deleted,
  );
  metrics.gauge(
    "clicks_dropped_rejected_total",
    "Clicks the database refused (a constraint, bad data)",
    () => stats.droppedBy.rejected,
  );
  metrics.gauge(
    "clicks_dropped_shutdown_total",
    "Clicks still held when the process had to exit",
    () => stats.droppedBy.shutdown,
  );
  metrics.gauge(
    "clicks_write_retries_total",
    "Click writes that failed and were kept to try again",
    () => stats.failedWrites,
  );
}
