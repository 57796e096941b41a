"""Rendered exports as jobs behind the scriptable URLs: a quick file directly, a slow one as
``202 Accepted`` with a job URL to poll, the same query served from the store, abandoned jobs
cancelled, dead workers' jobs failed, and the queue bound kept. The renderer is replaced by a
stand-in whose speed the test controls (the real one is covered by test_export.py and the storm).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import flask
import orjson
import pytest
from flask.testing import FlaskClient

from config import RenderLimits
from datalayer.loader import Datasets
from export import images, jobs, renderer
from export.routes import register_export
from services.context import AppContext, build_context

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


class Stand:
    """Stands in for the renderer: counts calls and renders only when let go."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.go = threading.Event()
        self.go.set()

    def __call__(self, ctx: object, sel: object, name: str, fmt: str, **_: object) -> bytes:
        self.calls.append(name)
        deadline = time.monotonic() + 20
        while not self.go.wait(0.05):
            # As a real render: stopped when its job is cancelled.
            renderer.RENDERER.check_cancelled()
            assert time.monotonic() < deadline
        return PNG


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


@pytest.fixture
def stand(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Stand]:
    fake = Stand()
    monkeypatch.setattr(images, "export_named_figure", fake)
    monkeypatch.setenv(jobs.JOBS_DIR_ENV, str(tmp_path / "jobs"))
    runner = jobs.Jobs()
    monkeypatch.setattr(jobs, "JOBS", runner)
    monkeypatch.setattr(jobs, "SHORT_WAIT_S", 0.5)
    monkeypatch.setattr(renderer, "GATE", renderer.RenderGate(RenderLimits(1, 1, 30)))
    yield fake
    fake.go.set()
    for thread in runner.threads:  # no job of this test renders in the next one
        thread.join(20)


@pytest.fixture
def client(ctx: AppContext, stand: Stand) -> FlaskClient:
    server = flask.Flask(__name__)
    register_export(server, ctx)
    return server.test_client()


def _poll(client: FlaskClient, url: str, seconds: float = 30) -> flask.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(url)
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_a_quick_export_answers_the_file_and_the_same_query_comes_from_the_store(
    client: FlaskClient, stand: Stand
) -> None:
    first = client.get("/export/figure/owners.png?owner=Orange&scale=1")
    assert first.status_code == 200 and first.data == PNG
    assert first.headers["Content-Disposition"].startswith("attachment")
    # Same query, parameters in another order: the same file, not rendered again.
    again = client.get("/export/figure/owners.png?scale=1&owner=Orange")
    assert again.status_code == 200 and again.data == PNG
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert stand.calls == ["owners"]
    # Another query is another file.
    assert client.get("/export/figure/owners.png?owner=Orange&scale=2").status_code == 200
    assert stand.calls == ["owners", "owners"]


def test_a_slow_export_is_a_job_to_poll_then_fetch(client: FlaskClient, stand: Stand) -> None:
    stand.go.clear()
    started = time.monotonic()
    response = client.get("/export/figure/map.png?region=world")
    assert time.monotonic() - started < 3  # a short wait, not the whole render
    assert response.status_code == 202
    job = response.headers["Location"]
    assert job.startswith("/export/jobs/") and orjson.loads(response.data)["job"] == job
    assert int(response.headers["Retry-After"]) > 0
    polled = client.get(job)
    assert polled.status_code == 202 and orjson.loads(polled.data)["status"] == "running"
    # Asking again joins the job: no second render.
    assert client.get("/export/figure/map.png?region=world").headers["Location"] == job
    stand.go.set()
    done = _poll(client, job)
    assert done.status_code == 200 and done.data == PNG
    assert stand.calls == ["map"]


def test_beyond_the_queue_an_export_is_refused_at_once(client: FlaskClient, stand: Stand) -> None:
    stand.go.clear()
    assert client.get("/export/figure/map.png?region=world").status_code == 202
    assert client.get("/export/figure/map.png?region=red-sea").status_code == 202  # queued
    started = time.monotonic()
    refused = client.get("/export/figure/map.png?region=black-sea")
    assert time.monotonic() - started < 1
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 5
    stand.go.set()


def test_a_queued_job_nobody_polls_is_cancelled(
    client: FlaskClient, stand: Stand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "ABANDON_S", 0.2)
    stand.go.clear()
    first = client.get("/export/figure/map.png?region=world").headers["Location"]
    second = client.get("/export/figure/map.png?region=red-sea").headers["Location"]
    time.sleep(0.5)  # the second one's client has gone
    stand.go.set()
    assert _poll(client, first).status_code == 200
    cancelled = _poll(client, second)
    assert cancelled.status_code == 410
    assert orjson.loads(cancelled.data)["error"] == "export cancelled"
    assert stand.calls == ["map"]


def test_a_running_job_nobody_polls_is_cancelled_mid_render(
    client: FlaskClient, stand: Stand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "ABANDON_RUNNING_S", 1.5)
    monkeypatch.setattr(jobs, "WATCH_EVERY_S", 0.05)
    stand.go.clear()
    job = client.get("/export/figure/map.png?region=world").headers["Location"]
    key = job.rpartition("/")[2]
    assert jobs.JOBS.status(key)["state"] == jobs.RUNNING  # type: ignore[index]
    # Its client has gone: nobody asks about it, and the render is stopped, not finished.
    for thread in jobs.JOBS.threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in jobs.JOBS.threads)
    assert not stand.go.is_set()
    assert jobs.JOBS.status(key)["state"] == jobs.CANCELLED  # type: ignore[index]
    assert jobs.JOBS.result(key) is None
    assert client.get(job).status_code == 410
    # The process renders again afterwards.
    stand.go.set()
    assert client.get("/export/figure/map.png?region=red-sea").status_code == 200


def test_a_job_whose_worker_died_has_failed(client: FlaskClient, stand: Stand) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    key = "0" * 32
    owner = f"{socket.gethostname()}:{int(done.stdout)}"
    jobs.JOBS._set(key, state=jobs.RUNNING, owner=owner, seen=time.time())
    response = client.get(f"/export/jobs/{key}")
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "stopped" in orjson.loads(response.data)["details"][0]


def test_unknown_jobs_are_a_json_404(client: FlaskClient) -> None:
    for key in ("f" * 32, "../../etc/passwd", "x"):
        response = client.get(f"/export/jobs/{key}")
        assert response.status_code == 404
        assert orjson.loads(response.data)["error"] == "no such job"


def test_the_job_key_follows_data_code_and_query() -> None:
    version = jobs.data_version({"a": 1}, [["x", "y"]])
    assert version == jobs.data_version({"a": 1}, [["x", "y"]])
    assert version != jobs.data_version({"a": 2}, [["x", "y"]])
    assert version != jobs.data_version({"a": 1}, [["x", "z"]])
    key = jobs.job_key(version, "/export/figure/map.png", "?region=world", {"scale": "2"})
    assert key != jobs.job_key(version, "/export/figure/map.png", "?region=world", {"scale": "4"})
    assert key != jobs.job_key(version, "/export/figure/map.svg", "?region=world", {"scale": "2"})
