/**
 * Clicks over time as an SVG bar chart, rendered on the server: it shows with
 * the page's first bytes, needs no script, and its numbers are also a table
 * for screen readers and for copying.
 */
import type { Bucket } from "../backend.ts";

const WIDTH = 640;
const HEIGHT = 200;
const TOP = 4;

/** The smallest of 1, 2, 5 x 10^n at or above `value`, so the axis reads in round numbers. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function bucketLabel(start: string, granularity: string): string {
  const date = new Date(start);
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  return granularity === "hour" ? `${day} ${date.toISOString().slice(11, 16)}` : day;
}

export interface BarGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pure layout: one bar per bucket in the plot area, heights against niceMax of the largest count. */
export function layoutBars(series: readonly Bucket[]): { top: number; bars: BarGeometry[] } {
  const top = niceMax(Math.max(0, ...series.map((b) => b.clicks)));
  const plotWidth = WIDTH;
  const plotHeight = HEIGHT - TOP;
  const slot = series.length ? plotWidth / series.length : plotWidth;
  const gap = slot > 4 ? Math.min(2, slot * 0.2) : 0;
  const bars = series.map((bucket, i) => {
    const height = (bucket.clicks / top) * plotHeight;
    return { x: i * slot + gap / 2, y: TOP + plotHeight - height, width: slot - gap, height };
  });
  return { top, bars };
}

const round = (n: number) => Math.round(n * 10) / 10;

export function ClicksChart(props: { id: string; title: string; series: Bucket[]; granularity: string }) {
  const { top, bars } = layoutBars(props.series);
  const first = props.series[0];
  const last = props.series.at(-1);
  const total = props.series.reduce((sum, b) => sum + b.clicks, 0);
  // The SVG stretches to the width it gets; its labels are HTML, so they keep their size on a phone.
  return (
    <figure class="chart" aria-labelledby={`${props.id}-caption`}>
      <p class="chart-top" aria-hidden="true">
        {top}
      </p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        preserveAspectRatio="none"
        data-testid="clicks-chart"
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>
          {total} clicks in {props.series.length} buckets of one {props.granularity}; the most in one bucket is at most{" "}
          {top}.
        </desc>
        <line
          class="axis"
          x1={0}
          x2={WIDTH}
          y1={TOP}
          y2={TOP}
          stroke-dasharray="4 4"
          vector-effect="non-scaling-stroke"
        />
        <line class="axis" x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} vector-effect="non-scaling-stroke" />
        {bars.map((bar) =>
          bar.height > 0 ? (
            <rect class="bar" x={round(bar.x)} y={round(bar.y)} width={round(bar.width)} height={round(bar.height)} />
          ) : null,
        )}
      </svg>
      <p class="chart-axis" aria-hidden="true">
        <span>{first ? bucketLabel(first.start, props.granularity) : ""}</span>
        <span>{last && last !== first ? bucketLabel(last.start, props.granularity) : ""}</span>
      </p>
      <figcaption id={`${props.id}-caption`} class="muted">
        {props.title}: {total} clicks (UTC).
      </figcaption>
      <details>
        <summary>The numbers as a table</summary>
        <table>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Clicks</th>
            </tr>
          </thead>
          <tbody>
            {total === 0 && (
              <tr>
                <td colspan={2}>No clicks in this range.</td>
              </tr>
            )}
            {props.series
              .filter((b) => b.clicks > 0)
              .map((b) => (
                <tr>
                  <td>{bucketLabel(b.start, props.granularity)}</td>
                  <td>{b.clicks}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
