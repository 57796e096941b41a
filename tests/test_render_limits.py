"""Bounded, fast-failing exports: render slots and queue, pixel budget, browser checks, /readyz,
and the per-process temporary folder (no browser is started here except to check its version)."""

from __future__ import annotations

import os
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

import app as landfall_app
from config import RenderLimits
from datalayer.loader import Datasets
from export import images, renderer, workdir
from export.routes import register_export
from services.context import AppContext, build_context


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


@pytest.fixture
def client(ctx: AppContext) -> FlaskClient:
    server = flask.Flask(__name__)
    register_export(server, ctx)
    return server.test_client()


@pytest.fixture(autouse=True)
def _fresh_browser_check() -> Iterator[None]:
    """Each test checks the browser of its own environment."""
    renderer._status.clear()
    yield
    renderer._status.clear()


def _browser(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(path))
    monkeypatch.delenv("LANDFALL_CHROMIUM", raising=False)


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "chromium"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


# --- the render gate -------------------------------------------------------------------------


def _hold(gate: renderer.RenderGate, release: threading.Event, got: list[str]) -> None:
    try:
        with gate.slot():
            got.append("slot")
            release.wait(10)
    except renderer.RendererBusy:
        got.append("busy")


def _until(predicate: object, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_gate_runs_one_queues_one_and_turns_the_rest_away_at_once() -> None:
    gate = renderer.RenderGate(RenderLimits(slots=1, queue=1, wait_s=10))
    release = threading.Event()
    got: list[str] = []
    holders = [threading.Thread(target=_hold, args=(gate, release, got)) for _ in range(2)]
    holders[0].start()
    _until(lambda: gate.depth()["active"] == 1)
    holders[1].start()
    _until(lambda: gate.depth()["waiting"] == 1)
    assert gate.depth() == {"active": 1, "waiting": 1, "slots": 1, "queue": 1}

    started = time.monotonic()
    with pytest.raises(renderer.RendererBusy) as refused, gate.slot():
        pass
    assert time.monotonic() - started < 0.5  # no wait while holding a thread
    assert refused.value.retry_after >= 5

    release.set()
    for holder in holders:
        holder.join(10)
    assert got == ["slot", "slot"]  # the queued render ran once the first was done
    assert gate.depth()["active"] == gate.depth()["waiting"] == 0


def test_a_queued_render_gives_up_after_its_wait() -> None:
    gate = renderer.RenderGate(RenderLimits(slots=1, queue=2, wait_s=0.3))
    release = threading.Event()
    got: list[str] = []
    holder = threading.Thread(target=_hold, args=(gate, release, got))
    holder.start()
    _until(lambda: gate.depth()["active"] == 1)
    started = time.monotonic()
    with pytest.raises(renderer.RendererBusy), gate.slot():
        pass
    assert 0.25 < time.monotonic() - started < 2
    release.set()
    holder.join(10)
    assert gate.depth()["waiting"] == 0


def test_a_report_s_figures_share_its_slot() -> None:
    gate = renderer.RenderGate(RenderLimits(slots=1, queue=0, wait_s=0))
    with gate.slot(), gate.slot():  # the same thread: no second slot, no refusal
        assert gate.depth()["active"] == 1
    assert gate.depth()["active"] == 0


# --- the pixel budget ------------------------------------------------------------------------


def test_the_card_s_largest_image_is_within_the_pixel_budget() -> None:
    for name in images.FIGURE_NAMES:
        width, height = images.export_size(name, None, None)
        assert images.pixel_problem(width, height, max(images.SCALES)) is None
    assert images.pixel_problem(3000, 3000, 2) is None


def test_an_image_over_the_pixel_budget_is_a_400_naming_the_limit(client: FlaskClient) -> None:
    started = time.monotonic()
    response = client.get("/export/figure/map.png?region=world&scale=4&width=3000&height=3000")
    assert time.monotonic() - started < 2  # refused before any rendering
    assert response.status_code == 400
    body = orjson.loads(response.data)
    assert body["error"] == "invalid parameters"
    assert "144,000,000 pixels" in body["details"][0]
    assert f"{images.MAX_PIXELS:,}" in body["details"][0]
    with pytest.raises(ValueError, match="limit"):
        images.export_figure(images.go.Figure(), "png", scale=4, width=3000, height=3000)


# --- the browser check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("missing", "/nonexistent/chromium"),
        ("broken", "exit 3"),
        ("hanging", "sleep 30"),
    ],
)
def test_without_a_usable_browser_exports_are_refused_within_seconds(
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    path: str,
) -> None:
    monkeypatch.setattr(renderer, "PROBE_TIMEOUT_S", 1)
    _browser(monkeypatch, path if kind == "missing" else _script(tmp_path, path))
    for url in ("/export/figure/map.png", "/export/figure/owners.svg", "/export/report.pdf"):
        started = time.monotonic()
        response = client.get(url)
        assert time.monotonic() - started < 5, url
        assert response.status_code == 503, url
        body = orjson.loads(response.data)
        assert body["error"] == "renderer unavailable"
        assert int(response.headers["Retry-After"]) > 0
    # Exports that need no browser still work.
    assert client.get("/export/cables.geojson").status_code == 200
    assert client.get("/export/report.html").status_code == 200


