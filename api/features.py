"""GeoJSON serialisation of dataset rows, done once per process and reused by every request.

The datasets are read-only after start-up and every filter returns a row subset of them, so each
feature is serialised once (at registration) and a response only splices the stored bytes
together. That keeps the full world cable set (~500 MultiLineStrings) to a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
from shapely.geometry import mapping


def json_value(value: Any) -> Any:
    """``value`` as a plain JSON value: lists stay lists, NaN/NA become ``None``, numpy → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    if isinstance(value, np.generic):
        return json_value(value.item())
    if isinstance(value, float):
        # JSON has no NaN or Infinity; a missing or unusable number is null.
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    # Anything else (e.g. a timestamp in a future column) is shown as its text, never dropped.
    return str(value)


def feature_dict(feature_id: str, geometry: Any, properties: Mapping[str, Any]) -> dict[str, Any]:
    """One GeoJSON Feature (``geometry`` is a shapely geometry or ``None``)."""
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": None if geometry is None or geometry.is_empty else mapping(geometry),
        "properties": {name: json_value(value) for name, value in properties.items()},
    }


@dataclass(frozen=True)
class FeatureCache:
    """Every row of one dataset, serialised as a GeoJSON Feature and keyed by feature id."""

    fragments: Mapping[str, orjson.Fragment]

    @classmethod
    def build(cls, frame: gpd.GeoDataFrame) -> FeatureCache:
        """Serialise every row of ``frame`` (indexed by id; every non-geometry column kept)."""
        geometry_column = frame.geometry.name
        columns = [c for c in frame.columns if c != geometry_column]
        # Column-wise lists avoid a slow per-row pandas Series for each of thousands of rows.
        values = {c: frame[c].tolist() for c in columns}
        geometries = frame.geometry.tolist()
        fragments: dict[str, orjson.Fragment] = {}
        for position, feature_id in enumerate(frame.index.astype(str)):
            properties = {c: values[c][position] for c in columns}
            feature = feature_dict(feature_id, geometries[position], properties)
            fragments[feature_id] = orjson.Fragment(orjson.dumps(feature))
        return cls(fragments=fragments)

    def features(self, ids: Iterable[str]) -> list[orjson.Fragment]:
        """The stored features for ``ids``, in that order."""
        return [self.fragments[str(i)] for i in ids]
