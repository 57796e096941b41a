"""The searched dropdowns' option index: ranking, accents, cap, selected values, hostile text."""

from __future__ import annotations

import re
import time

import pytest

from datalayer.loader import Datasets
from services.context import AppContext, build_context
from services.option_search import (
    LIMIT,
    MAX_QUERY,
    OptionIndex,
    build_index,
    counted,
    counted_index,
    normalise,
)


@pytest.fixture(scope="module")
def places() -> OptionIndex:
    names = [
        "Alexandria, Egypt",
        "New Alexandria, Greece",
        "Port Alexander, United States",
        "Marseille, France",
        "São Tomé, Sao Tome and Principe",
        "Sao Paulo, Brazil",
        "Côte d'Ivoire Landing, Côte d'Ivoire",
        "Cairo, Egypt",
    ]
    countries = [n.rsplit(", ", 1)[1] for n in names]
    return build_index(
        [f"p{i}" for i in range(len(names))],
        names,
        names,
        extra=countries,
        weight=[1, 5, 2, 13, 1, 3, 1, 0],
    )


def labels(options: list[dict[str, object]]) -> list[object]:
    return [o["label"] for o in options]


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("Côte d’Ivoire") == "cote d ivoire"
    assert normalise("  SÃO   Tomé-et-Príncipe ") == "sao tome et principe"
    assert normalise("Ærø, Øresund") == "ærø øresund"


def test_initial_list_is_most_used_first_and_capped(places: OptionIndex) -> None:
    assert labels(places.initial(limit=3)) == [
        "Marseille, France",
        "New Alexandria, Greece",
        "Sao Paulo, Brazil",
    ]
    # The selected values come first, even when they would not make the cut.
    assert labels(places.initial(["p7"], limit=2)) == [
        "Cairo, Egypt",
        "Marseille, France",
        "New Alexandria, Greece",
    ]


def test_ranking_exact_then_prefix_then_word_then_inside_then_elsewhere(
    places: OptionIndex,
) -> None:
    assert labels(places.search("alexandria")) == [
        "Alexandria, Egypt",  # name starts with it
        "New Alexandria, Greece",  # a word of the name starts with it
    ]
    assert labels(places.search("alex")) == [
        "Alexandria, Egypt",
        "New Alexandria, Greece",  # word starts, more cables than Port Alexander
        "Port Alexander, United States",
    ]
    # Matched by the country only: after the names, by popularity.
    assert labels(places.search("egypt")) == ["Alexandria, Egypt", "Cairo, Egypt"]
    # Every word must match, in name or country.
    assert labels(places.search("alexandria greece")) == ["New Alexandria, Greece"]


def test_accents_and_case_do_not_matter(places: OptionIndex) -> None:
    for text in ("sao", "SÃO", "São", "são "):
        assert labels(places.search(text)) == [
            "Sao Paulo, Brazil",
            "São Tomé, Sao Tome and Principe",
        ]
    assert labels(places.search("cote d'ivoire")) == ["Côte d'Ivoire Landing, Côte d'Ivoire"]
    assert labels(places.search("Côte d’Ivoire")) == ["Côte d'Ivoire Landing, Côte d'Ivoire"]


def test_results_survive_the_browsers_own_filter(places: OptionIndex) -> None:
    # Dash's dropdown filters again, lower-case substring per typed word over label, value and
    # `search`: every server match carries what makes it pass.
    for option in places.search("SÃO tome"):
        haystack = f"{option['label']} {option['value']} {option['search']}".lower()
        assert all(word in haystack for word in "SÃO tome".lower().split())


def test_cap_and_selected_values_kept() -> None:
    names = [f"Cable {i:03d}" for i in range(300)]
    index = build_index([f"c{i}" for i in range(300)], names, names)
    found = index.search("cable")
    assert len(found) == LIMIT
    kept = index.search("cable 00", selected=["c299", "c005", "unknown", 7])
    values = [o["value"] for o in kept]
    # "Cable 000"–"Cable 009" hold the phrase; "Cable 100", "Cable 200" only both words.
    assert values[:12] == [*(f"c{i}" for i in range(10)), "c100", "c200"]
    # The selected value outside the matches stays, after them; unknowns are dropped.
    assert values[12:] == ["c299"]
    assert index.search("nothing like it", selected=["c3"]) == [index.option(3)]


