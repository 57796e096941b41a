"""The hubs view's small multiples: cables in service over time, one panel per hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

#: Hubs drawn (the best connected first); the table lists every hub.
MULTIPLES = 12
COLUMNS = 4


def cables_over_time(
    series: Sequence[tuple[str, Mapping[int, int]]], year: int | None, dark: bool | None = False
) -> go.Figure:
    """One small panel per ``(hub name, {year: cables in service})``, a shared y axis, and a
    marker at ``year`` (the year the timeline shows). ``dark=None``: inks readable on both
    themes (the page switches theme without redrawing it)."""
    shown = list(series)[:MULTIPLES]
    rows = max(1, -(-len(shown) // COLUMNS))
    fig = make_subplots(
        rows=rows,
        cols=COLUMNS,
        subplot_titles=[name for name, _ in shown],
        shared_yaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.04,
    )
    ink = "#7b8594" if dark is None else "#e6e6e6" if dark else "#1f2a36"
    for i, (name, counts) in enumerate(shown):
        years = sorted(counts)
        values = [counts[y] for y in years]
        row, col = i // COLUMNS + 1, i % COLUMNS + 1
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                mode="lines",
                line={"shape": "hv", "color": "#2a7ab0", "width": 2},
                name=name,
                hovertemplate=f"{name}<br>%{{x}}: %{{y}} cables in service<extra></extra>",
            ),
            row=row,
            col=col,
        )
        if year is not None and year in counts:
            fig.add_trace(
                go.Scatter(
                    x=[year],
                    y=[counts[year]],
                    mode="markers",
                    marker={"color": "#d9534f", "size": 7},
                    hovertemplate=f"{name}<br>end of %{{x}}: %{{y}} cables<extra></extra>",
                ),
                row=row,
                col=col,
            )
    fig.update_layout(
        height=150 * rows + 40,
        margin={"l": 30, "r": 10, "t": 30, "b": 20},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": ink, "size": 10},
    )
    fig.update_annotations(font_size=11)
    grid = "rgba(128,128,128,0.25)"
    fig.update_xaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    fig.update_yaxes(gridcolor=grid, zerolinecolor=grid, linecolor=grid)
    return fig
