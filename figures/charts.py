"""Bar charts of the selection. Each bar carries the value it filters by in ``customdata``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.fast import figure
from figures.labels import inert
from figures.summaries import OTHER
from figures.theme import CABLE_PALETTE, Theme

#: How many bars the ranked charts show (the table views fold the rest into one row).
OWNER_TOP = 12
COUNTRY_TOP = 15

#: Bars the proximity chart draws at most (one per facility up to this many).
PROXIMITY_BARS = 2_000

BAR = CABLE_PALETTE[0]
BAR_2 = CABLE_PALETTE[1]


def _layout(theme: Theme, title: str, height: int, **extra: Any) -> dict[str, Any]:
    """The charts' shared layout; ``xaxis``/``yaxis`` in ``extra`` are merged with the grid style."""
    grid = {"gridcolor": theme.grid, "zerolinecolor": theme.grid}
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
        "paper_bgcolor": theme.paper,
        "plot_bgcolor": theme.paper,
        "font": {
            "color": theme.text,
            "family": "Inter, DejaVu Sans, Arial, sans-serif",
            "size": 12,
        },
        "showlegend": False,
        "bargap": 0.25,
        "hoverlabel": {"bgcolor": theme.paper, "font": {"color": theme.text}},
        **extra,
    }
    layout["xaxis"] = {**grid, **extra.get("xaxis", {})}
    layout["yaxis"] = {**grid, "automargin": True, **extra.get("yaxis", {})}
    if "yaxis2" in extra:
        layout["yaxis2"] = {**grid, "automargin": True, **extra["yaxis2"]}
    return layout


def _clickable(labels: pd.Series) -> list[str | None]:
    """The filter value behind each bar (``None`` for the folded ``Other`` bar)."""
    return [None if str(v).startswith(OTHER) else str(v) for v in labels]


def empty_figure(
    theme: Theme, title: str, message: str = "Nothing matches the filters"
) -> go.Figure:
    """A blank chart that says why it is blank."""
    annotation = {
        "text": message,
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "font": {"color": theme.text},
    }
    return figure(
        [],
        _layout(
            theme,
            title,
            260,
            annotations=[annotation],
            xaxis={"visible": False},
            yaxis={"visible": False},
        ),
    )


def _top_title(title: str, shown: int, total: int) -> str:
    return f"{title} (top {shown} of {total})" if total > shown else title


def _ranked_bar(
    labels: pd.Series, values: pd.Series, colour: str, text: list[str], hover: str
) -> dict[str, Any]:
    """Horizontal bars, one per label; each bar's ``customdata`` is the value it filters by."""
    return {
        "type": "bar",
        "y": [inert(v, 40) for v in labels],
        "x": values.to_numpy(),
        "orientation": "h",
        "marker": {"color": colour},
        "customdata": _clickable(labels),
        "text": text,
        "textposition": "auto",
        "hovertemplate": hover + "<extra></extra>",
    }


def _ranked_figure(bar: dict[str, Any], theme: Theme, title: str, **axes: Any) -> go.Figure:
    """A ranked bar chart, top first, as tall as its bars need."""
    height = 140 + 24 * len(bar["y"])
    return figure([bar], _layout(theme, title, height, yaxis={"autorange": "reversed"}, **axes))


def owners_chart(table: pd.DataFrame, theme: Theme, top_n: int = OWNER_TOP) -> go.Figure:
    """Cables per owner (bars) with the owners' published km as labels, top owners first."""
    title = "Cables and km by owner"
    if table.empty:
        return empty_figure(theme, title)
    head = table.iloc[:top_n]
    text = [f"{int(c)} · {km:,.0f} km" for c, km in zip(head["cables"], head["km"], strict=True)]
    bar = _ranked_bar(head["owner"], head["cables"], BAR, text, "%{y}: %{x} cables")
    bar["cliponaxis"] = False
    return _ranked_figure(
        bar,
        theme,
        _top_title(title, len(head), len(table)),
        xaxis={"title": {"text": "cables (label: cables · km of published lengths)"}},
    )


