import { useEffect, useState, type ReactNode } from "react";
import { Box, SkeletonBodyText } from "@shopify/polaris";

type PolarisViz = typeof import("@shopify/polaris-viz");

export interface ChartSeries {
  name: string;
  data: { key: string; value: number | null }[];
  /** Drawn dashed, as a reference (the first-pass target). */
  isComparison?: boolean;
}

export interface DashboardChartProps {
  kind: "bar" | "line";
  /** What the chart shows; its figures are in the table beside it. */
  title: string;
  series: ChartSeries[];
  direction?: "horizontal" | "vertical";
  stacked?: boolean;
  formatValue?: (value: number | null) => string;
  height?: number;
}

/** One module load for every chart of the page. */
let loading: Promise<PolarisViz> | null = null;

/**
 * A polaris-viz chart, drawn in the browser only: the library measures the DOM,
 * so the server renders a placeholder of the same height (no layout shift) and
 * the chart replaces it after hydration. Every chart sits beside a DataTable
 * with the same figures, which is what the server renders and a screen reader
 * reads; the chart itself is hidden from assistive technology.
 */
export function DashboardChart({ kind, title, series, direction = "vertical", stacked = false, formatValue, height = 240 }: DashboardChartProps): ReactNode {
  const [viz, setViz] = useState<PolarisViz | null>(null);
  useEffect(() => {
    let live = true;
    loading ??= import("@shopify/polaris-viz");
    loading.then((module) => live && setViz(module)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const formatter = formatValue ? (value: unknown) => formatValue(typeof value === "number" ? value : null) : undefined;
  return (
    <div aria-hidden="true" data-dashboard-chart={title} data-chart-ready={viz ? "true" : "false"} style={{ height }}>
      {viz ? (
        <viz.PolarisVizProvider>
          {kind === "line" ? (
            <viz.LineChart theme="Light" data={series} showLegend yAxisOptions={formatter ? { labelFormatter: formatter } : undefined} tooltipOptions={formatter ? { valueFormatter: formatter } : undefined} />
          ) : (
            <viz.BarChart
              theme="Light"
              data={series}
              direction={direction}
              type={stacked ? "stacked" : "default"}
              showLegend={series.length > 1}
              {...(formatter ? (direction === "horizontal" ? { xAxisOptions: { labelFormatter: formatter } } : { yAxisOptions: { labelFormatter: formatter } }) : {})}
              tooltipOptions={formatter ? { valueFormatter: formatter } : undefined}
            />
          )}
        </viz.PolarisVizProvider>
      ) : (
        <Box paddingBlock="400">
          <SkeletonBodyText lines={4} />
        </Box>
      )}
    </div>
  );
}
