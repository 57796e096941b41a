"""``/api/v1/hubs``, ``/api/v1/hubs/<id>`` and ``/api/v1/hubs.csv`` on the shipped data."""

from __future__ import annotations

import io
import math
import time

import flask
import orjson
import pandas as pd
import pytest
from flask.testing import FlaskClient

from api.hubs_routes import register_hubs_api
from api.routes import register_api
from datalayer.loader import Datasets
from services.context import AppContext, build_context
from services.hubs import hubs_of

CREDIT = {"data_date", "attribution", "licence", "licence_url", "methodology", "sources"}


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


@pytest.fixture(scope="module")
def client(ctx: AppContext) -> FlaskClient:
    server = flask.Flask(__name__)
    register_api(server, ctx)  # the data API's catch-all must not shadow these routes
    register_hubs_api(server, ctx)
    return server.test_client()


def test_ranking_lists_marseille_with_credit_and_is_served_from_cache(
    client: FlaskClient, ctx: AppContext
) -> None:
    response = client.get("/api/v1/hubs")
    assert response.status_code == 200
    body = orjson.loads(response.data)
    assert set(body) >= CREDIT
    assert body["data_date"] == "2022-11-10"
    ids = [h["id"] for h in body["hubs"]]
    assert {"marseille", "genoa", "alexandria"} <= set(ids)
    # Ranked by cables in service, most first.
    counts = [h["cables_in_service"] for h in body["hubs"]]
    assert counts == sorted(counts, reverse=True)
    started = time.perf_counter()
    assert hubs_of(ctx) is hubs_of(ctx)
    assert time.perf_counter() - started < 0.05


def test_profile_of_marseille_and_404_for_an_unknown_hub(client: FlaskClient) -> None:
    response = client.get("/api/v1/hubs/marseille")
    assert response.status_code == 200
    body = orjson.loads(response.data)
    assert set(body) >= CREDIT
    hub = body["hub"]
    assert hub["hub"]["point_ids"] == ["marseille-france"]
    assert "seamewe-4" in hub["cables_in_service"]
    singapore = next(r for r in hub["rtts"] if r["destination"] == "Singapore")
    assert singapore["rtt_ms"] > singapore["floor_ms"] > 0
    missing = client.get("/api/v1/hubs/atlantis")
    assert missing.status_code == 404
    assert "atlantis" in orjson.loads(missing.data)["error"]


def test_csv_has_every_hub_and_the_years(client: FlaskClient) -> None:
    response = client.get("/api/v1/hubs.csv")
    assert response.status_code == 200
    text = response.data.decode()
    assert text.startswith("# data_date: 2022-11-10")
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert "rtt_singapore_ms" in header and "2022" in header
    assert any(line.startswith("marseille,") for line in text.splitlines())


def test_the_profile_credits_every_dataset_its_numbers_come_from(client: FlaskClient) -> None:
    body = orjson.loads(client.get("/api/v1/hubs/marseille").data)
    assert body["licence_url"].startswith("https://creativecommons.org/")
    assert "estimate" in body["methodology"].lower() and "40 km" in body["methodology"]
    sources = {s["file"]: s for s in body["sources"]}
    assert set(sources) == {
        "cables.geojson",
        "landing_points.geojson",
        "facilities.geojson",
        "datacentres.geojson",
    }
    # The data centres near each hub come from OpenStreetMap (ODbL), dated like the rest.
    assert "ODbL" in sources["datacentres.geojson"]["licence"]
    assert "© OpenStreetMap contributors" in sources["datacentres.geojson"]["attribution"]
    assert all(s["data_date"] and s["licence"] and s["licence_url"] for s in sources.values())


def test_csv_carries_every_number_of_the_ranking_and_each_year(
    client: FlaskClient, ctx: AppContext
) -> None:
    text = client.get("/api/v1/hubs.csv").data.decode()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# licence:") for line in comments)
    assert any(line.startswith("# methodology:") for line in comments)
    assert any("source datacentres.geojson" in line and "ODbL" in line for line in comments)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    result = hubs_of(ctx)
    table = result.table
    # Every column of the ranking (each measure and its rank), every hub, in the same order.
    assert list(frame.columns[: len(table.columns)]) == list(table.columns)
    assert list(frame["id"]) == list(table["id"])
    for column in table.columns:
        for got, want in zip(frame[column], table[column], strict=True):
            if want is pd.NA or (isinstance(want, float) and math.isnan(want)):
                assert isinstance(got, float) and math.isnan(got), column
            elif isinstance(want, float):
                assert got == pytest.approx(want, abs=0.05), column
            elif str(table[column].dtype) == "Int64":  # a count with gaps: read back as float
                assert got == int(want), column
            else:
                assert str(got) == str(want), column
    # Counts with gaps are written as counts ("19", not "19.0"), gaps empty.
    marseille_line = next(line for line in text.splitlines() if line.startswith("marseille,"))
    assert f",{table.set_index('id').at['marseille', 'datacentres']}," in marseille_line
    # Then the cables in service at the end of each year of the timeline.
    marseille = frame.set_index("id").loc["marseille"]
    for year, count in result.profiles["marseille"].cables_by_year.items():
        assert marseille[str(year)] == count
