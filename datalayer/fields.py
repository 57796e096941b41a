"""The filter registry: one declaration per :class:`Selection` field, and everything derived from it.

Each declaration says which Selection fields it owns, its URL parameter(s), its kind (a repeated
list, a number range, a choice, or one of the page's own formats), where its values come from
(an attribute of :class:`~datalayer.vocabulary.Vocabulary`), the id of the page control that
edits it, its *role* and its documentation.

The role decides where a field counts: ``filter`` fields change which features a view holds
(the data API, the exports' data files and the filter memo keep exactly these), ``view`` fields
change only how the page shows them, and ``analysis`` fields drive the route finder and the cut
simulator. The URL codec (:mod:`datalayer.query`), the API's parameter docs, the exports'
one-line description and the page's control↔selection maps all iterate over :data:`FIELDS`:
adding a filter is one declaration here, its test, and its control in the filter panel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from datalayer.selection import (
    DEFAULT_HUB,
    DEFAULT_OPERATOR,
    DEFAULT_RADIUS_KM,
    DEFAULT_REGION,
    OPERATOR_ALL,
    RADII_KM,
    STATUS_ALL,
    STATUS_IN_SERVICE,
    STATUS_PLANNED,
    STATUSES,
    MapView,
    Selection,
)
from datalayer.vocabulary import Vocabulary

Role = Literal["filter", "view", "analysis"]
FILTER: Role = "filter"
VIEW: Role = "view"
ANALYSIS: Role = "analysis"
ROLES: tuple[Role, ...] = (FILTER, VIEW, ANALYSIS)

MAX_VALUES = 500
MAX_VALUE_CHARS = 300
Params = Mapping[str, Sequence[str]]
Fields = dict[str, Any]


class Namer(Protocol):
    """Display names for ids, for the exports' description of a selection."""

    def cable_name(self, cable_id: str) -> str: ...
    def point_name(self, point_id: str) -> str: ...
    def scenario_label(self, key: str) -> str | None: ...


def short(value: str) -> str:
    """``value`` cut to 40 characters for a notice."""
    return value if len(value) <= 40 else value[:39] + "…"


def listed(label: str, values: Sequence[str], plural: str | None = None) -> str:
    """``owner: A, B, C +2 more``: at most three values, each cut to 40 characters."""
    shown = ", ".join(short(v) for v in values[:3])
    more = len(values) - 3
    name = label if len(values) == 1 else (plural or label + "s")
    return f"{name}: {shown}" + (f" +{more} more" if more > 0 else "")


def last(params: Params, name: str) -> str | None:
    """The last value of a scalar parameter (``None`` when absent)."""
    values = params.get(name, [])
    return values[-1] if values else None


def member(value: Any, allowed: Any) -> bool:
    """``value in allowed``, false for unhashable values (a control can send a list)."""
    return isinstance(value, Hashable) and value in allowed


