"""Bar charts of the selection. Each bar carries the value it filters by in ``customdata``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.labels import inert
from figures.summaries import OTHER
from figures.theme import CABLE_PALETTE, Theme

#: How many bars the ranked charts show (the table views fold the rest into one row).
OWNER_TOP = 12
COUNTRY_TOP = 15

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


def _top_title(title: str, shown: int, total: int) -> str:
    return f"{title} (top {shown} of {total})" if total > shown else title


def owners_chart(table: pd.DataFrame, theme: Theme, top_n: int = OWNER_TOP) -> go.Figure:
    """Cables per owner (bars) with the owners' published km as labels, top owners first."""
    title = "Cables and km by owner"
    if table.empty:
        return empty_figure(theme, title)
    head = table.iloc[:top_n]
    fig = go.Figure(
        go.Bar(
            y=[inert(v, 40) for v in head["owner"]],
            x=head["cables"],
            orientation="h",
            marker_color=BAR,
            customdata=_clickable(head["owner"]),
            text=[
                f"{int(c)} · {km:,.0f} km" for c, km in zip(head["cables"], head["km"], strict=True)
            ],
            textposition="auto",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} cables<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="cables (label: cables · km of published lengths)")
    return _style(fig, theme, _top_title(title, len(head), len(table)), 140 + 24 * len(head))


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
    fig.update_yaxes(title_text="cables", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        title_text="cumulative km", secondary_y=True, showgrid=False, rangemode="tozero"
    )
    return _style(fig, theme, title, 300)


def count_chart(
    table: pd.DataFrame,
    label: str,
    value: str,
    theme: Theme,
    title: str,
    colour: str = BAR,
    top_n: int = COUNTRY_TOP,
) -> go.Figure:
    """A horizontal bar chart of ``value`` per ``label`` (countries, typically), top first."""
    if table.empty:
        return empty_figure(theme, title)
    head = table.iloc[:top_n]
    fig = go.Figure(
        go.Bar(
            y=[inert(v, 40) for v in head[label]],
            x=head[value],
            orientation="h",
            marker_color=colour,
            customdata=_clickable(head[label]),
            text=[f"{int(v):,}" for v in head[value]],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _style(fig, theme, _top_title(title, len(head), len(table)), 140 + 24 * len(head))


def proximity_chart(table: pd.DataFrame, theme: Theme) -> go.Figure:
    """Distance from each facility to its nearest landing station, nearest first.

    ``table`` has one row per facility with ``name``, ``city``, ``nearest_name`` and
    ``distance_km`` (see :func:`analysis.proximity.nearest_distance_table`).
    """
    title = "Distance from each IX facility to its nearest cable landing point"
    if table.empty:
        return empty_figure(theme, title)
    ordered = table.sort_values(["distance_km", "name"]).reset_index(drop=True)
    hover = [
        f"<b>{inert(r['name'], 60)}</b> ({inert(r['city'], 40)})<br>"
        f"nearest landing point: {inert(r['nearest_name'], 60)}<br>{r['distance_km']:,.1f} km"
        for _, r in ordered.iterrows()
    ]
    fig = go.Figure(
        go.Bar(
            x=list(range(1, len(ordered) + 1)),
            y=ordered["distance_km"],
            marker_color=BAR,
            text=hover,
            textposition="none",
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="facilities, nearest first")
    fig.update_yaxes(title_text="km (great circle)", rangemode="tozero")
    median = float(ordered["distance_km"].median())
    fig.add_hline(
        y=median,
        line_dash="dot",
        line_color=BAR_2,
        annotation_text=f"median {median:,.0f} km",
        annotation_position="top left",
    )
    return _style(fig, theme, title, 300)
