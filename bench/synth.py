"""Synthetic scaled copies of the shipped datasets (10×, 100×) for the benchmark.

Copy 0 is the shipped data itself (ids, names and coordinates unchanged), so every query that
works on the real data (``owner=Orange``, ``sel=cable:2africa``) works at every scale. Copies
``k = 1 … scale-1`` get new ids ``<id>-x<k>`` and jittered positions:

* a cable's whole geometry is shifted by one random offset (``|dx|, |dy| ≤ 0.5°``), each
  position then clipped to ±180° / ±90°; its ``landing_point_ids`` name copy ``k`` of its points;
* every landing point and facility moves by its own random offset of at most ±0.3° per axis
  (clipped); a landing point's ``cable_ids`` name copy ``k`` of its cables.

Coordinates are rounded to 5 decimals like the shipped files. Every other file (coverage,
ftth, regions, basemap, licences) is copied unchanged; ``metadata.json`` gets the new feature
counts. The generator is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

CABLES = "cables.geojson"
LANDING_POINTS = "landing_points.geojson"
FACILITIES = "facilities.geojson"
METADATA = "metadata.json"
SCALED = (CABLES, LANDING_POINTS, FACILITIES)
CABLE_SHIFT_DEG = 0.5
POINT_JITTER_DEG = 0.3
DECIMALS = 5


def copy_id(key: str, k: int) -> str:
    """The id of copy ``k`` of a feature (copy 0 keeps the shipped id)."""
    return key if k == 0 else f"{key}-x{k}"


def _clip_round(coords: np.ndarray) -> list[Any]:
    coords[:, 0] = np.clip(coords[:, 0], -180.0, 180.0)
    coords[:, 1] = np.clip(coords[:, 1], -90.0, 90.0)
    rounded: list[Any] = np.round(coords, DECIMALS).tolist()
    return rounded


def _shift_lines(geometry: dict[str, Any], dx: float, dy: float) -> dict[str, Any]:
    """A (Multi)LineString moved by (dx, dy), clipped to valid longitudes and latitudes."""
    parts = (
        geometry["coordinates"]
        if geometry["type"] == "MultiLineString"
        else [geometry["coordinates"]]
    )
    moved = []
    for part in parts:
        coords = np.asarray(part, dtype=np.float64)[:, :2] + (dx, dy)
        moved.append(_clip_round(coords))
    return {
        "type": geometry["type"],
        "coordinates": moved if geometry["type"] == "MultiLineString" else moved[0],
    }


def _jitter_point(geometry: dict[str, Any], dx: float, dy: float) -> dict[str, Any]:
    coords = np.asarray([geometry["coordinates"][:2]], dtype=np.float64) + np.array([dx, dy])
    return {"type": "Point", "coordinates": _clip_round(coords)[0]}


def _replicate(
    features: list[dict[str, Any]],
    scale: int,
    rng: np.random.Generator,
    transform: Callable[[dict[str, Any], int, np.random.Generator], dict[str, Any]],
) -> list[dict[str, Any]]:
    out = list(features)
    for k in range(1, scale):
        out.extend(transform(f, k, rng) for f in features)
    return out


def _cable_copy(feature: dict[str, Any], k: int, rng: np.random.Generator) -> dict[str, Any]:
    props = dict(feature["properties"])
    props["id"] = copy_id(props["id"], k)
    props["name"] = f"{props['name']} x{k}"
    props["landing_point_ids"] = [copy_id(p, k) for p in props["landing_point_ids"]]
    dx, dy = rng.uniform(-CABLE_SHIFT_DEG, CABLE_SHIFT_DEG, 2)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": _shift_lines(feature["geometry"], float(dx), float(dy)),
    }


def _point_copy(
    refs: str | None,
) -> Callable[[dict[str, Any], int, np.random.Generator], dict[str, Any]]:
    def copy(feature: dict[str, Any], k: int, rng: np.random.Generator) -> dict[str, Any]:
        props = dict(feature["properties"])
        props["id"] = copy_id(props["id"], k)
        props["name"] = f"{props['name']} x{k}"
        if refs is not None:
            props[refs] = [copy_id(c, k) for c in props[refs]]
        dx, dy = rng.uniform(-POINT_JITTER_DEG, POINT_JITTER_DEG, 2)
        return {
            "type": "Feature",
            "properties": props,
            "geometry": _jitter_point(feature["geometry"], float(dx), float(dy)),
        }

    return copy


def make_synthetic(source: Path, target: Path, scale: int, seed: int = 20261125) -> dict[str, int]:
    """Write ``scale`` copies of the cable, landing-point and facility data into ``target``.

    Returns the feature count of each scaled file.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file() and path.name not in (*SCALED, METADATA):
            shutil.copy2(path, target / path.name)
    rng = np.random.default_rng(seed)
    transforms = {
        CABLES: _cable_copy,
        LANDING_POINTS: _point_copy("cable_ids"),
        FACILITIES: _point_copy(None),
    }
    counts: dict[str, int] = {}
    for name in SCALED:
        collection = orjson.loads((source / name).read_bytes())
        features = _replicate(collection["features"], scale, rng, transforms[name])
        collection["features"] = features
        counts[name] = len(features)
        (target / name).write_bytes(orjson.dumps(collection))
    metadata = orjson.loads((source / METADATA).read_bytes())
    for name, count in counts.items():
        entry = metadata.get("datasets", {}).get(name)
        if isinstance(entry, dict):
            entry["feature_count"] = count
            if scale > 1:
                entry["notes"] = f"SYNTHETIC {scale}× copy for benchmarking. " + str(
                    entry.get("notes", "")
                )
    (target / METADATA).write_bytes(orjson.dumps(metadata))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description="Write a scaled synthetic copy of the data."
    )
    parser.add_argument("target", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument(
        "--source", type=Path, default=Path(__file__).resolve().parent.parent / "data"
    )
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    counts = make_synthetic(args.source, args.target, args.scale, args.seed)
    print(", ".join(f"{name}: {count:,}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
