"""Bar charts of the selection. Each bar carries the value it filters by in ``customdata``."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.fast import figure
from figures.labels import inert
from figures.summaries import OTHER, format_mw
from figures.theme import CHART_COLOURS, Theme

#: How many bars the ranked charts show (the table views fold the rest into one row).
OWNER_TOP = 12
COUNTRY_TOP = 15

#: Facilities the proximity chart names (the nearest ones; its title gives the median of all).
PROXIMITY_TOP = 15

#: Characters of a ranked chart's bar name (the whole name is in the hover and the filter),
#: written on lines of at most :data:`LINE_CHARS` (two at most) so a phone's chart keeps room
#: for its bars.
LABEL_CHARS = 40
LINE_CHARS = 28

BAR, BAR_2 = CHART_COLOURS


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


def _step(span: float, most: int) -> int:
    """The smallest whole 1-2-5 step (1, 2, 5, 10, 20, …) with at most ``most`` steps in
    ``span``: whole-number ticks however few the bars."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if span <= most * step:
                return step
        scale *= 10


#: Below this span an axis of whole numbers gets its own step: Plotly draws at most 10 ticks,
#: so over a longer span its own (width-aware) step is already a whole number.
WHOLE_SPAN = 10


def _whole(span: float, most: int) -> dict[str, Any]:
    """Tick placement of an axis of whole numbers spanning ``span``."""
    return {"tick0": 0, "dtick": _step(span, most)} if span < WHOLE_SPAN else {}


def count_axis(largest: float, most: int = 5) -> dict[str, Any]:
    """An axis of counts from zero: whole numbers only (``1`` and ``2``, never ``0.2``)."""
    return {"tickformat": ",d", **_whole(float(largest), most)}


def year_axis(first: int, last: int, most: int = 5) -> dict[str, Any]:
    """An axis of years: whole years, written without a thousands separator (``2022``)."""
    return {"tickformat": "d", **_whole(float(last - first), most)}


def bar_name(value: Any, limit: int = LABEL_CHARS, line: int = LINE_CHARS) -> str:
    """A bar's name as escaped label text: cut to ``limit`` characters, and a name longer than
    ``line`` broken into two lines after its last space that fits (the space stays at the end
    of the first line, so the label's text reads as the whole name)."""
    plain = html.unescape(inert(value, limit))
    if len(plain) <= line:
        return html.escape(plain, quote=True)
    cut = plain.rfind(" ", 0, line)
    first, rest = (plain[: cut + 1], plain[cut + 1 :]) if cut > 0 else (plain[:line], plain[line:])
    if len(rest) > line:
        rest = rest[: line - 1] + "…"
    return html.escape(first, quote=True) + "<br>" + html.escape(rest, quote=True)


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
        "y": [bar_name(v) for v in labels],
        "x": values.to_numpy(),
        "orientation": "h",
        "marker": {"color": colour},
        "customdata": _clickable(labels),
        "text": text,
        "textposition": "auto",
        # The whole name in the hover (the bar's own label may be cut short).
        "hovertext": [inert(v) for v in labels],
        "hovertemplate": hover + "<extra></extra>",
    }


def _ranked_figure(
    bar: dict[str, Any], theme: Theme, title: str, xaxis: dict[str, Any] | None = None, **extra: Any
) -> go.Figure:
    """A ranked bar chart, top first, as tall as its bars need (names on two lines need more);
    its x axis counts (whole numbers), plus ``xaxis``."""
    row = 32 if any("<br>" in y for y in bar["y"]) else 24
    height = 140 + row * len(bar["y"])
    counts = count_axis(max(bar["x"], default=0))
    return figure(
        [bar],
        _layout(
            theme,
            title,
            height,
            yaxis={"autorange": "reversed"},
            xaxis={**counts, "automargin": True, **(xaxis or {})},
            **extra,
        ),
    )


def _short_km(km: float) -> str:
    """``1,250 km``; from 10,000 km on in thousands, ``105k km`` (a bar label on a phone)."""
    return f"{km:,.0f} km" if km < 10_000 else f"{km / 1000:,.0f}k km"


#: The owner chart's x axis: what the bars count and what their labels add (short enough to
#: fit a phone's chart).
OWNER_AXIS_TITLE = "cables · published km"


def owners_chart(table: pd.DataFrame, theme: Theme, top_n: int = OWNER_TOP) -> go.Figure:
    """Cables per owner (bars) with the owners' published km as labels, top owners first."""
    title = "Cables and km by owner"
    if table.empty:
        return empty_figure(theme, title)
    head = table.iloc[:top_n]
    pairs = list(zip(head["cables"], head["km"], strict=True))
    text = [f"{int(c)} · {_short_km(km)}" for c, km in pairs]
    bar = _ranked_bar(head["owner"], head["cables"], BAR, text, "%{hovertext}")
    bar["hovertext"] = [
        f"{name}: {int(c):,} cable{'' if c == 1 else 's'} · {km:,.0f} km of published lengths"
        for name, (c, km) in zip(bar["hovertext"], pairs, strict=True)
    ]
    return _labelled_figure(
        bar, text, theme, _top_title(title, len(head), len(table)), OWNER_AXIS_TITLE
    )