def known_values(values: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    """The known strings of a control's list value, first occurrence first."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(v for v in dict.fromkeys(values) if isinstance(v, str) and v in allowed)


@dataclass(frozen=True)
class Field:
    """What every declaration has; the kinds below add how they parse and write."""

    attrs: tuple[str, ...]
    params: tuple[str, ...]
    role: Role
    #: Parameter → one line saying what it restricts (the API's self-description).
    docs: Mapping[str, str]
    #: The page control that edits the field (``None``: set by clicks or drawing only).
    control: str | None = None
    #: Position in the exports' one-line description (smaller first; ``None``: not described).
    describe_rank: int | None = None
    #: List the allowed values in the API docs (only where the list is short).
    list_values: bool = False
    repeatable: bool = False

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        """The fields the URL parameters set (notices for what was dropped)."""
        raise NotImplementedError

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        """The URL parameters of ``sel`` (nothing when at the default)."""
        raise NotImplementedError

    def from_control(self, value: Any, vocab: Vocabulary) -> Fields:
        """The fields a control value sets (unknown values fall back to the default)."""
        return {}

    def to_control(self, sel: Selection, vocab: Vocabulary) -> Any:
        """The control value that shows ``sel``."""
        return None

    def allowed(self, vocab: Vocabulary) -> Mapping[str, Any]:
        """Parameter → its allowed values, for the API docs (only with ``list_values``)."""
        return {}

    def default_doc(self) -> Mapping[str, Any]:
        """Parameter → its default, for the API docs (filters only)."""
        return {}

    def describe(self, sel: Selection, names: Namer) -> list[str]:
        """The field's part of the exports' one-line description."""
        return []


@dataclass(frozen=True)
class ListField(Field):
    """A repeatable parameter (``owner=A&owner=B``) holding known values, "any of"."""

    vocab: str = ""
    label: str = ""
    plural: str | None = None
    #: Values are cable ids: describe them by name.
    cable_ids: bool = False
    repeatable: bool = True

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        (param,), (attr,) = self.params, self.attrs
        values = [v for v in params.get(param, []) if v != ""]
        if len(values) > MAX_VALUES:
            notices.append(f"Only the first {MAX_VALUES} values of '{param}' were used.")
            values = values[:MAX_VALUES]
        allowed: frozenset[str] = getattr(vocab, self.vocab)
        unique = list(dict.fromkeys(values))
        kept = [v for v in unique if len(v) <= MAX_VALUE_CHARS and v in allowed]
        for bad in [v for v in unique if v not in kept]:
            notices.append(f"Unknown {param.replace('_', ' ')} '{short(bad)}' was ignored.")
        return {attr: tuple(kept)} if kept else {}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        return [(self.params[0], v) for v in getattr(sel, self.attrs[0])]

    def from_control(self, value: Any, vocab: Vocabulary) -> Fields:
        return {self.attrs[0]: known_values(value, getattr(vocab, self.vocab))}

    def to_control(self, sel: Selection, vocab: Vocabulary) -> Any:
        return list(getattr(sel, self.attrs[0]))

    def describe(self, sel: Selection, names: Namer) -> list[str]:
        values: tuple[str, ...] = getattr(sel, self.attrs[0])
        if not values:
            return []
        shown = [names.cable_name(v) for v in values] if self.cable_ids else list(values)
        return [listed(self.label, shown, self.plural)]


@dataclass(frozen=True)
class YearRangeField(Field):
    """Two parameters bounding the ready-for-service year; one range control edits both."""

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        found: Fields = {}
        low, high = vocab.year_range
        for name, attr in zip(self.params, self.attrs, strict=True):
            text = last(params, name)
            if text is None or text == "":
                continue
            year = _parse_int(text)
            if year is None or not (low <= year <= high):
                notices.append(f"Year '{short(text)}' is outside {low}–{high} and was ignored.")
            else:
                found[attr] = year
        lo_attr, hi_attr = self.attrs
        if lo_attr in found and hi_attr in found and found[lo_attr] > found[hi_attr]:
            notices.append("The year range was reversed and has been swapped.")
            found[lo_attr], found[hi_attr] = found[hi_attr], found[lo_attr]
        return found

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        pairs = zip(self.params, (getattr(sel, a) for a in self.attrs), strict=True)
        return [(name, str(year)) for name, year in pairs if year is not None]

    def from_control(self, value: Any, vocab: Vocabulary) -> Fields:
        low, high = vocab.year_range
        year_min = year_max = None
        if isinstance(value, list | tuple) and len(value) == 2:
            try:
                a, b = sorted(int(y) for y in value)
            except (TypeError, ValueError):
                a, b = low, high
            year_min = a if a > low else None
            year_max = b if b < high else None
        return dict(zip(self.attrs, (year_min, year_max), strict=True))

    def to_control(self, sel: Selection, vocab: Vocabulary) -> Any:
        low, high = vocab.year_range
        year_min, year_max = (getattr(sel, a) for a in self.attrs)
        return [
            year_min if year_min is not None else low,
            year_max if year_max is not None else high,
        ]

    def allowed(self, vocab: Vocabulary) -> Mapping[str, Any]:
        low, high = vocab.year_range
        return {name: {"min": low, "max": high} for name in self.params}

    def describe(self, sel: Selection, names: Namer) -> list[str]:
        year_min, year_max = (getattr(sel, a) for a in self.attrs)
        if year_min is not None and year_max is not None:
            same = year_min == year_max
            return [f"RFS {year_min}" if same else f"RFS {year_min}–{year_max}"]
        if year_min is not None:
            return [f"RFS from {year_min}"]
        if year_max is not None:
            return [f"RFS up to {year_max}"]
        return []


@dataclass(frozen=True)
class ChoiceField(Field):
    """One value out of a known set (from the vocabulary, or fixed)."""

    #: The Vocabulary attribute of the allowed values, or the fixed values themselves.
    values: str | tuple[Any, ...] = ()
    default: Any = None
    #: The notice for a value that is not allowed (``{param}`` and ``{value}`` are filled in).
    unknown: str = "Unknown {param} '{value}' was ignored."
    #: An empty parameter is ignored silently (otherwise it is an unknown value).
    skip_empty: bool = False
    #: Turns the parameter's text into a value (``None``: not a value), e.g. ``int``.
    convert: Callable[[str], Any] | None = None
    #: Describes the chosen value in the exports (``None``: not described).
    words: Callable[[Any, Selection, Namer], str | None] | None = None
    #: The values are whole numbers (a control value of another type is unknown).
    int_values: bool = False
    #: State the default in the API docs.
    filter_default_doc: bool = False

    def choices(self, vocab: Vocabulary) -> Any:
        """The allowed values."""
        return getattr(vocab, self.values) if isinstance(self.values, str) else self.values

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        (param,), (attr,) = self.params, self.attrs
        text = last(params, param)
        if text is None or (self.skip_empty and text == ""):
            return {}
        value = self.convert(text) if self.convert else text
        if value is not None and member(value, self.choices(vocab)):
            return {attr: value}
        message = self.unknown.format(
            param=param, value=short(text), values=", ".join(str(v) for v in self.choices(vocab))
        )
        notices.append(message)
        return {}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        value = getattr(sel, self.attrs[0])
        return [] if value == self.default or value is None else [(self.params[0], str(value))]

    def from_control(self, value: Any, vocab: Vocabulary) -> Fields:
        wrong_type = self.int_values and (isinstance(value, bool) or not isinstance(value, int))
        ok = not wrong_type and member(value, self.choices(vocab))
        return {self.attrs[0]: value if ok else self.default}

    def to_control(self, sel: Selection, vocab: Vocabulary) -> Any:
        return getattr(sel, self.attrs[0])

    def allowed(self, vocab: Vocabulary) -> Mapping[str, Any]:
        choices = self.choices(vocab)
        shown = list(choices) if isinstance(self.values, tuple) else sorted(choices)
        return {self.params[0]: shown} if self.list_values else {}

    def default_doc(self) -> Mapping[str, Any]:
        return {self.params[0]: self.default} if self.filter_default_doc else {}

    def describe(self, sel: Selection, names: Namer) -> list[str]:
        if self.words is None:
            return []
        text = self.words(getattr(sel, self.attrs[0]), sel, names)
        return [text] if text else []


@dataclass(frozen=True)
class LayersField(Field):
    """``layers=a,b``: the map layers shown, in one comma-separated parameter.

    Unknown names are dropped with a notice; when none of the names is known the default
    layers apply. ``layers=`` (no name at all) means every layer off, as the page writes it.
    """

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        text = last(params, self.params[0])
        if text is None:
            return {}
        aliases = dict(vocab.layer_aliases)
        chosen = [aliases.get(v, v) for v in text.split(",") if v]
        known = tuple(v for v in dict.fromkeys(chosen) if v in vocab.layers)
        unknown = [v for v in dict.fromkeys(chosen) if v not in vocab.layers]
        if unknown and not known:
            # Nothing known is left: the default layers, not an empty map.
            names = ", ".join(f"'{short(v)}'" for v in unknown)
            many = len(unknown) > 1
            notices.append(
                f"Unknown layer{'s' if many else ''} {names} {'were' if many else 'was'} "
                "ignored; showing the default layers."
            )
            return {}
        for bad in unknown:
            notices.append(f"Unknown layer '{short(bad)}' was ignored.")
        # ``layers=`` (nothing named) is the page's own way to say "every layer off".
        return {self.attrs[0]: known}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        layers = sel.layers
        if layers is None or (
            default_layers is not None and tuple(layers) == tuple(default_layers)
        ):
            return []
        return [(self.params[0], ",".join(layers))]

    def from_control(self, value: Any, vocab: Vocabulary) -> Fields:
        layers = known_values(value, vocab.layers)
        return {self.attrs[0]: None if layers == vocab.default_layers else layers}

    def to_control(self, sel: Selection, vocab: Vocabulary) -> Any:
        return list(vocab.default_layers if sel.layers is None else sel.layers)

    def allowed(self, vocab: Vocabulary) -> Mapping[str, Any]:
        return {self.params[0]: sorted(vocab.layers)}


@dataclass(frozen=True)
class SelectedField(Field):
    """``sel=kind:id``: the cable, landing point or facility whose details are open."""

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        text = last(params, self.params[0])
        if text is None:
            return {}
        kind, _, key = text.partition(":")
        pools = {
            "cable": vocab.cables,
            "lp": vocab.landing_points,
            "fac": vocab.facilities,
            "dc": vocab.datacentres,
        }
        if kind in pools and key in pools[kind]:
            return {self.attrs[0]: text}
        notices.append(f"Unknown selection '{short(text)}' was ignored.")
        return {}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        return [(self.params[0], sel.selected)] if sel.selected else []


@dataclass(frozen=True)
class CorridorField(Field):
    """``corridor=lon lat, lon lat, …``: a polygon whose crossing cables are cut."""

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        text = last(params, self.params[0])
        if not text:
            return {}
        corridor = normalise_corridor(text)
        if corridor is None:
            notices.append(
                f"Corridor '{short(text)}' is not 'lon lat, lon lat, …' (3–200 "
                "points) and was ignored."
            )
            return {}
        return {self.attrs[0]: corridor}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        return [(self.params[0], sel.corridor)] if sel.corridor else []

    def describe(self, sel: Selection, names: Namer) -> list[str]:
        return ["cut corridor drawn on the map"] if sel.corridor else []


@dataclass(frozen=True)
class MapViewField(Field):
    """``view=lon,lat,zoom``: where the user moved the map."""

    def parse(self, params: Params, vocab: Vocabulary, notices: list[str]) -> Fields:
        text = last(params, self.params[0])
        if text is None:
            return {}
        view = parse_view(text)
        if view is None:
            notices.append(f"Map view '{short(text)}' is not 'lon,lat,zoom' and was ignored.")
            return {}
        return {self.attrs[0]: view}

    def write(self, sel: Selection, default_layers: Sequence[str] | None) -> list[tuple[str, str]]:
        view = sel.view
        if view is None:
            return []
        # ``.10g``: plain ``g`` keeps only six significant digits (123.4567 → 123.457).
        return [(self.params[0], f"{view.lon:.10g},{view.lat:.10g},{view.zoom:.10g}")]


def _parse_int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def parse_view(text: str) -> MapView | None:
    """``lon,lat,zoom`` within the map's limits, rounded; ``None`` if it is not one."""
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


def _status_words(value: Any, sel: Selection, names: Namer) -> str | None:
    return {STATUS_IN_SERVICE: "in service", STATUS_PLANNED: "planned"}.get(value)


def _operator_words(value: Any, sel: Selection, names: Namer) -> str | None:
    if value == DEFAULT_OPERATOR:
        return None
    return "coverage: every operator" if value == OPERATOR_ALL else f"coverage operator: {value}"


def _route_words(value: Any, sel: Selection, names: Namer) -> str | None:
    if not (sel.route_from and sel.route_to):
        return None
    return f"route {names.point_name(sel.route_from)} → {names.point_name(sel.route_to)}"


def _scenario_words(value: Any, sel: Selection, names: Namer) -> str | None:
    label = names.scenario_label(value) if value else None
    return f"cut scenario: {label}" if label else None


def _hub_words(value: Any, sel: Selection, names: Namer) -> str | None:
    cutting = (sel.scenario and names.scenario_label(sel.scenario)) or sel.cut or sel.corridor
    return f"hub {names.point_name(value)}" if cutting and value else None


_PAGE_ONLY = "Validated, then ignored."
_POINT_UNKNOWN = "Unknown landing point '{value}' for '{param}' was ignored."

#: Every field of the page's state, in URL order (the order ``to_query`` writes them in).
FIELDS: tuple[Field, ...] = (
    ListField(
        attrs=("cables",),
        params=("cable",),
        role=FILTER,
        vocab="cables",
        control="f-cable-value",
        docs={"cable": "Only these cables (cable ids, e.g. 'seamewe-4')."},
        label="cable",
        cable_ids=True,
        describe_rank=10,
    ),
    ListField(
        attrs=("owners",),
        params=("owner",),
        role=FILTER,
        vocab="owners",
        control="f-owner-value",
        docs={"owner": "Cables owned, at least in part, by any of these owners."},
        label="owner",
        describe_rank=20,
    ),
    ListField(
        attrs=("suppliers",),
        params=("supplier",),
        role=FILTER,
        vocab="suppliers",
        control="f-supplier",
        docs={"supplier": "Cables built by any of these suppliers."},
        label="supplier",
        describe_rank=30,
    ),
    ListField(
        attrs=("countries",),
        params=("country",),
        role=FILTER,
        vocab="countries",
        control="f-country",
        docs={"country": "Cables with a landing point in any of these countries."},
        label="landing in",
        plural="landing in",
        describe_rank=60,
    ),
    ListField(
        attrs=("facility_countries",),
        params=("fac_country",),
        role=FILTER,
        vocab="facility_countries",
        control="f-fac-country",
        docs={"fac_country": "Exchange buildings (facilities) in any of these countries."},
        label="IX facilities in",
        plural="IX facilities in",
        describe_rank=70,
    ),
    ListField(
        attrs=("exchanges",),
        params=("ix",),
        role=FILTER,
        vocab="exchanges",
        control="f-ix-value",
        docs={"ix": "Exchange buildings hosting any of these internet exchanges."},
        label="IX",
        plural="IXs",
        describe_rank=80,
    ),
    ListField(
        attrs=("dc_operators",),
        params=("dc_operator",),
        role=FILTER,
        vocab="dc_operators",
        control="f-dc-operator-value",
        docs={"dc_operator": "Data centres run by any of these operators (as tagged in OSM)."},
        label="data-centre operator",
        describe_rank=85,
    ),
    ListField(
        attrs=("cut",),
        params=("cut",),
        role=ANALYSIS,
        vocab="cut",
        control="a-cut-value",
        docs={"cut": f"Page only: cables cut in the impact simulator (cable ids). {_PAGE_ONLY}"},
        label="cut",
        cable_ids=True,
        describe_rank=120,
    ),
    YearRangeField(
        attrs=("year_min", "year_max"),
        params=("year_min", "year_max"),
        role=FILTER,
        control="f-years",
        docs={
            "year_min": "Cables ready for service in or after this year (cables without a year drop out).",
            "year_max": "Cables ready for service in or before this year (cables without a year drop out).",
        },
        list_values=True,
        describe_rank=40,
    ),
    ChoiceField(
        attrs=("status",),
        params=("status",),
        role=FILTER,
        values=STATUSES,
        default=STATUS_ALL,
        control="f-status",
        docs={"status": "Cables in service, planned, or all."},
        list_values=True,
        filter_default_doc=True,
        words=_status_words,
        describe_rank=50,
    ),
    ChoiceField(
        attrs=("region",),
        params=("region",),
        role=FILTER,
        values="regions",
        default=DEFAULT_REGION,
        control="f-region",
        docs={
            "region": "Sea region the cables cross; facilities in countries on its shores ('world': no limit)."
        },
        list_values=True,
        filter_default_doc=True,
    ),
    ChoiceField(
        attrs=("operator",),
        params=("operator",),
        role=FILTER,
        values="operator_choices",
        default=DEFAULT_OPERATOR,
        control="f-operator",
        docs={
            "operator": f"The mobile operator of the coverage layer (default {DEFAULT_OPERATOR}; "
            f"'{OPERATOR_ALL}': every operator's outline); no endpoint here serves coverage."
        },
        list_values=True,
        filter_default_doc=True,
        words=_operator_words,
        describe_rank=90,
    ),
    ChoiceField(
        attrs=("technology",),
        params=("tech",),
        role=VIEW,
        values="technologies",
        default="4G",
        control="coverage-tech",
        docs={"tech": f"Page only: the coverage technology shown. {_PAGE_ONLY}"},
        list_values=True,
    ),
    LayersField(
        attrs=("layers",),
        params=("layers",),
        role=VIEW,
        control="layers",
        docs={"layers": f"Page only: comma-separated map layers shown. {_PAGE_ONLY}"},
        list_values=True,
    ),
    SelectedField(
        attrs=("selected",),
        params=("sel",),
        role=VIEW,
        docs={
            "sel": "Page only: the selected item, 'cable:<id>', 'lp:<id>', 'fac:<id>' or "
            "'dc:<id>'. " + _PAGE_ONLY
        },
    ),
    ChoiceField(
        attrs=("route_from",),
        params=("from",),
        role=ANALYSIS,
        values="landing_points",
        control="a-from-value",
        docs={"from": f"Page only: route finder origin (landing point id). {_PAGE_ONLY}"},
        unknown=_POINT_UNKNOWN,
        skip_empty=True,
        words=_route_words,
        describe_rank=100,
    ),
    ChoiceField(
        attrs=("route_to",),
        params=("to",),
        role=ANALYSIS,
        values="landing_points",
        control="a-to-value",
        docs={"to": f"Page only: route finder destination (landing point id). {_PAGE_ONLY}"},
        unknown=_POINT_UNKNOWN,
        skip_empty=True,
    ),
    ChoiceField(
        attrs=("scenario",),
        params=("scenario",),
        role=ANALYSIS,
        values="scenarios",
        control="a-scenario",
        docs={"scenario": f"Page only: preset cut scenario. {_PAGE_ONLY}"},
        skip_empty=True,
        words=_scenario_words,
        describe_rank=110,
    ),
    ChoiceField(
        attrs=("hub",),
        params=("hub",),
        role=ANALYSIS,
        values="landing_points",
        default=DEFAULT_HUB,
        control="a-hub-value",
        docs={"hub": f"Page only: the hub of the cut simulator (landing point id). {_PAGE_ONLY}"},
        unknown=_POINT_UNKNOWN,
        skip_empty=True,
        words=_hub_words,
        describe_rank=140,
    ),
    ChoiceField(
        attrs=("metro",),
        params=("metro",),
        role=VIEW,
        values="metros",
        control="hubs-profile",
        docs={
            "metro": f"Page only: the hub whose profile the hubs view shows (e.g. marseille). {_PAGE_ONLY}"
        },
        unknown="Unknown hub '{value}' was ignored.",
        skip_empty=True,
    ),
    CorridorField(
        attrs=("corridor",),
        params=("corridor",),
        role=ANALYSIS,
        docs={
            "corridor": "Page only: a corridor 'lon lat, lon lat, …' whose crossing cables are "
            f"cut. {_PAGE_ONLY}"
        },
        describe_rank=130,
    ),
    ChoiceField(
        attrs=("radius_km",),
        params=("radius",),
        role=VIEW,
        values=RADII_KM,
        default=DEFAULT_RADIUS_KM,
        control="a-radius",
        docs={
            "radius": "Page only: radius in km (5, 10, 25, 50, 100 or 250; default 25) of the IX "
            f"facilities listed in a landing point's details. {_PAGE_ONLY}"
        },
        unknown="Radius '{value}' is not one of {values} km and was ignored.",
        skip_empty=True,
        convert=_parse_int,
        int_values=True,
    ),
    MapViewField(
        attrs=("view",),
        params=("view",),
        role=VIEW,
        docs={"view": f"Page only: the map view 'lon,lat,zoom'. {_PAGE_ONLY}"},
    ),
)

#: Query parameter → Selection field, for the repeatable (list-valued) parameters.
LIST_PARAMS: dict[str, str] = {f.params[0]: f.attrs[0] for f in FIELDS if isinstance(f, ListField)}
#: Every parameter a URL may carry, in URL order.
ALL_PARAMS: tuple[str, ...] = tuple(p for f in FIELDS for p in f.params)
SCALAR_PARAMS: tuple[str, ...] = tuple(p for p in ALL_PARAMS if p not in LIST_PARAMS)
#: Parameters that describe the page's view and analysis, not which features are selected.
VIEW_PARAMS: tuple[str, ...] = tuple(p for f in FIELDS if f.role != FILTER for p in f.params)
#: Page control id → its declaration, for the controls that edit the selection.
CONTROLS: dict[str, Field] = {f.control: f for f in FIELDS if f.control is not None}
#: Selection field → its declaration.
BY_ATTR: dict[str, Field] = {a: f for f in FIELDS for a in f.attrs}
#: The declarations described in the exports' one-line description, in its order.
DESCRIBED: tuple[Field, ...] = tuple(
    sorted((f for f in FIELDS if f.describe_rank is not None), key=lambda f: f.describe_rank or 0)
)
FILTER_ATTRS: tuple[str, ...] = tuple(a for f in FIELDS if f.role == FILTER for a in f.attrs)


def control_of(attr: str) -> str:
    """The id of the control that edits Selection field ``attr``."""
    control = BY_ATTR[attr].control
    if control is None:
        raise KeyError(f"{attr!r} has no control")
    return control


def filters_only(sel: Selection) -> Selection:
    """``sel`` without the fields that change no filtered feature (view, layers, analysis).

    The one rule for the data API's normalised query, the exports' data files and the key of
    the memoised filter result: the fields whose declared role is ``filter``.
    """
    return replace(Selection(), **{attr: getattr(sel, attr) for attr in FILTER_ATTRS})


def selection_from_controls(
    values: Mapping[str, Any], vocab: Vocabulary, base: Selection
) -> Selection:
    """The selection the controls describe; ``base`` supplies the fields no control edits.

    Values that are not in the vocabulary are dropped: a control can only offer known values,
    so anything else arrived from outside the page.
    """
    changes: Fields = {}
    for control, declaration in CONTROLS.items():
        changes.update(declaration.from_control(values.get(control), vocab))
    return replace(base, **changes)


def controls_from_selection(sel: Selection, vocab: Vocabulary) -> dict[str, Any]:
    """The value of every control that shows ``sel``."""
    return {control: d.to_control(sel, vocab) for control, d in CONTROLS.items()}
