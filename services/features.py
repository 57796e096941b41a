"""GeoJSON serialisation of dataset rows, done once per process and reused by every request.

The datasets are read-only after start-up and every filter returns a row subset of them, so each
feature is serialised once (at registration) and a response only splices the stored bytes
together. That keeps the full world cable set (~500 MultiLineStrings) to a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
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


#: Datasets up to this many features keep every feature serialised after its first request;
#: larger ones (100× data: 350,000 features, ~1 GB of GeoJSON) serialise each request's rows.
MEMO_LIMIT = 50_000


class FeatureCache:
    """The rows of one dataset as GeoJSON Features, serialised on first request.

    Today's datasets keep each feature's bytes once made (the full world cable set is then a
    splice of stored bytes, a few milliseconds); datasets above :data:`MEMO_LIMIT` features
    serialise only the rows a request asks for, so the server holds no second copy of them.
    """

    def __init__(self, frame: gpd.GeoDataFrame) -> None:
        self._frame = frame
        self._memo: dict[str, orjson.Fragment] | None = {} if len(frame) <= MEMO_LIMIT else None

    @classmethod
    def build(cls, frame: gpd.GeoDataFrame) -> FeatureCache:
        """A cache of ``frame``'s rows (indexed by id; every non-geometry column kept)."""
        return cls(frame)

    def _serialise(self, ids: list[str]) -> dict[str, orjson.Fragment]:
        frame = self._frame
        positions = frame.index.astype(str).get_indexer(ids)
        if (positions < 0).any():
            raise KeyError(ids[int(np.flatnonzero(positions < 0)[0])])
        rows = frame.iloc[positions]
        geometry_column = frame.geometry.name
        columns = [c for c in frame.columns if c != geometry_column]
        # Column-wise lists avoid a slow per-row pandas Series for each of thousands of rows.
        values = {c: rows[c].tolist() for c in columns}
        geometries = rows.geometry.tolist()
        made: dict[str, orjson.Fragment] = {}
        for position, feature_id in enumerate(ids):
            properties = {c: values[c][position] for c in columns}
            feature = feature_dict(feature_id, geometries[position], properties)
            made[feature_id] = orjson.Fragment(orjson.dumps(feature))
        return made

    def features(self, ids: Iterable[str]) -> list[orjson.Fragment]:
        """The features for ``ids``, in that order."""
        keys = [str(i) for i in ids]
        memo = self._memo
        if memo is None:
            made = self._serialise(keys)
            return [made[k] for k in keys]
        missing = list(dict.fromkeys(k for k in keys if k not in memo))
        if missing:
            # Two requests may serialise the same rows at once; the bytes are equal.
            memo.update(self._serialise(missing))
        return [memo[k] for k in keys]
