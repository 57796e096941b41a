"""Finer land for closer zooms: Natural Earth 10m (world-atlas TopoJSON) around the seas the map
is about, and the IGN outlines of the French départements around Marseille.

Each output is a FeatureCollection of one land feature clipped to a box; the box is written as the
collection's ``bbox`` so the map can paint the sea over the coarser land inside it before drawing
the finer land (see ``figures.map._basemap_layers``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .common import Feature, InputError, feature, feature_collection, geometry_to_geojson

#: The npm package the build takes Natural Earth 10m land from (pinned; ISC, data public domain).
WORLD_ATLAS = "world-atlas@2.0.2"
#: sha256 of ``package/land-10m.json`` in that tarball: a changed file stops the build.
LAND_10M_SHA256 = "9b9f584709c119d63fbadf484ce425260497697b7166be7a2fe360e8c0b171a8"

Box = tuple[float, float, float, float]
#: Where Natural Earth 10m replaces 50m (lon/lat): the Mediterranean, Black Sea, Red Sea and Gulf
#: of Aden, which the map's regions and cut scenarios are about (the whole world would triple it).
FINE_BOX: Box = (-10.0, 10.0, 52.0, 48.0)
#: Where the IGN département outlines replace Natural Earth: Bouches-du-Rhône and its neighbours.
CITY_BOX: Box = (4.0, 42.9, 6.3, 44.0)
#: Natural Earth 10m simplified to 0.002° (~200 m, under a pixel below zoom 8; the TopoJSON is
#: quantised to 0.0036° × 0.0017° anyway), rounded to 0.001°.
FINE_TOLERANCE_DEG = 0.002
FINE_DECIMALS = 3
#: The IGN outlines are kept as published (5 decimals, ~230 m between coastal vertices).
CITY_DECIMALS = 5
#: How far the neighbouring départements (simplified outlines) are grown into Bouches-du-Rhône so
#: that no sliver of sea shows between them and its detailed outline (~500 m).
NEIGHBOUR_OVERLAP_DEG = 0.005


def topology_object(
    topology: Mapping[str, Any], name: str, box: Box = (-180.0, -90.0, 180.0, 90.0)
) -> BaseGeometry:
    """The shapely geometry of TopoJSON ``objects[name]`` (delta-encoded, quantised arcs): its
    polygons that reach into ``box``, made valid."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = [
        np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate
        for arc in topology["arcs"]
    ]

    def ring(indexes: Sequence[int]) -> np.ndarray:
        # A negative index ~i is arc i reversed; consecutive arcs share their joining point.
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
        return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])

    def polygon(rings: Sequence[Sequence[int]]) -> shapely.Polygon:
        return shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])

    polygons: list[shapely.Polygon] = []
    pending = [topology["objects"][name]]
    while pending:
        item = pending.pop()
        kind = item.get("type")
        if kind == "GeometryCollection":
            pending.extend(item["geometries"])
        elif kind == "Polygon":
            polygons.append(polygon(item["arcs"]))
        elif kind == "MultiPolygon":
            polygons.extend(polygon(p) for p in item["arcs"])
    # Why: making the whole world valid takes half a minute; most of it is outside the box.
    area = shapely.box(*box)
    return shapely.make_valid(shapely.MultiPolygon([p for p in polygons if p.intersects(area)]))


def _polygons(geom: BaseGeometry) -> shapely.MultiPolygon:
    """The polygon parts of ``geom`` (clipping may leave lines and points on the box edge)."""
    parts = getattr(geom, "geoms", [geom])
    return shapely.MultiPolygon(
        [
            p
            for part in parts
            for p in getattr(part, "geoms", [part])
            if isinstance(p, shapely.Polygon)
        ]
    )


def land_feature_collection(land: BaseGeometry, box: Box, decimals: int) -> dict[str, Any]:
    """One ``kind: land`` feature of ``land`` inside ``box``, with the box as the ``bbox``."""
    clipped = _polygons(shapely.clip_by_rect(land, *box))
    collection = feature_collection(
        [feature({"kind": "land"}, geometry_to_geojson(clipped, decimals))]
    )
    collection["bbox"] = list(box)
    return collection


def build_fine_land(topology: Mapping[str, Any], box: Box = FINE_BOX) -> dict[str, Any]:
    """Natural Earth 10m land (world-atlas ``land-10m.json``) in ``box``, simplified and snapped
    to the 0.001° grid (which keeps the polygons valid)."""
    land = shapely.clip_by_rect(topology_object(topology, "land", box), *box)
    simplified = land.simplify(FINE_TOLERANCE_DEG, preserve_topology=True)
    snapped = shapely.set_precision(simplified, 10.0**-FINE_DECIMALS)
    return land_feature_collection(snapped, box, FINE_DECIMALS)


def build_city_land(
    detailed: BaseGeometry,
    departements: Sequence[Feature],
    detailed_code: str,
    box: Box = CITY_BOX,
) -> dict[str, Any]:
    """Land in ``box`` from the IGN outlines: the detailed outline of département
    ``detailed_code`` (its islands included) and the simplified outlines of its neighbours,
    grown into it by :data:`NEIGHBOUR_OVERLAP_DEG` (never into the sea) so they meet."""
    area = shapely.box(*box)
    outlines = {
        str(f["properties"]["code"]): shape(f["geometry"])
        for f in departements
        if shape(f["geometry"]).intersects(area)
    }
    if detailed_code not in outlines:
        raise InputError(f"no département {detailed_code} among the simplified outlines")
    simplified_land = shapely.union_all(list(outlines.values()))
    neighbours = shapely.union_all([g for code, g in outlines.items() if code != detailed_code])
    grown = neighbours.buffer(NEIGHBOUR_OVERLAP_DEG).intersection(simplified_land)
    land = shapely.union_all([detailed, grown])
    return land_feature_collection(land, box, CITY_DECIMALS)


def fetch_land_10m(cache_dir: Path) -> Path:
    """``land-10m.json`` of :data:`WORLD_ATLAS`, fetched once with ``npm pack`` into
    ``cache_dir`` and checked against :data:`LAND_10M_SHA256` (the app never needs npm)."""
    target = cache_dir / WORLD_ATLAS / "land-10m.json"
    if target.is_file() and _sha256(target.read_bytes()) == LAND_10M_SHA256:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise InputError(f"npm is needed once to fetch {WORLD_ATLAS} (or pass --land-10m FILE)")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", WORLD_ATLAS, "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise InputError(f"npm pack {WORLD_ATLAS} failed: {done.stderr.strip()[-300:]}")
        with tarfile.open(tarballs[0]) as archive:
            member = archive.extractfile("package/land-10m.json")
            data = member.read() if member is not None else b""
    if _sha256(data) != LAND_10M_SHA256:
        raise InputError(f"{WORLD_ATLAS} land-10m.json does not have the expected sha256")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
