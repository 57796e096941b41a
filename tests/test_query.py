"""The URL codec (datalayer.query): round trips, defaults, and every kind of bad input."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

import pytest

from datalayer.loader import Datasets
from datalayer.query import (
    MAX_VALUE_CHARS,
    MAX_VALUES,
    Vocabulary,
    build_vocabulary,
    parse_params,
    parse_query,
    to_query,
)
from datalayer.selection import MapView, Selection
from figures.map import ALL_LAYERS, DEFAULT_LAYERS

DEFAULT = Selection()


@pytest.fixture(scope="module")
def vocab(real_data: Datasets) -> Vocabulary:
    return build_vocabulary(real_data, ALL_LAYERS)


def test_vocabulary_holds_the_values_used_below(vocab: Vocabulary) -> None:
    assert "Seren Juno Network Co., Ltd." in vocab.owners
    assert {"Orange", "Telecom Egypt"} <= vocab.owners
    assert {"Congo, Dem. Rep.", "Côte d'Ivoire", "Egypt"} <= vocab.countries
    assert "seamewe-4" in vocab.cables
    assert "marseille-france" in vocab.landing_points
    assert "building-8399" in vocab.facilities
    assert "France-IX Marseille" in vocab.exchanges
    assert vocab.regions == {"mediterranean", "red-sea", "gulf-of-aden", "black-sea", "world"}
    assert vocab.year_range == (1989, 2026)


# --- round trips --------------------------------------------------------------------------------

ROUND_TRIPS = [
    Selection(owners=("Orange",)),
    Selection(owners=("Seren Juno Network Co., Ltd.", "Orange")),
    Selection(owners=("Telecom Egypt", "Orange")),  # order is kept
    Selection(countries=("Congo, Dem. Rep.", "Côte d'Ivoire", "Egypt")),
    Selection(cables=("seamewe-4", "2africa"), suppliers=("ASN", "AT&T SSI")),
    Selection(facility_countries=("France",), exchanges=("France-IX Marseille",)),
    Selection(operator="SFR", technology="3G"),
    Selection(operator="all"),
    Selection(year_min=2000, year_max=2010, status="planned", region="world"),
    Selection(year_min=1989),
    Selection(year_max=2026, status="in-service", region="red-sea"),
    Selection(layers=("cables", "ftth")),
    Selection(layers=()),
    Selection(layers=ALL_LAYERS),
    Selection(selected="cable:seamewe-4"),
    Selection(selected="lp:marseille-france"),
    Selection(selected="fac:building-8399"),
    Selection(view=MapView(5.4, 43.3, 7.5)),
    Selection(view=MapView(-5.3536, 35.9, 0.0)),
    Selection(view=MapView(123.4567, -33.8688, 7.25)),
    Selection(view=MapView(-179.9999, 84.9999, 21.75)),
    Selection(
        owners=("Orange", "Seren Juno Network Co., Ltd."),
        countries=("Congo, Dem. Rep.",),
        year_min=1995,
        year_max=2020,
        status="in-service",
        region="world",
        layers=("cables", "landing_points"),
        selected="cable:seamewe-4",
        view=MapView(29.9, 31.2, 6.0),
    ),
]


@pytest.mark.parametrize("sel", ROUND_TRIPS)
def test_round_trip(vocab: Vocabulary, sel: Selection) -> None:
    query = to_query(sel)
    assert query.startswith("?")
    parsed, notices = parse_query(query, vocab)
    assert notices == []
    assert parsed == sel
    # and the text is stable: encoding the parsed value again gives the same query
    assert to_query(parsed) == query


def test_round_trip_without_leading_question_mark(vocab: Vocabulary) -> None:
    sel = Selection(owners=("Orange",), selected="cable:seamewe-4")
    assert parse_query(to_query(sel)[1:], vocab) == (sel, [])


def test_names_with_commas_are_one_value(vocab: Vocabulary) -> None:
    query = to_query(Selection(owners=("Seren Juno Network Co., Ltd.",)))
    assert parse_qsl(query[1:]) == [("owner", "Seren Juno Network Co., Ltd.")]
    assert "%2C" in query  # the comma is encoded, never a separator


def test_selected_key_is_url_encoded() -> None:
    assert to_query(Selection(selected="cable:seamewe-4")) == "?sel=cable%3Aseamewe-4"


def test_defaults_give_an_empty_query(vocab: Vocabulary) -> None:
    assert to_query(DEFAULT) == ""
    assert to_query(Selection(layers=DEFAULT_LAYERS), DEFAULT_LAYERS) == ""
    assert to_query(Selection(layers=DEFAULT_LAYERS)) != ""  # without defaults it is explicit
    for text in ("", "?"):
        assert parse_query(text, vocab) == (DEFAULT, [])


def test_blank_values_are_ignored_silently(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?owner=&year_min=&year_max=&country=", vocab)
    assert sel == DEFAULT
    assert notices == []


# --- repeated parameters ------------------------------------------------------------------------


def test_repeated_list_params_keep_order_and_deduplicate(vocab: Vocabulary) -> None:
    sel, notices = parse_query(
        "?owner=Telecom%20Egypt&owner=Orange&owner=Telecom+Egypt&owner=Orange", vocab
    )
    assert sel.owners == ("Telecom Egypt", "Orange")
    assert notices == []
    sel, _ = parse_query("?owner=Orange&owner=Telecom%20Egypt", vocab)
    assert sel.owners == ("Orange", "Telecom Egypt")


def test_repeated_scalar_param_uses_the_last(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?status=planned&status=in-service", vocab)
    assert sel.status == "in-service"
    assert notices == []


def test_duplicate_layers_are_deduplicated(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?layers=cables,ftth,cables", vocab)
    assert sel.layers == ("cables", "ftth")
    assert notices == []


# --- invalid input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "notice", "field", "value"),
    [
        ("bogus=1", "Unknown parameter 'bogus'", "owners", ()),
        ("owner=Nobody%20Inc", "Unknown owner 'Nobody Inc'", "owners", ()),
        ("owner=Orange&owner=Nobody", "Unknown owner 'Nobody'", "owners", ("Orange",)),
        ("country=Atlantis", "Unknown country 'Atlantis'", "countries", ()),
        ("fac_country=Atlantis", "Unknown fac country 'Atlantis'", "facility_countries", ()),
        ("ix=NOPE-IX", "Unknown ix 'NOPE-IX'", "exchanges", ()),
        ("operator=Acme", "Unknown operator 'Acme'", "operator", "Orange"),
        ("cable=not-a-cable", "Unknown cable 'not-a-cable'", "cables", ()),
        ("supplier=Nobody", "Unknown supplier 'Nobody'", "suppliers", ()),
        ("year_min=1800", "Year '1800' is outside 1989–2026", "year_min", None),
        ("year_max=3000", "Year '3000' is outside 1989–2026", "year_max", None),
        ("year_min=1988", "Year '1988'", "year_min", None),
        ("year_max=2027", "Year '2027'", "year_max", None),
        ("year_min=abc", "Year 'abc'", "year_min", None),
        ("year_max=2010.5", "Year '2010.5'", "year_max", None),
        ("year_min=%20", "Year ' '", "year_min", None),
        ("status=maybe", "Unknown status 'maybe'", "status", "all"),
        ("status=", "Unknown status ''", "status", "all"),
        ("region=atlantis", "Unknown region 'atlantis'", "region", "mediterranean"),
        ("region=World", "Unknown region 'World'", "region", "mediterranean"),
        ("tech=5G", "Unknown tech '5G'", "technology", "4G"),
        ("layers=lasers", "Unknown layer 'lasers'", "layers", None),
        ("layers=cables,lasers", "Unknown layer 'lasers'", "layers", ("cables",)),
        ("sel=ship:seamewe-4", "Unknown selection 'ship:seamewe-4'", "selected", None),
        ("sel=cable:nope", "Unknown selection 'cable:nope'", "selected", None),
        ("sel=seamewe-4", "Unknown selection 'seamewe-4'", "selected", None),
        ("sel=lp:seamewe-4", "Unknown selection 'lp:seamewe-4'", "selected", None),
        ("sel=fac:marseille-france", "Unknown selection", "selected", None),
        ("view=abc", "Map view 'abc' is not 'lon,lat,zoom'", "view", None),
        ("view=5,43", "Map view '5,43'", "view", None),
        ("view=5,43,7,1", "Map view '5,43,7,1'", "view", None),
        ("view=5,43,x", "Map view '5,43,x'", "view", None),
        ("view=nan,43,7", "Map view 'nan,43,7'", "view", None),
        ("view=5,nan,7", "Map view", "view", None),
        ("view=inf,43,7", "Map view 'inf,43,7'", "view", None),
        ("view=5,-inf,7", "Map view", "view", None),
        ("view=5,43,infinity", "Map view", "view", None),
        ("view=181,43,7", "Map view '181,43,7'", "view", None),
        ("view=5,86,7", "Map view '5,86,7'", "view", None),
        ("view=5,43,23", "Map view '5,43,23'", "view", None),
        ("view=5,43,-1", "Map view '5,43,-1'", "view", None),
    ],
)
def test_invalid_value_gives_notice_and_default(
    vocab: Vocabulary, query: str, notice: str, field: str, value: object
) -> None:
    sel, notices = parse_query("?" + query, vocab)
    assert len(notices) == 1, notices
    assert notice in notices[0]
    assert getattr(sel, field) == value


def test_bad_values_do_not_spoil_good_ones(vocab: Vocabulary) -> None:
    sel, notices = parse_query(
        "?owner=Orange&bogus=1&year_min=abc&year_max=2010&status=maybe&sel=cable:seamewe-4", vocab
    )
    assert sel == Selection(owners=("Orange",), year_max=2010, selected="cable:seamewe-4")
    assert len(notices) == 3


def test_reversed_years_are_swapped(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?year_min=2015&year_max=2005", vocab)
    assert (sel.year_min, sel.year_max) == (2005, 2015)
    assert notices == ["The year range was reversed and has been swapped."]


def test_year_with_spaces_is_accepted(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?year_min=%202001%20", vocab)
    assert sel.year_min == 2001
    assert notices == []


def test_view_is_rounded(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?view=5.123456,43.987654,7.5555", vocab)
    assert sel.view == MapView(5.1235, 43.9877, 7.56)
    assert notices == []


def test_long_names_in_notices_are_shortened(vocab: Vocabulary) -> None:
    name = "N" * 100
    _, notices = parse_query(f"?owner={name}", vocab)
    assert len(notices) == 1
    assert name not in notices[0]
    assert "N" * 39 + "…" in notices[0]


def test_overlong_value_is_rejected(vocab: Vocabulary) -> None:
    _, notices = parse_query("?owner=" + "O" * (MAX_VALUE_CHARS + 1), vocab)
    assert len(notices) == 1 and notices[0].startswith("Unknown owner")


def test_too_long_query_is_reset(vocab: Vocabulary) -> None:
    query = "?owner=Orange&region=world&owner=" + "x" * 20_001
    sel, notices = parse_query(query, vocab)
    assert sel == DEFAULT
    assert notices == ["The link was too long and has been reset."]


def test_too_many_values_are_cut(vocab: Vocabulary) -> None:
    cables = sorted(vocab.cables)
    assert len(cables) > MAX_VALUES
    wanted = cables[: MAX_VALUES + 1]
    sel, notices = parse_params({"cable": wanted}, vocab)
    assert sel.cables == tuple(wanted[:MAX_VALUES])
    assert notices == [f"Only the first {MAX_VALUES} values of 'cable' were used."]
    # the same through a real query string (short enough to be parsed)
    query = to_query(Selection(cables=tuple(wanted)))
    assert len(query) < 20_000
    sel, notices = parse_query(query, vocab)
    assert len(sel.cables) == MAX_VALUES
    assert len(notices) == 1 and "Only the first" in notices[0]


def test_exactly_max_values_is_fine(vocab: Vocabulary) -> None:
    wanted = sorted(vocab.cables)[:MAX_VALUES]
    sel, notices = parse_params({"cable": wanted}, vocab)
    assert len(sel.cables) == MAX_VALUES
    assert notices == []


def test_unknown_layers_alone_fall_back_to_the_default_layers(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?layers=bogus", vocab)
    assert sel.layers is None  # the default layers, not an empty map
    assert notices == ["Unknown layer 'bogus' was ignored; showing the default layers."]
    sel, notices = parse_query("?layers=bogus,nope,bogus", vocab)
    assert sel.layers is None
    assert notices == ["Unknown layers 'bogus', 'nope' were ignored; showing the default layers."]
    assert to_query(sel, DEFAULT_LAYERS) == ""


def test_known_layers_stay_and_the_unknown_one_is_noted(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?layers=cables,bogus", vocab)
    assert sel.layers == ("cables",)
    assert notices == ["Unknown layer 'bogus' was ignored."]


def test_an_empty_layers_parameter_means_every_layer_off(vocab: Vocabulary) -> None:
    """``layers=`` is what the page writes when the user unticks every layer."""
    sel, notices = parse_query("?layers=", vocab)
    assert sel.layers == () and notices == []
    assert to_query(Selection(layers=()), DEFAULT_LAYERS) == "?layers="


def test_invalid_selection_never_reaches_to_query(vocab: Vocabulary) -> None:
    """What the parser returns always encodes to a query that parses without notices."""
    sel, notices = parse_query(
        "?owner=Orange&owner=Nobody&year_min=2015&year_max=2005&layers=ftth,x&view=1,2,3", vocab
    )
    assert notices
    again, second = parse_query(to_query(sel), vocab)
    assert second == []
    expected = replace(
        DEFAULT,
        owners=("Orange",),
        year_min=2005,
        year_max=2015,
        layers=("ftth",),
        view=MapView(1.0, 2.0, 3.0),
    )
    assert sel == expected
    assert again == expected


def test_radius_round_trips_and_bad_radius_gets_a_notice(vocab: Vocabulary) -> None:
    sel, notices = parse_query("?radius=100", vocab)
    assert notices == [] and sel.radius_km == 100
    assert to_query(sel) == "?radius=100"
    assert to_query(Selection()) == ""  # the default radius is not written
    for bad in ("7", "abc", "-25", "1e9"):
        sel, notices = parse_query(f"?radius={bad}", vocab)
        assert sel.radius_km == Selection().radius_km
        assert len(notices) == 1 and "Radius" in notices[0]
