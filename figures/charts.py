"""Bar charts of the selection. Each bar carries the value it filters by in ``customdata``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.labels import inert
from figures.summaries import OTHER
from figures.theme import CABLE_PALETTE, Theme

BAR = CABLE_PALETTE[0]
BAR_2 = CABLE_PALETTE[1]


def _style(fig: go.Figure, theme: Theme, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=height,
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
        paper_bgcolor=theme.paper,
        plot_bgcolor=theme.paper,
        font={"color": theme.text, "family": "Inter, DejaVu Sans, Arial, sans-serif", "size": 12},
        showlegend=False,
        bargap=0.25,
        hoverlabel={"bgcolor": theme.paper, "font": {"color": theme.text}},
    )
    fig.update_xaxes(gridcolor=theme.grid, zerolinecolor=theme.grid)
    fig.update_yaxes(gridcolor=theme.grid, zerolinecolor=theme.grid, automargin=True)
    return fig


def _clickable(labels: pd.Series) -> list[str | None]:
    """The filter value behind each bar (``None`` for the folded ``Other`` bar)."""
    return [None if str(v).startswith(OTHER) else str(v) for v in labels]


def empty_figure(
    theme: Theme, title: str, message: str = "Nothing matches the filters"
) -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"color": theme.text},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, theme, title, 260)


def owners_chart(table: pd.DataFrame, theme: Theme) -> go.Figure:
    """Cables and km by owner, side by side, top owners first."""
    title = "Cables and km by owner"
    if table.empty:
        return empty_figure(theme, title)
    names = [inert(v, 40) for v in table["owner"]]
    keys = _clickable(table["owner"])
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=("cables", "km (published lengths)"),
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=table["cables"],
            orientation="h",
            marker_color=BAR,
            customdata=keys,
            hovertemplate="%{y}: %{x} cables<extra></extra>",
            name="cables",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=table["km"],
            orientation="h",
            marker_color=BAR_2,
            customdata=keys,
            hovertemplate="%{y}: %{x:,.0f} km<extra></extra>",
            name="km",
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed")
    return _style(fig, theme, title, 120 + 22 * len(table))


def years_chart(table: pd.DataFrame, theme: Theme) -> go.Figure:
    """Cables per RFS year (bars) and cumulative km (line)."""
    title = "Cables by ready-for-service year"
    if table.empty:
        return empty_figure(theme, title)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    years = [int(y) for y in table["year"]]
    fig.add_trace(
        go.Bar(
            x=years,
            y=table["cables"],
            marker_color=BAR,
            customdata=years,
            name="cables",
            hovertemplate="%{x}: %{y} cables<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=table["cumulative_km"],
            mode="lines",
            line={"color": BAR_2, "width": 2},
            name="cumulative km",
            hovertemplate="by %{x}: %{y:,.0f} km<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text="cables", secondary_y=False)
    fig.update_yaxes(title_text="cumulative km", secondary_y=True, showgrid=False)
    return _style(fig, theme, title, 300)


def count_chart(
    table: pd.DataFrame, label: str, value: str, theme: Theme, title: str, colour: str = BAR
) -> go.Figure:
    """A horizontal bar chart of ``value`` per ``label`` (countries, typically)."""
    if table.empty:
        return empty_figure(theme, title)
    fig = go.Figure(
        go.Bar(
            y=[inert(v, 40) for v in table[label]],
            x=table[value],
            orientation="h",
            marker_color=colour,
            customdata=_clickable(table[label]),
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _style(fig, theme, title, 120 + 22 * len(table))
