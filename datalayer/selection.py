"""The user's selection (every filter, the selected item, the map view) as one immutable value.

The page URL, the data API and the exports all describe a view by a :class:`Selection`; each
field is declared (URL parameter, role, control, docs) in :mod:`datalayer.fields`, and the
query-string codec in :mod:`datalayer.query` turns it into text and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGION_WORLD = "world"
DEFAULT_REGION = "mediterranean"
DEFAULT_HUB = "marseille-france"
#: The radii (km) offered for "facilities within" a landing point, and the default.
RADII_KM: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
DEFAULT_RADIUS_KM = 25
STATUS_ALL = "all"
STATUS_IN_SERVICE = "in-service"
STATUS_PLANNED = "planned"
STATUSES = (STATUS_ALL, STATUS_IN_SERVICE, STATUS_PLANNED)
#: The coverage layer shows one mobile operator at a time (four translucent layers blend into
#: one mass); ``all`` draws every operator's outline to compare them.
DEFAULT_OPERATOR = "Orange"
OPERATOR_ALL = "all"


@dataclass(frozen=True)
class MapView:
    """A map centre and zoom the user moved to (``None`` fields: fit the selection)."""

    lon: float
    lat: float
    zoom: float


@dataclass(frozen=True)
class Selection:
    """Every filter of the page. Empty tuples mean "no restriction"."""

    cables: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    status: str = STATUS_ALL
    region: str = DEFAULT_REGION
    countries: tuple[str, ...] = ()
    facility_countries: tuple[str, ...] = ()
    exchanges: tuple[str, ...] = ()
    #: Data-centre operators (as tagged in OpenStreetMap).
    dc_operators: tuple[str, ...] = ()
    #: The coverage layer's mobile operator, or :data:`OPERATOR_ALL`.
    operator: str = DEFAULT_OPERATOR
    technology: str = "4G"
    layers: tuple[str, ...] | None = None
    selected: str | None = None
    view: MapView | None = field(default=None)
    # Analysis state (route finder and cut simulator): landing point ids, cable ids, a preset.
    route_from: str | None = None
    route_to: str | None = None
    cut: tuple[str, ...] = ()
    scenario: str | None = None
    hub: str = DEFAULT_HUB
    #: The hub (metro area id, e.g. ``marseille``) whose profile the hubs view shows.
    metro: str | None = None
    #: A corridor drawn on the map: ``"lon lat, lon lat, …"``; every cable crossing it is cut.
    corridor: str | None = None
    #: Radius (km) of the "facilities within" list of a landing point's details.
    radius_km: int = DEFAULT_RADIUS_KM