def test_hostile_text_is_inert(places: OptionIndex) -> None:
    for text in (
        ".*",
        "(((",
        "[a-z]+",
        "\\",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\u202e\u0000\x1b",
        "%s%n",
        "a" * 10_000,
    ):
        result = places.search(text)
        assert isinstance(result, list) and len(result) <= LIMIT
    # Punctuation only is no search: the initial list.
    assert places.search("((( ***") == places.initial()
    assert places.search("x" * (MAX_QUERY + 50)) == []


def test_counted_index_labels_and_order() -> None:
    index = counted_index(["Orange", "Orange", "Telecom Egypt", "Orange", "Ooredoo"], "cable")
    assert labels(index.initial()) == [
        "Orange (3 cables)",
        "Ooredoo (1 cable)",
        "Telecom Egypt (1 cable)",
    ]
    assert [o["value"] for o in index.search("egypt")] == ["Telecom Egypt"]


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (1, "cable", "1 cable"),
        (2, "cable", "2 cables"),
        (0, "cable", "0 cables"),
        (1, "landing point", "1 landing point"),
        (7, "landing point", "7 landing points"),
        (1, "facility", "1 facility"),
        (3, "facility", "3 facilities"),
        (1515, "landing point", "1,515 landing points"),
        (4, "", "4"),
    ],
)
def test_counted_says_one_in_the_singular_and_more_in_the_plural(
    count: int, noun: str, text: str
) -> None:
    assert counted(count, noun) == text


def test_every_counted_option_label_on_the_page_agrees_in_number(ctx: AppContext) -> None:
    """No picker says "(1 cables)": owners, suppliers, landing and facility countries, IXs."""
    from components.filters_panel import filter_sections

    found: list[str] = []

    def walk(node: object) -> None:
        options = getattr(node, "options", None)
        if isinstance(options, list):
            found.extend(str(o["label"]) for o in options if isinstance(o, dict))
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    for section in filter_sections(ctx):
        walk(section)
    # Search text of every picker too, not only its first list.
    indexes = ctx.option_indexes
    found += [str(o["label"]) for o in indexes.owners.search("a", limit=10_000)]
    found += [str(o["label"]) for o in indexes.exchanges.search("i", limit=10_000)]
    nouns = {
        "cable": "cables",
        "landing point": "landing points",
        "facility": "facilities",
        "data centre": "data centres",
    }
    seen: dict[str, set[str]] = {"one": set(), "many": set()}
    for label in found:
        m = re.search(r"\((\d[\d,]*) ([a-z ]+)\)$", label)
        if m is None:
            continue
        count, noun = int(m.group(1).replace(",", "")), m.group(2)
        if count == 1:
            assert noun in nouns, label
            seen["one"].add(noun)
        else:
            assert noun in nouns.values(), label
            seen["many"].add(noun)
    # Owners and suppliers count cables, countries landing points, IXs and countries facilities.
    assert seen["one"] == set(nouns) and seen["many"] == set(nouns.values())


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_real_data_indexes(ctx: AppContext) -> None:
    points = ctx.option_indexes.landing_points
    assert len(points.values) == len(ctx.data.landing_points)
    assert points.search("marseille")[0]["value"] == "marseille-france"
    assert points.search("marseille france")[0]["value"] == "marseille-france"
    assert ctx.option_indexes.cables.search("seamewe 4")[0]["value"] == "seamewe-4"
    assert ctx.option_indexes.owners.search("orange")[0]["value"] == "Orange"
    assert len(points.initial()) == LIMIT
    # The initial list holds the best-connected points.
    top = points.initial()[0]["value"]
    most = max(len(c) for c in ctx.data.landing_points["cable_ids"])
    assert len(ctx.data.landing_points.loc[top, "cable_ids"]) == most


def test_a_keystroke_is_fast_on_100x_sized_index() -> None:
    # 143,600 entries like the 100× landing points: one search well under 100 ms.
    n = 143_600
    names = [f"Place {i} x{i % 100}, Country {i % 180}" for i in range(n)]
    index = build_index([str(i) for i in range(n)], names, names, weight=[i % 17 for i in range(n)])
    for text in ("a", "place 1", "country 17 x3"):
        start = time.perf_counter()
        index.search(text, selected=["5", "77"])
        assert time.perf_counter() - start < 0.1
