"""The pack's charts: a plotly figure for the web page (plotly.js from static/vendor) and the same chart as inline
SVG for print, so the PDF needs no JavaScript. Each is a picture of a table the page also shows."""

from __future__ import annotations

import itertools
import math

import plotly.graph_objects as go
from flask import g
from markupsafe import Markup, escape

from reviews.pack.model import Chart, Table

#: GOV.UK Frontend colours.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92")
FONT = "arial, sans-serif"

_ids = itertools.count(1)


def _series(chart: Chart, table: Table) -> tuple[list[str], list[tuple[str, list[float]]]]:
    labels = [str(row[0]) for row in table.rows]
    return labels, [(name, [float(value or 0) for value in table.column(name)]) for name in chart.series]


def plotly_chart(chart: Chart, table: Table) -> Markup:
    """The chart as a plotly div with an inline script carrying this request's CSP nonce."""
    labels, series = _series(chart, table)
    figure = go.Figure()
    for (name, values), colour in zip(series, itertools.cycle(COLOURS), strict=False):
        if chart.kind == "line":
            figure.add_trace(go.Scatter(x=labels, y=values, name=name, mode="lines+markers", line_color=colour))
        else:
            figure.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour))
    figure.update_layout(template="simple_white", font={"family": FONT, "size": 14, "color": "#0b0c0c"},
                         margin={"l": 10, "r": 10, "t": 10, "b": 40}, height=320,
                         legend={"orientation": "h", "y": -0.2})
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"pack-chart-{next(_ids)}",
                          config={"displayModeBar": False, "responsive": True})
    html = html.replace("<script>", f'<script nonce="{escape(getattr(g, "csp_nonce", ""))}">')
    return Markup(f'<div class="app-chart" role="img" aria-label="{escape(chart.summary)}">{html}</div>')


def _nice_top(largest: float) -> float:
    """The axis's top: four steps of 1, 1.5, 2, 2.5, 3 or 5 times a power of ten, reaching the largest value."""
    step = max(largest, 1) / 4
    power = 10 ** math.floor(math.log10(step))
    nice = next(m * power for m in (1, 1.5, 2, 2.5, 3, 5, 10) if m * power >= step)
    return nice * 4


def svg_chart(chart: Chart, table: Table, width: int = 640, height: int = 240) -> Markup:
    """The chart as a static SVG (vectors in the PDF): grouped bars or lines, a value axis from 0 and a legend."""
    labels, series = _series(chart, table)
    top = _nice_top(max([value for _, values in series for value in values] + [1]))
    left, bottom, right, head = 48, 40, 10, 24
    plot_w, plot_h = width - left - right, height - bottom - head
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(chart.summary)}" font-family="{FONT}" font-size="11">']
    for step in range(5):
        value = top * step / 4
        y = head + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" '
                     'stroke-width="0.5"/>')
        tick = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    slot = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        x = left + slot * (index + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle">{escape(label[:14])}</text>')
    for number, ((name, values), colour) in enumerate(zip(series, itertools.cycle(COLOURS), strict=False)):
        if chart.kind == "line":
            points = " ".join(f"{left + slot * (i + 0.5):.1f},{head + plot_h - plot_h * v / top:.1f}"
                              for i, v in enumerate(values))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        else:
            bar = slot * 0.8 / len(series)
            for i, value in enumerate(values):
                x = left + slot * i + slot * 0.1 + bar * number
                h = plot_h * value / top
                parts.append(f'<rect x="{x:.1f}" y="{head + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{colour}"/>')
        parts.append(f'<rect x="{left + number * 130}" y="4" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{left + number * 130 + 14}" y="13">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