def test_a_missing_browser_gives_a_start_up_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    _browser(monkeypatch, "/nonexistent/chromium")
    warning = renderer.startup_check()
    assert warning is not None and "/nonexistent/chromium" in warning
    _browser(monkeypatch, "/usr/bin/chromium")
    assert renderer.startup_check() is None


def test_an_export_beyond_the_queue_is_a_503_with_retry_after_at_once(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = renderer.RenderGate(RenderLimits(slots=1, queue=0, wait_s=30))
    monkeypatch.setattr(renderer, "GATE", gate)
    release = threading.Event()
    holder = threading.Thread(target=_hold, args=(gate, release, []))
    holder.start()
    _until(lambda: gate.depth()["active"] == 1)
    try:
        for url in ("/export/figure/map.png", "/export/report.pdf"):
            started = time.monotonic()
            response = client.get(url)
            assert time.monotonic() - started < 2, url
            assert response.status_code == 503
            assert orjson.loads(response.data)["error"] == "renderer busy"
            assert int(response.headers["Retry-After"]) >= 5
    finally:
        release.set()
        holder.join(10)


# --- /readyz ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_client(real_data: Datasets) -> FlaskClient:
    return landfall_app.create_app(real_data).server.test_client()


def test_readyz_says_data_renderer_and_queue(
    app_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = app_client.get("/readyz")
    assert response.status_code == 200
    body = orjson.loads(response.data)
    assert body["status"] == "ready"
    assert body["data"]["loaded"] and body["data"]["cables"] > 0
    assert body["renderer"]["usable"] and body["renderer"]["detail"].startswith("Chromium")
    assert body["renderer"]["queue"] == {"active": 0, "waiting": 0, "slots": 1, "queue": 1}
    assert response.headers["Cache-Control"] == "no-store"

    _browser(monkeypatch, "/nonexistent/chromium")
    renderer._status.clear()
    response = app_client.get("/readyz")
    assert response.status_code == 503
    body = orjson.loads(response.data)
    assert body["status"] == "not ready" and not body["renderer"]["usable"]
    assert "/nonexistent/chromium" in body["renderer"]["detail"]
    # Liveness is a separate question: the process runs.
    assert orjson.loads(app_client.get("/healthz").data) == {"status": "ok"}


# --- the per-process temporary folder --------------------------------------------------------


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_a_dead_process_s_folder_and_browser_are_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(workdir.ROOT_ENV, str(tmp_path / "run"))
    folder = workdir.root() / str(_dead_pid())
    (folder / "profile").mkdir(parents=True)
    (folder / "report.html").write_text("left behind", encoding="utf-8")
    # Stands in for a browser whose profile is in the folder (its command line names it).
    browser = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", f"--user-data-dir={folder}/profile"]
    )
    # A live process's folder whose name starts the same is left alone.
    neighbour = workdir.root() / f"{os.getpid()}"
    neighbour.mkdir()
    try:
        _until(lambda: workdir.processes_using(folder) == [browser.pid])
        swept = workdir.sweep_stale()
        assert swept and str(folder) in swept[0]
        assert browser.wait(5) == -9
        assert not folder.exists()
        assert neighbour.exists()
    finally:
        if browser.poll() is None:
            browser.kill()


def test_temporary_files_go_to_the_process_folder_and_leave_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(workdir.ROOT_ENV, str(tmp_path / "run"))
    code = (
        "import tempfile\n"
        "from export import workdir\n"
        "folder = workdir.process_dir()\n"
        "print(folder, tempfile.mkdtemp(), flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(landfall_app.__file__).parent,
        env={**os.environ, workdir.ROOT_ENV: str(tmp_path / "run")},
        capture_output=True,
        text=True,
        check=True,
    )
    folder, made = done.stdout.split()
    assert made.startswith(folder + "/")
    assert Path(folder).parent == tmp_path / "run"
    assert not Path(folder).exists()  # swept at exit
