"""Place names drawn on the map: landing-point towns and Marseille's 16 arrondissements."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from shapely.geometry import Point, Polygon, shape
from shapely.ops import polylabel

from .common import Feature, clean_text, feature, geometry_to_geojson
from .ftth import MARSEILLE_ARRONDISSEMENTS

#: ``kind`` of a town label (a landing point's town) and of an arrondissement label.
KIND_TOWN = "town"
KIND_ARRONDISSEMENT = "arrondissement"
#: How close (in degrees) polylabel places an arrondissement's label to its best spot.
POLYLABEL_TOLERANCE_DEG = 0.0005


def town_name(landing_point_name: str) -> str:
    """``Marseille`` for ``Marseille, France`` (the town is the name's first part)."""
    return landing_point_name.split(",")[0].strip()


def town_labels(landings: Sequence[Mapping[str, Any]]) -> list[Feature]:
    """One label per landing-point name (town and country), at that landing point.

    Landing points whose position is still to be decided (``is_tbd``) get no label. Several
    landing points with one name (none today) share the label of the one with most cables.
    ``cables`` ranks labels: where labels collide the map keeps the busiest town's.
    """
    best: dict[str, Mapping[str, Any]] = {}
    for item in landings:
        props = item["properties"]
        if props.get("is_tbd"):
            continue
        name = str(props["name"])
        kept = best.get(name)
        if kept is None or len(props["cable_ids"]) > len(kept["properties"]["cable_ids"]):
            best[name] = item
    out = []
    for name in sorted(best):
        item = best[name]
        props = {
            "name": town_name(name),
            "kind": KIND_TOWN,
            "cables": len(item["properties"]["cable_ids"]),
            "code": None,
        }
        out.append(feature(props, item["geometry"]))
    return out


def arrondissement_label(official_name: str) -> str:
    """``Marseille 1er`` for ``Marseille 1er  Arrondissement`` (IGN's name, spaces doubled)."""
    text = clean_text(official_name) or ""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*Arrondissement$", "", text, flags=re.IGNORECASE)


def arrondissement_labels(communes: Sequence[Mapping[str, Any]]) -> list[Feature]:
    """The 16 arrondissements' names, each at its polygon's pole of inaccessibility (the point
    farthest inside it, where a label reads as belonging to it), sorted by INSEE code."""
    by_code = {str(f["properties"]["code"]): f for f in communes}
    out = []
    for code in MARSEILLE_ARRONDISSEMENTS:
        if code not in by_code:
            raise ValueError(f"arrondissement {code} has no polygon")
        polygon = shape(by_code[code]["geometry"])
        if not isinstance(polygon, Polygon):
            raise ValueError(f"arrondissement {code} is not one polygon")
        point: Point = polylabel(polygon, tolerance=POLYLABEL_TOLERANCE_DEG)
        props = {
            "name": arrondissement_label(str(by_code[code]["properties"].get("nom") or code)),
            "kind": KIND_ARRONDISSEMENT,
            "cables": None,
            "code": code,
        }
        out.append(feature(props, geometry_to_geojson(point)))
    return out
