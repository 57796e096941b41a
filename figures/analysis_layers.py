"""Map overlays for the analysis tools: routes found and the impact of a cut."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go

from analysis.cuts import STATUS_CUT_OFF, STATUS_SLOWER, CutImpact
from analysis.routing import RouteResult
from figures import labels
from figures.geometry import LineArrays, concat_lines
from figures.theme import CUT_COLOUR

#: Best route first, then the alternatives (colour-blind-safe, distinct from the cable palette
#: by width and order on top).
ROUTE_COLOURS = ("#000000", "#CC79A7", "#E69F00", "#56B4E9")
ROUTE_NAMES = ("Best route", "Alternative 1", "Alternative 2", "Alternative 3")
#: What a cut removes is vermillion, a colour no cable class uses (:data:`~figures.theme.CUT_COLOUR`).
DISCONNECTED = CUT_COLOUR
SLOWER = "#E69F00"
CUT_LINE = CUT_COLOUR


def route_traces(result: RouteResult | None, dark: bool = False) -> list[go.Scattermap]:
    """One thick line per route, the best one on top."""
    if result is None or not result.reachable:
        return []
    traces = []
    for index, route in reversed(list(enumerate(result.routes[: len(ROUTE_NAMES)]))):
        colour = "#ffffff" if (index == 0 and dark) else ROUTE_COLOURS[index]
        lon = np.array([np.nan if v is None else v for v in route.lon], dtype=np.float32)
        lat = np.array([np.nan if v is None else v for v in route.lat], dtype=np.float32)
        text = (
            f"<b>{ROUTE_NAMES[index]}</b>: {route.rtt_ms:,.1f} ms RTT (estimate)<br>"
            f"{route.km:,.0f} km · {len(route.hops)} hops<br>"
            f"{labels.join_limited(list(route.cable_names), 5)}"
        )
        traces.append(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="lines",
                line={"color": colour, "width": 6 if index == 0 else 4},
                opacity=0.95,
                hoverinfo="text",
                text=text,
                name=ROUTE_NAMES[index],
                meta={"layer": "route", "rank": index},
                showlegend=False,
            )
        )
    return traces


def cut_traces(
    impact: CutImpact | None,
    points: gpd.GeoDataFrame,
    lines: Mapping[str, LineArrays],
) -> list[go.Scattermap]:
    """The cut cables in red, and landing points coloured by what the cut does to them."""
    if impact is None:
        return []
    traces: list[go.Scattermap] = []
    lon, lat, _, _ = concat_lines(lines, list(impact.cut_cable_ids))
    if len(lon):
        traces.append(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="lines",
                line={"color": CUT_LINE, "width": 4},
                opacity=0.9,
                hoverinfo="skip",
                name="Cut cables",
                meta={"layer": "cut-cables"},
                showlegend=False,
            )
        )
    table = impact.table
    for status, colour, size in ((STATUS_SLOWER, SLOWER, 9), (STATUS_CUT_OFF, DISCONNECTED, 12)):
        rows = table[table["status"] == status]
        rows = rows[rows["id"].isin(points.index)]
        if rows.empty:
            continue
        geom = points.geometry.loc[rows["id"]]
        text = [
            f"<b>{labels.inert(r['name'])}</b><br>"
            + (
                "no path to the hub after the cut"
                if status == STATUS_CUT_OFF
                else f"RTT to hub {r['baseline_rtt_ms']:,.1f} → {r['cut_rtt_ms']:,.1f} ms "
                f"(+{r['increase_ms']:,.1f} ms)"
            )
            for _, r in rows.iterrows()
        ]
        traces.append(
            go.Scattermap(
                lon=geom.x.to_numpy(dtype=np.float32),
                lat=geom.y.to_numpy(dtype=np.float32),
                mode="markers",
                marker={"size": size, "color": colour, "opacity": 0.95},
                text=text,
                hovertemplate="%{text}<extra></extra>",
                name=f"Cut impact: {status}",
                meta={"layer": "cut-impact", "status": status},
                showlegend=False,
            )
        )
    return traces


def route_endpoints(points: gpd.GeoDataFrame, ids: Sequence[str | None]) -> list[go.Scattermap]:
    """Markers for the chosen route ends, so a pick shows on the map before a route exists."""
    chosen = [i for i in ids if i and i in points.index]
    if not chosen:
        return []
    geom = points.geometry.loc[chosen]
    return [
        go.Scattermap(
            lon=geom.x.to_numpy(dtype=np.float32),
            lat=geom.y.to_numpy(dtype=np.float32),
            mode="markers",
            marker={"size": 13, "color": "#000000"},
            text=[labels.inert(points.loc[i, "name"]) for i in chosen],
            hovertemplate="%{text}<extra></extra>",
            name="Route ends",
            meta={"layer": "route-ends"},
            showlegend=False,
        )
    ]
