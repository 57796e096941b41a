"""The URL query-string codec of a :class:`Selection`, shared by the page and the API.

Lists are repeated parameters (``owner=Orange&owner=Telecom%20Egypt``) because owner and country
names may contain commas. Unknown parameters and values are dropped and reported as notices, so
a stale or hand-edited link still opens, with a visible explanation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from datalayer.loader import Datasets
from datalayer.selection import (
    DEFAULT_RADIUS_KM,
    DEFAULT_REGION,
    RADII_KM,
    REGION_WORLD,
    STATUS_ALL,
    STATUSES,
    MapView,
    Selection,
)

#: Query parameter → Selection field, for the list-valued filters.
LIST_PARAMS: dict[str, str] = {
    "cable": "cables",
    "owner": "owners",
    "supplier": "suppliers",
    "country": "countries",
    "fac_country": "facility_countries",
    "ix": "exchanges",
    "operator": "operators",
    "cut": "cut",
}
SCALAR_PARAMS = (
    "year_min",
    "year_max",
    "status",
    "region",
    "tech",
    "layers",
    "sel",
    "view",
    "from",
    "to",
    "scenario",
    "hub",
    "corridor",
    "radius",
)
#: Parameters that describe the page's view and analysis, not which features are selected.
VIEW_PARAMS = (
    "tech",
    "layers",
    "sel",
    "view",
    "from",
    "to",
    "cut",
    "scenario",
    "hub",
    "corridor",
    "radius",
)
ALL_PARAMS = tuple(LIST_PARAMS) + SCALAR_PARAMS
SELECTED_KINDS = ("cable", "lp", "fac")
MAX_VALUES = 500
MAX_VALUE_CHARS = 300


@dataclass(frozen=True)
class Vocabulary:
    """Every value a parameter may take, derived from the data."""

    cables: frozenset[str]
    owners: frozenset[str]
    suppliers: frozenset[str]
    countries: frozenset[str]
    facility_countries: frozenset[str]
    exchanges: frozenset[str]
    operators: frozenset[str]
    technologies: frozenset[str]
    regions: frozenset[str]
    layers: frozenset[str]
    landing_points: frozenset[str]
    facilities: frozenset[str]
    year_range: tuple[int, int]
    scenarios: frozenset[str] = frozenset()

    @property
    def cut(self) -> frozenset[str]:
        """Cables that may be cut: any cable of the data."""
        return self.cables


def build_vocabulary(data: Datasets, layers: Sequence[str]) -> Vocabulary:
    """Collect the allowed values of every parameter from the datasets."""
    cables = data.cables
    years = cables["rfs_year"].dropna().astype(int)
    return Vocabulary(
        cables=frozenset(cables.index),
        owners=frozenset(o for row in cables["owners"] for o in row),
        suppliers=frozenset(s for row in cables["suppliers"] for s in row),
        countries=frozenset(data.landing_points["country"]),
        facility_countries=frozenset(data.facilities["country"]),
        exchanges=frozenset(x for row in data.facilities["exchanges"] for x in row),
        operators=frozenset(data.coverage["operator"]),
        technologies=frozenset(data.coverage["technology"]),
        regions=frozenset(data.regions.index) | {REGION_WORLD},
        layers=frozenset(layers),
        landing_points=frozenset(data.landing_points.index),
        facilities=frozenset(data.facilities.index),
        year_range=(int(years.min()), int(years.max())),
    )


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def _parse_int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _parse_view(text: str) -> MapView | None:
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lon, lat, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lon, lat, zoom)):
        return None
    if not (-180 <= lon <= 180 and -85 <= lat <= 85 and 0 <= zoom <= 22):
        return None
    return MapView(round(lon, 4), round(lat, 4), round(zoom, 2))


def normalise_corridor(text: str) -> str | None:
    """The normalised corridor text, or ``None`` when it is not a usable polygon."""
    points: list[tuple[float, float]] = []
    for piece in text.split(",")[:201]:
        parts = piece.split()
        if len(parts) != 2:
            return None
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except ValueError:
            return None
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            return None
        points.append((round(lon, 4), round(lat, 4)))
    if not 3 <= len(points) <= 200 or len(set(points)) < 3:
        return None
    return ", ".join(f"{lon:.10g} {lat:.10g}" for lon, lat in points)


def parse_params(
    params: Mapping[str, Sequence[str]], vocab: Vocabulary
) -> tuple[Selection, list[str]]:
    """A :class:`Selection` from parsed query parameters, plus a notice per value dropped."""
    notices: list[str] = []
    fields: dict[str, object] = {}
    for name in params:
        if name not in ALL_PARAMS:
            notices.append(f"Unknown parameter '{_short(name)}' was ignored.")
    for param, attr in LIST_PARAMS.items():
        values = [v for v in params.get(param, []) if v != ""]
        if len(values) > MAX_VALUES:
            notices.append(f"Only the first {MAX_VALUES} values of '{param}' were used.")
            values = values[:MAX_VALUES]
        allowed: frozenset[str] = getattr(vocab, attr)
        kept = [v for v in dict.fromkeys(values) if len(v) <= MAX_VALUE_CHARS and v in allowed]
        for bad in [v for v in dict.fromkeys(values) if v not in kept]:
            notices.append(f"Unknown {param.replace('_', ' ')} '{_short(bad)}' was ignored.")
        if kept:
            fields[attr] = tuple(kept)

    def scalar(name: str) -> str | None:
        values = params.get(name, [])
        return values[-1] if values else None

    low, high = vocab.year_range
    for name in ("year_min", "year_max"):
        text = scalar(name)
        if text is None or text == "":
            continue
        year = _parse_int(text)
        if year is None or not (low <= year <= high):
            notices.append(f"Year '{_short(text)}' is outside {low}–{high} and was ignored.")
        else:
            fields[name] = year
    if (
        "year_min" in fields
        and "year_max" in fields
        and int(str(fields["year_min"])) > int(str(fields["year_max"]))
    ):
        notices.append("The year range was reversed and has been swapped.")
        fields["year_min"], fields["year_max"] = fields["year_max"], fields["year_min"]
    choices: dict[str, tuple[str, Sequence[str] | frozenset[str]]] = {
        "status": ("status", STATUSES),
        "region": ("region", vocab.regions),
        "tech": ("technology", vocab.technologies),
    }
    for name, (attr, allowed_values) in choices.items():
        text = scalar(name)
        if text is None:
            continue
        if text in allowed_values:
            fields[attr] = text
        else:
            notices.append(f"Unknown {name} '{_short(text)}' was ignored.")
    text = scalar("layers")
    if text is not None:
        chosen = [v for v in text.split(",") if v]
        known = tuple(v for v in dict.fromkeys(chosen) if v in vocab.layers)
        for bad in [v for v in chosen if v not in vocab.layers]:
            notices.append(f"Unknown layer '{_short(bad)}' was ignored.")
        fields["layers"] = known
    text = scalar("sel")
    if text is not None:
        kind, _, key = text.partition(":")
        pools = {"cable": vocab.cables, "lp": vocab.landing_points, "fac": vocab.facilities}
        if kind in pools and key in pools[kind]:
            fields["selected"] = text
        else:
            notices.append(f"Unknown selection '{_short(text)}' was ignored.")
    for name, attr in (("from", "route_from"), ("to", "route_to"), ("hub", "hub")):
        text = scalar(name)
        if text is None or text == "":
            continue
        if text in vocab.landing_points:
            fields[attr] = text
        else:
            notices.append(f"Unknown landing point '{_short(text)}' for '{name}' was ignored.")
    text = scalar("scenario")
    if text:
        if text in vocab.scenarios:
            fields["scenario"] = text
        else:
            notices.append(f"Unknown scenario '{_short(text)}' was ignored.")
    text = scalar("corridor")
    if text:
        corridor = normalise_corridor(text)
        if corridor is None:
            notices.append(
                f"Corridor '{_short(text)}' is not 'lon lat, lon lat, …' (3–200 "
                "points) and was ignored."
            )
        else:
            fields["corridor"] = corridor
    text = scalar("radius")
    if text:
        radius = _parse_int(text)
        if radius in RADII_KM:
            fields["radius_km"] = radius
        else:
            radii = ", ".join(str(r) for r in RADII_KM)
            notices.append(f"Radius '{_short(text)}' is not one of {radii} km and was ignored.")
    text = scalar("view")
    if text is not None:
        view = _parse_view(text)
        if view is None:
            notices.append(f"Map view '{_short(text)}' is not 'lon,lat,zoom' and was ignored.")
        else:
            fields["view"] = view
    return replace(Selection(), **fields), notices  # type: ignore[arg-type]


def parse_query(query: str, vocab: Vocabulary) -> tuple[Selection, list[str]]:
    """Parse a raw query string (with or without the leading ``?``)."""
    text = query[1:] if query.startswith("?") else query
    if len(text) > 20_000:
        return Selection(), ["The link was too long and has been reset."]
    return parse_params(parse_qs(text, keep_blank_values=True), vocab)


def to_query(sel: Selection, default_layers: Sequence[str] | None = None) -> str:
    """The query string for ``sel`` (defaults omitted), with a leading ``?`` or empty."""
    pairs: list[tuple[str, str]] = []
    for param, attr in LIST_PARAMS.items():
        pairs.extend((param, v) for v in getattr(sel, attr))
    if sel.year_min is not None:
        pairs.append(("year_min", str(sel.year_min)))
    if sel.year_max is not None:
        pairs.append(("year_max", str(sel.year_max)))
    if sel.status != STATUS_ALL:
        pairs.append(("status", sel.status))
    if sel.region != DEFAULT_REGION:
        pairs.append(("region", sel.region))
    if sel.technology != Selection().technology:
        pairs.append(("tech", sel.technology))
    if sel.layers is not None and (
        default_layers is None or tuple(sel.layers) != tuple(default_layers)
    ):
        pairs.append(("layers", ",".join(sel.layers)))
    if sel.selected:
        pairs.append(("sel", sel.selected))
    if sel.route_from:
        pairs.append(("from", sel.route_from))
    if sel.route_to:
        pairs.append(("to", sel.route_to))
    if sel.scenario:
        pairs.append(("scenario", sel.scenario))
    if sel.hub != Selection().hub:
        pairs.append(("hub", sel.hub))
    if sel.corridor:
        pairs.append(("corridor", sel.corridor))
    if sel.radius_km != DEFAULT_RADIUS_KM:
        pairs.append(("radius", str(sel.radius_km)))
    if sel.view is not None:
        # ``.10g``: plain ``g`` keeps only six significant digits (123.4567 → 123.457).
        view = sel.view
        pairs.append(("view", f"{view.lon:.10g},{view.lat:.10g},{view.zoom:.10g}"))
    return "?" + urlencode(pairs) if pairs else ""
