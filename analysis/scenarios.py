"""Preset cut scenarios (historical cuts, whole corridors) and user-drawn corridors.

Every preset resolves against the data to cable ids that exist; a named cable the data lacks is
listed in ``missing``, never dropped silently. The historical presets name cables by id because
names differ between sources (TeleGeography's ids are stable within one snapshot).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely

from datalayer.loader import Datasets

#: Most vertices a corridor polygon may have (a URL-sized limit).
MAX_CORRIDOR_POINTS = 200


class ScenarioError(ValueError):
    """An unknown preset or an unusable corridor."""


@dataclass(frozen=True)
class Scenario:
    """A preset resolved against the data."""

    key: str
    label: str
    date: str
    description: str
    cable_ids: tuple[str, ...]
    #: Cables the preset names that the data does not hold (``"id (name)"``).
    missing: tuple[str, ...] = ()
    cable_names: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "date": self.date,
            "description": self.description,
            "cables": [{"id": c, "name": self.cable_names.get(c, c)} for c in self.cable_ids],
            "missing": list(self.missing),
        }


#: Placeholder date of hypothetical presets: replaced by the cables' data date on resolution.
DATA_DATE = "data-date"


@dataclass(frozen=True)
class _Preset:
    label: str
    date: str
    description: str
    #: ``(id, display name)`` of named cables, or a rule selecting cable ids from the data.
    named: tuple[tuple[str, str], ...] = ()
    rule: Callable[[Datasets], list[str]] | None = None


def _red_sea_cables(data: Datasets) -> list[str]:
    regions = data.cables["regions"]
    return sorted(str(c) for c, r in regions.items() if "red-sea" in list(r))


def _egypt_cables(data: Datasets) -> list[str]:
    countries = data.landing_points["country"]
    egypt = {str(p) for p, c in countries.items() if c == "Egypt"}
    ids = data.cables["landing_point_ids"]
    return sorted(str(c) for c, lps in ids.items() if egypt.intersection(lps))


PRESETS: Mapping[str, _Preset] = {
    "2008-med": _Preset(
        label="January 2008 Mediterranean cuts",
        date="2008-01-30",
        description=(
            "On 30 January 2008 SeaMeWe-4 and FLAG Europe-Asia were cut off Alexandria, Egypt "
            "(ship anchors suspected), disrupting Europe–Middle East–South Asia traffic for weeks."
        ),
        named=(("seamewe-4", "SeaMeWe-4"), ("flag-europe-asia-fea", "FLAG Europe-Asia (FEA)")),
    ),
    "2008-12-med": _Preset(
        label="December 2008 Mediterranean cuts",
        date="2008-12-19",
        description=(
            "On 19 December 2008 SeaMeWe-4, SeaMeWe-3 and FLAG Europe-Asia were cut in the "
            "Mediterranean between Sicily and Egypt, disrupting traffic between Europe, the "
            "Middle East and South Asia until repair ships reached them."
        ),
        named=(
            ("seamewe-4", "SeaMeWe-4"),
            ("seamewe-3", "SeaMeWe-3"),
            ("flag-europe-asia-fea", "FLAG Europe-Asia (FEA)"),
        ),
    ),
    "2024-red-sea": _Preset(
        label="February 2024 Red Sea cuts",
        date="2024-02-24",
        description=(
            "In February 2024 AAE-1, Seacom/TGN-Eurasia and EIG were cut in the southern Red Sea, "
            "reportedly by the dragging anchor of the Rubymar after a Houthi missile strike, "
            "affecting about a quarter of Europe–Asia traffic."
        ),
        named=(
            ("asia-africa-europe-1-aae-1", "Asia Africa Europe-1 (AAE-1)"),
            ("seacomtata-tgn-eurasia", "SEACOM/Tata TGN-Eurasia"),
            ("europe-india-gateway-eig", "Europe India Gateway (EIG)"),
        ),
    ),
    "red-sea-all": _Preset(
        label="Every Red Sea cable",
        date=DATA_DATE,
        description=(
            "Hypothetical (cables of the data date): every cable whose route crosses the Red Sea "
            "is cut at once, the corridor carrying most Europe–Asia capacity."
        ),
        rule=_red_sea_cables,
    ),
    "egypt-all": _Preset(
        label="Every cable landing in Egypt",
        date=DATA_DATE,
        description=(
            "Hypothetical (cables of the data date): every cable with a landing point in Egypt "
            "fails, the land bridge between the Mediterranean and the Red Sea that most "
            "Europe–Asia cables cross."
        ),
        rule=_egypt_cables,
    ),
}

#: The preset keys, in display order.
SCENARIO_KEYS: tuple[str, ...] = tuple(PRESETS)


def resolve_scenario(data: Datasets, key: str) -> Scenario:
    """The preset ``key`` with its cable ids checked against ``data``."""
    preset = PRESETS.get(key)
    if preset is None:
        raise ScenarioError(f"Unknown scenario '{key}'. Known: {', '.join(SCENARIO_KEYS)}.")
    names = data.cables["name"]
    known = set(data.cables.index.astype(str))
    if preset.rule is not None:
        ids = preset.rule(data)
        missing: list[str] = []
    else:
        ids = [cid for cid, _name in preset.named if cid in known]
        missing = [f"{cid} ({name})" for cid, name in preset.named if cid not in known]
    date = preset.date
    if date == DATA_DATE:
        entry = data.metadata.get("datasets", {}).get("cables.geojson", {})
        date = str(entry.get("data_date", ""))
    return Scenario(
        key=key,
        label=preset.label,
        date=date,
        description=preset.description,
        cable_ids=tuple(ids),
        missing=tuple(missing),
        cable_names={c: str(names[c]) for c in ids},
    )


def all_scenarios(data: Datasets) -> list[Scenario]:
    """Every preset, resolved."""
    return [resolve_scenario(data, key) for key in SCENARIO_KEYS]


def cables_crossing(data: Datasets, polygon: shapely.Polygon | shapely.MultiPolygon) -> list[str]:
    """Ids of the cables whose drawn route intersects ``polygon`` (lon/lat), sorted."""
    if polygon.is_empty:
        return []
    geoms = data.cables.geometry
    hits = shapely.intersects(geoms.values, polygon)
    return sorted(str(c) for c, hit in zip(data.cables.index, hits, strict=True) if hit)


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s+({_NUMBER})\s*$")


def parse_corridor(text: str) -> shapely.Polygon:
    """A polygon from ``"lon lat, lon lat, …"`` (at least three distinct points; closed for you).

    Raises :class:`ScenarioError` with the reason when the text is not a usable polygon.
    """
    pieces = [p for p in text.split(",") if p.strip()]
    if len(pieces) < 3:
        raise ScenarioError("A corridor needs at least three 'lon lat' points, comma-separated.")
    if len(pieces) > MAX_CORRIDOR_POINTS:
        raise ScenarioError(f"A corridor may have at most {MAX_CORRIDOR_POINTS} points.")
    points: list[tuple[float, float]] = []
    for number, piece in enumerate(pieces, start=1):
        match = _PAIR.match(piece)
        if not match:
            raise ScenarioError(
                f"Corridor point {number} is not 'lon lat': '{piece.strip()[:40]}'."
            )
        lon, lat = float(match.group(1)), float(match.group(2))
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ScenarioError(f"Corridor point {number} is not a finite number pair.")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ScenarioError(
                f"Corridor point {number} ({lon:g} {lat:g}) is outside lon −180…180, lat −90…90."
            )
        points.append((lon, lat))
    if points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        raise ScenarioError("A corridor needs at least three distinct points.")
    polygon = shapely.Polygon(points)
    if not polygon.is_valid or polygon.area <= 0:
        raise ScenarioError("The corridor's edges cross each other or enclose no area.")
    return polygon


def format_corridor(polygon: shapely.Polygon) -> str:
    """The compact ``"lon lat, lon lat, …"`` text of ``polygon``'s outline (not repeated closed)."""
    coords = list(polygon.exterior.coords)[:-1]
    return ", ".join(f"{round(lon, 4):.10g} {round(lat, 4):.10g}" for lon, lat in coords)