def _labelled_figure(
    bar: dict[str, Any], text: list[str], theme: Theme, title: str, axis_title: str
) -> go.Figure:
    """A ranked bar chart whose bars carry text labels (drawn past a bar too short for one)."""
    bar["cliponaxis"] = False
    # A label too long for its bar is drawn after it: keep room for it on a phone's narrow plot.
    margin = {"l": 8, "r": 8 + 6 * max((len(t) for t in text), default=0), "t": 40, "b": 8}
    return _ranked_figure(bar, theme, title, xaxis={"title": {"text": axis_title}}, margin=margin)


def datacentres_chart(table: pd.DataFrame, theme: Theme, top_n: int = OWNER_TOP) -> go.Figure:
    """Data centres per operator (bars) with the MW tagged in OpenStreetMap as labels."""
    title = "Data centres and tagged MW by operator"
    if table.empty:
        return empty_figure(theme, title)
    head = table.iloc[:top_n]
    rows = list(zip(head["datacentres"], head["mw"], head["mw_tagged"], strict=True))
    text = [f"{int(n)} · {format_mw(mw)}" if tagged else f"{int(n)}" for n, mw, tagged in rows]
    bar = _ranked_bar(head["operator"], head["datacentres"], BAR_2, text, "%{hovertext}")
    bar["hovertext"] = [
        f"{name}: {int(n):,} data centre{'' if n == 1 else 's'}"
        + (f" · {format_mw(mw)} tagged on {int(tagged)}" if tagged else " · no power tagged")
        for name, (n, mw, tagged) in zip(bar["hovertext"], rows, strict=True)
    ]
    return _labelled_figure(
        bar,
        text,
        theme,
        _top_title(title, len(head), len(table)),
        "data centres · tagged MW",
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
            xaxis={"anchor": "y", "domain": [0.0, 0.94], **year_axis(min(years), max(years))},
            yaxis={
                "anchor": "x",
                "domain": [0.0, 1.0],
                "title": {"text": "cables"},
                "rangemode": "tozero",
                **count_axis(float(table["cables"].max())),
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
    bar = _ranked_bar(head[label], head[value], colour, text, "%{hovertext}: %{x}")
    return _ranked_figure(bar, theme, _top_title(title, len(head), len(table)))


def proximity_chart(
    table: pd.DataFrame, theme: Theme, *, nearest_first: bool = False, top_n: int = PROXIMITY_TOP
) -> go.Figure:
    """The ``top_n`` IX facilities nearest a cable landing point, each bar named by facility and
    city, nearest first; the title gives how many there are and the median distance of all.

    ``table`` has one row per facility with ``name``, ``city``, ``nearest_name`` and
    ``distance_km`` (see :func:`analysis.proximity.nearest_distance_table`).
    """
    title = "IX facilities nearest a cable landing point"
    if table.empty:
        return empty_figure(theme, title)
    # ``nearest_first``: the caller's table is already sorted (the page's shared table is).
    ordered = table if nearest_first else table.sort_values(["distance_km", "name"])
    median = float(np.median(ordered["distance_km"].to_numpy(dtype=float)))
    head = ordered.iloc[:top_n]
    distances = head["distance_km"].to_numpy(dtype=float)
    if len(ordered) > len(head):
        subtitle = f"The nearest {len(head)} of {len(ordered):,} facilities; median of all: "
    elif len(ordered) > 1:
        subtitle = f"All {len(ordered):,} facilities; median: "
    else:
        subtitle = "1 facility: "
    subtitle += f"{median:,.0f} km" if median >= 10 else f"{median:.1f} km"
    # The facility's name over its city (many facilities are named by their street address).
    names = [
        f"{inert(name, LINE_CHARS)}<br>{inert(city, LINE_CHARS)}"
        for name, city in zip(head["name"], head["city"], strict=True)
    ]
    hover = [
        f"<b>{inert(name, 60)}</b> ({inert(city, 40)})<br>"
        f"nearest landing point: {inert(nearest, 60)}<br>{km:,.1f} km"
        for name, city, nearest, km in zip(
            head["name"], head["city"], head["nearest_name"], distances, strict=True
        )
    ]
    # One row per rank (two facilities may share a name), named by its tick label.
    ranks = list(range(1, len(head) + 1))
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": ranks,
        "x": distances,
        "marker": {"color": BAR},
        "text": [f"{km:,.1f} km" for km in distances],
        "textposition": "auto",
        "cliponaxis": False,
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
    }
    layout = _layout(
        theme,
        title,
        150 + 32 * len(head),
        margin={"l": 8, "r": 56, "t": 56, "b": 8},
        xaxis={
            "title": {"text": "km (great circle)"},
            "rangemode": "tozero",
            "automargin": True,
        },
        yaxis={
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": ranks,
            "ticktext": names,
        },
    )
    layout["title"]["subtitle"] = {"text": subtitle, "font": {"size": 12}}
    return figure([bar], layout)
