"""The filter and dataset/layer registries cover everything, and the layers import one way."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from api.docs import ENDPOINTS, parameter_docs
from components import ids
from components.export_panel import DATASET_LABELS
from components.state import CONTROL_IDS
from datalayer import schema
from datalayer.fields import (
    ALL_PARAMS,
    BY_ATTR,
    FIELDS,
    FILTER,
    ROLES,
    filters_only,
)
from datalayer.filters import Filtered
from datalayer.loader import Datasets
from datalayer.query import parse_query, to_query
from datalayer.selection import MapView, Selection
from export import meta, tables
from figures.layers import ALL_LAYERS, DEFAULT_LAYERS, LAYERS
from services.context import AppContext, build_context

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_every_selection_field_has_one_declaration_with_a_role() -> None:
    owned = [attr for declaration in FIELDS for attr in declaration.attrs]
    fields = [f.name for f in dataclasses.fields(Selection)]
    assert sorted(owned) == sorted(fields), "a Selection field without a declaration, or twice"
    for declaration in FIELDS:
        assert declaration.role in ROLES
        assert set(declaration.docs) == set(declaration.params), declaration.attrs


def test_parameters_and_controls_are_unique() -> None:
    assert len(ALL_PARAMS) == len(set(ALL_PARAMS))
    controls = [d.control for d in FIELDS if d.control is not None]
    assert len(controls) == len(set(controls))
    assert set(CONTROL_IDS) == set(controls)
    assert ids.F_YEARS == BY_ATTR["year_min"].control == BY_ATTR["year_max"].control


def test_filters_only_keeps_exactly_the_filter_fields() -> None:
    full = Selection(
        cables=("a",),
        owners=("o",),
        suppliers=("s",),
        year_min=2000,
        year_max=2010,
        status="planned",
        region="world",
        countries=("c",),
        facility_countries=("f",),
        exchanges=("x",),
        dc_operators=("d",),
        operator="p",
        technology="3G",
        layers=("cables",),
        selected="cable:a",
        view=MapView(1, 2, 3),
        route_from="a",
        route_to="b",
        cut=("a",),
        scenario="s",
        hub="h",
        corridor="0 0, 1 1, 1 0",
        radius_km=5,
    )
    kept = filters_only(full)
    for declaration in FIELDS:
        for attr in declaration.attrs:
            expected = getattr(full if declaration.role == FILTER else Selection(), attr)
            assert getattr(kept, attr) == expected, attr


def test_api_docs_list_every_parameter_with_its_role(ctx: AppContext) -> None:
    docs = parameter_docs(ctx.vocab)
    assert list(docs) == list(ALL_PARAMS)
    for declaration in FIELDS:
        for param in declaration.params:
            assert docs[param]["page_only"] == (declaration.role != FILTER)


def test_every_dataset_is_loaded_and_every_served_one_is_served_everywhere(
    real_data: Datasets,
) -> None:
    frame_fields = {f.name for f in dataclasses.fields(Filtered)}
    for spec in schema.ALL_SPECS:
        assert hasattr(real_data, spec.key), spec.key
        assert spec.file in real_data.metadata["datasets"], spec.file
    served = [spec.published.endpoint for spec in schema.PUBLISHED if spec.published]
    assert list(ENDPOINTS) == served
    assert list(tables.DATASETS) == served
    assert list(DATASET_LABELS) == served
    assert all(spec.key in frame_fields for spec in schema.PUBLISHED)


def test_every_layer_draws_a_declared_dataset_with_credits(real_data: Datasets) -> None:
    frame_fields = {f.name for f in dataclasses.fields(Filtered)}
    keys = {spec.key for spec in schema.ALL_SPECS}
    for layer in LAYERS:
        assert layer.dataset in keys and layer.dataset in frame_fields, layer.key
        assert layer.file in real_data.metadata["datasets"], layer.file
    assert sorted(ALL_LAYERS) == sorted(layer.key for layer in LAYERS)
    assert set(DEFAULT_LAYERS) == {layer.key for layer in LAYERS if layer.default_on}
    assert list(meta.LAYER_FILES) == [layer.key for layer in LAYERS]


def test_the_ftth_layer_keeps_its_old_name_in_links(ctx: AppContext) -> None:
    sel, notices = parse_query("?layers=cables,fibre", ctx.vocab)
    assert sel.layers == ("cables", "ftth")
    assert notices == []
    assert to_query(sel) == "?layers=cables%2Cftth"


#: Package → packages it must never import (the layers import one way).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "datalayer": (
        "dash",
        "flask",
        "analysis",
        "figures",
        "services",
        "components",
        "api",
        "export",
        "web",
    ),
    "analysis": ("dash", "flask", "figures", "services", "components", "api", "export", "web"),
    "figures": ("dash", "flask", "services", "components", "api", "export", "web"),
    "services": ("dash", "flask", "components", "api", "export", "web"),
    "api": ("components", "dash"),
    "export": ("components", "api", "dash"),
    "web": ("components", "api", "export"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_one_way(package: str) -> None:
    files = sorted((REPO / package).glob("*.py"))
    assert files, package
    for path in files:
        bad = _imports(path) & set(FORBIDDEN[package])
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"
