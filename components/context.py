"""The read-only context every callback works from: the datasets and precomputed figure data."""

from __future__ import annotations

from dataclasses import dataclass

from datalayer.loader import Datasets
from figures.map import MapContext, build_map_context

LAND_URL = "/basemap/land.geojson"
BORDERS_URL = "/basemap/borders.geojson"


@dataclass(frozen=True)
class AppContext:
    """Built once per process at start-up and never mutated (safe to share between users)."""

    data: Datasets
    map: MapContext

    def attribution_lines(self) -> list[str]:
        """Attribution text for every dataset shown, from the data's own metadata."""
        seen: list[str] = []
        for entry in self.data.metadata["datasets"].values():
            # Several files share a credit (e.g. the IGN boundaries): list each credit once.
            for part in str(entry.get("attribution", "")).split("; "):
                text = part.strip()
                if text and text not in seen:
                    seen.append(text)
        return seen

    def data_date(self, file: str) -> str:
        """The date the named dataset describes (e.g. ``2022-11-10`` for the cables)."""
        return str(self.data.metadata["datasets"][file]["data_date"])


def build_context(data: Datasets) -> AppContext:
    """Precompute the figure data that no filter changes."""
    return AppContext(data=data, map=build_map_context(data.cables, LAND_URL, BORDERS_URL))
