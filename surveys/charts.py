"""Plotly figures for survey results; plotly.js itself is served from static/vendor and only on staff pages."""

from __future__ import annotations

import itertools

import plotly.graph_objects as go
from flask import g
from markupsafe import Markup, escape

from surveys.queries import OptionResult
from surveys.stats import Figures

#: GOV.UK Frontend colours, so the charts sit with the tables beside them.
BLUE = "#1d70b8"
DARK_GREY = "#505a5f"
FONT = "GDS Transport, arial, sans-serif"

_ids = itertools.count(1)


def _render(figure: go.Figure, description: str) -> Markup:
    """The figure as a div and an inline script carrying this request's CSP nonce; readers get `description`."""
    figure.update_layout(template="simple_white", font={"family": FONT, "size": 14, "color": "#0b0c0c"},
                         margin={"l": 10, "r": 10, "t": 10, "b": 40}, height=320, showlegend=False)
    figure.update_yaxes(automargin=True)
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{next(_ids)}",
                          config={"displayModeBar": False, "responsive": True})
    nonce = escape(getattr(g, "csp_nonce", ""))
    html = html.replace("<script>", f'<script nonce="{nonce}">')
    # The chart is a picture of the table beside it: screen readers get a one-line description and the table.
    return Markup(f'<div class="app-chart" role="img" aria-label="{escape(description)}">{html}</div>')


def _errors(values: list[float], lows: list[float], highs: list[float]) -> dict:
    return {"type": "data", "symmetric": False, "color": DARK_GREY, "thickness": 1.5,
            "array": [h - v for v, h in zip(values, highs, strict=True)],
            "arrayminus": [v - lo for v, lo in zip(values, lows, strict=True)]}


def options_chart(options: list[OptionResult], title: str) -> Markup | None:
    """Share choosing each option, with 95% intervals; None when the shares are suppressed."""
    shown = [o for o in options if o.share is not None]
    if not shown:
        return None
    values = [o.share.value * 100 for o in shown]
    figure = go.Figure(go.Bar(
        x=values, y=[o.label for o in shown], orientation="h", marker_color=BLUE,
        error_x=_errors(values, [o.share.low * 100 for o in shown], [o.share.high * 100 for o in shown]),
        hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
    ))
    figure.update_xaxes(title_text="Share of answers (%)", range=[0, 100])
    figure.update_yaxes(autorange="reversed")
    return _render(figure, f"Bar chart of answers to: {title}")


def satisfaction_chart(rows: list[Figures], title: str, *, horizontal: bool = False) -> Markup | None:
    """Satisfaction per group (months as a line, others as bars) with 95% intervals; suppressed groups left out."""
    shown = [f for f in rows if f.satisfaction is not None]
    if not shown:
        return None
    values = [f.satisfaction.value * 100 for f in shown]
    errors = _errors(values, [f.satisfaction.low * 100 for f in shown], [f.satisfaction.high * 100 for f in shown])
    labels = [f.label for f in shown]
    if horizontal:
        trace = go.Bar(x=values, y=labels, orientation="h", marker_color=BLUE, error_x=errors,
                       hovertemplate="%{y}: %{x:.0f}% satisfied<extra></extra>")
    else:
        trace = go.Scatter(x=labels, y=values, mode="lines+markers", line={"color": BLUE, "width": 3},
                           error_y=errors, hovertemplate="%{x}: %{y:.0f}% satisfied<extra></extra>")
    figure = go.Figure(trace)
    if horizontal:
        figure.update_xaxes(title_text="Satisfied (%)", range=[0, 100])
        figure.update_yaxes(autorange="reversed")
    else:
        figure.update_yaxes(title_text="Satisfied (%)", range=[0, 100])
    return _render(figure, f"Chart of satisfaction {title}")
