declare module 'parse-prometheus-text-format' {
  /** Metric families as the Prometheus text format describes them. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
