"""Every value a URL parameter or a control may take, collected once from the datasets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from datalayer.loader import Datasets
from datalayer.selection import OPERATOR_ALL, REGION_WORLD


@dataclass(frozen=True)
class Vocabulary:
    """Every value a parameter may take, derived from the data."""

    cables: frozenset[str]
    owners: frozenset[str]
    suppliers: frozenset[str]
    countries: frozenset[str]
    facility_countries: frozenset[str]
    exchanges: frozenset[str]
    dc_operators: frozenset[str]
    datacentres: frozenset[str]
    operators: frozenset[str]
    technologies: frozenset[str]
    regions: frozenset[str]
    layers: frozenset[str]
    landing_points: frozenset[str]
    facilities: frozenset[str]
    year_range: tuple[int, int]
    scenarios: frozenset[str] = frozenset()
    #: Hub (metro area) ids of :mod:`analysis.hubs`, set by the app context.
    metros: frozenset[str] = frozenset()
    #: The layers a selection that names none shows, in drawing order.
    default_layers: tuple[str, ...] = ()
    #: (older name, layer) pairs: links made before a layer was renamed still open.
    layer_aliases: tuple[tuple[str, str], ...] = ()

    @property
    def operator_choices(self) -> frozenset[str]:
        """What the coverage operator may be: one operator of the data, or every one."""
        return self.operators | {OPERATOR_ALL}

    @property
    def cut(self) -> frozenset[str]:
        """Cables that may be cut: any cable of the data."""
        return self.cables


def build_vocabulary(
    data: Datasets, layers: Sequence[str], default_layers: Sequence[str] = ()
) -> Vocabulary:
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
        dc_operators=frozenset(data.datacentres["operator"].dropna()),
        datacentres=frozenset(data.datacentres.index),
        operators=frozenset(data.coverage["operator"]),
        technologies=frozenset(data.coverage["technology"]),
        regions=frozenset(data.regions.index) | {REGION_WORLD},
        layers=frozenset(layers),
        landing_points=frozenset(data.landing_points.index),
        facilities=frozenset(data.facilities.index),
        year_range=(int(years.min()), int(years.max())),
        default_layers=tuple(default_layers),
    )
