// MARK: - Style sheet

extension HTMLReport {
    /// The page's only style sheet, inlined so the file stands alone. System fonts only (no web
    /// fonts to fetch); colours chosen to stay distinct in greyscale print.
    static let styleSheet = """
    :root { --ink: #222; --muted: #666; --rule: #ddd; --blue: #3b6ea5; --blue-light: #c6d7ea; --blue-mid: #8fb0d3;
            --left: #3b6ea5; --right: #d0661c; }
    body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif;
           color: var(--ink); margin: 0 auto; padding: 24px 32px 48px; max-width: 1160px; background: #fff; }
    h1 { font-size: 1.6em; margin: 0 0 4px; }
    h2 { font-size: 1.2em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
    .subtitle { color: var(--muted); margin: 0 0 12px; }
    dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
    dl.meta dt { color: var(--muted); }
    dl.meta dd { margin: 0; }
    code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.92em; }
    .note { color: var(--muted); font-style: italic; }
    table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
    th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: middle; }
    thead th { font-weight: 600; border-bottom: 2px solid #bbb; }
    .num { text-align: right; white-space: nowrap; }
    td.forest, th.forest { padding: 0 6px; line-height: 0; }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
    figure { margin: 0; }
    svg.chart { max-width: 100%; height: auto; overflow: visible; }
    svg text { font-family: system-ui, "Liberation Sans", "DejaVu Sans", sans-serif; fill: var(--ink); }
    .chart-title { font-size: 14px; font-weight: 600; }
    .chart-subtitle, .axis-label { font-size: 11px; fill: var(--muted); }
    .tick, .legend { font-size: 11px; }
    .no-data { font-size: 13px; fill: var(--muted); font-style: italic; }
    .axis { stroke: #555; stroke-width: 1; }
    .grid { stroke: #e6e6e6; stroke-width: 1; }
    .bar { fill: var(--blue); }
    .left { fill: var(--left); }
    .right { fill: var(--right); }
    .band-outer { fill: var(--blue-light); }
    .band-inner { fill: var(--blue-mid); }
    .median { fill: none; stroke: #1d3f66; stroke-width: 2; }
    .median-point { fill: #1d3f66; }
    .legend-median { stroke: #1d3f66; stroke-width: 2; }
    .interval { fill: #9db7d6; }
    .bar.second { fill: var(--right); }
    .whisker { stroke: #222; stroke-width: 1.5; }
    .line { fill: none; stroke: var(--blue); stroke-width: 1.5; }
    .point { fill: var(--blue); }
    .point.chosen { fill: var(--right); stroke: #222; stroke-width: 1.5; }
    .estimate { fill: #1d3f66; }
    .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 4px; vertical-align: baseline; }
    .swatch.left { background: var(--left); }
    .swatch.right { background: var(--right); }
    .forest-axis text { font-weight: normal; }
    footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
    @media print { body { padding: 0; } section { break-inside: avoid-page; } }
    """
}