def years_chart(table: pd.DataFrame, theme: Theme) -> go.Figure:
    """Cables per RFS year (bars) and cumulative km (line)."""
    title = "Cables by ready-for-service year"
    if table.empty:
        return empty_figure(theme, title)
    years = [int(y) for y in table["year"]]
    bars = {
        "type": "bar",
        "x": years,
        "y": table["cables"].to_numpy(),
        "marker": {"color": BAR},
        "customdata": years,
        "name": "cables",
        "hovertemplate": "%{x}: %{y} cables<extra></extra>",
        "xaxis": "x",
        "yaxis": "y",
    }
    cumulative = {
        "type": "scatter",
        "x": years,
        "y": table["cumulative_km"].to_numpy(),
        "mode": "lines",
        "line": {"color": BAR_2, "width": 2},
        "name": "cumulative km",
        "hovertemplate": "by %{x}: %{y:,.0f} km<extra></extra>",
        "xaxis": "x",
        "yaxis": "y2",
    }
    # The secondary axis as ``make_subplots(specs=[[{"secondary_y": True}]])`` lays it out.
    return figure(
        [bars, cumulative],
        _layout(
            theme,
            title,
            300,
            xaxis={"anchor": "y", "domain": [0.0, 0.94]},
            yaxis={
                "anchor": "x",
                "domain": [0.0, 1.0],
                "title": {"text": "cables"},
                "rangemode": "tozero",
            },
            yaxis2={
                "anchor": "x",
                "overlaying": "y",
                "side": "right",
                "title": {"text": "cumulative km"},
                "showgrid": False,
                "rangemode": "tozero",
            },
        ),
    )


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
    text = [f"{int(v):,}" for v in head[value]]
    bar = _ranked_bar(head[label], head[value], colour, text, "%{y}: %{x}")
    return _ranked_figure(bar, theme, _top_title(title, len(head), len(table)))


def proximity_chart(table: pd.DataFrame, theme: Theme, *, nearest_first: bool = False) -> go.Figure:
    """Distance from each facility to its nearest landing station, nearest first.

    ``table`` has one row per facility with ``name``, ``city``, ``nearest_name`` and
    ``distance_km`` (see :func:`analysis.proximity.nearest_distance_table`).
    """
    title = "Distance from each IX facility to its nearest cable landing point"
    if table.empty:
        return empty_figure(theme, title)
    # ``nearest_first``: the caller's table is already sorted (the page's shared table is).
    ordered = (table if nearest_first else table.sort_values(["distance_km", "name"])).reset_index(
        drop=True
    )
    median = float(np.median(ordered["distance_km"].to_numpy(dtype=float)))
    ranks = np.arange(len(ordered))
    if len(ordered) > PROXIMITY_BARS:
        # The curve of many thousands of facilities: every n-th rank, first and last included.
        ranks = np.unique(np.linspace(0, len(ordered) - 1, PROXIMITY_BARS).round().astype(int))
        title += f" ({len(ranks):,} of {len(ordered):,} facilities shown, evenly by rank)"
        ordered = ordered.iloc[ranks]
    distances = ordered["distance_km"].to_numpy(dtype=float)
    hover = [
        f"<b>{inert(name, 60)}</b> ({inert(city, 40)})<br>"
        f"nearest landing point: {inert(nearest, 60)}<br>{km:,.1f} km"
        for name, city, nearest, km in zip(
            ordered["name"], ordered["city"], ordered["nearest_name"], distances, strict=True
        )
    ]
    bar = {
        "type": "bar",
        "x": ranks + 1,
        "y": distances,
        "marker": {"color": BAR},
        "text": hover,
        "textposition": "none",
        "hovertemplate": "%{text}<extra></extra>",
    }
    # The median line and its label, as ``fig.add_hline(..., annotation_position="top left")``
    # draws them.
    line = {
        "type": "line",
        "xref": "x domain",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": median,
        "y1": median,
        "line": {"color": BAR_2, "dash": "dot"},
    }
    label = {
        "text": f"median {median:,.0f} km",
        "showarrow": False,
        "xref": "x domain",
        "x": 0,
        "xanchor": "left",
        "yref": "y",
        "y": median,
        "yanchor": "bottom",
    }
    return figure(
        [bar],
        _layout(
            theme,
            title,
            300,
            shapes=[line],
            annotations=[label],
            xaxis={"title": {"text": "facilities, nearest first"}},
            yaxis={"title": {"text": "km (great circle)"}, "rangemode": "tozero"},
        ),
    )
