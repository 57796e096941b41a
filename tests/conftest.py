"""Shared fixtures: the shipped datasets, a live app server, and headless Debian Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import CACHE_ENV, CHROMIUM
from config import CHROMIUM_FLAGS as APP_CHROMIUM_FLAGS
from datalayer.loader import Datasets, load_datasets

REPO = Path(__file__).resolve().parent.parent
# Scriptable exports wait this long for their render before answering 202 with a job URL: the
# tests that fetch files from the routes want the file (tests/test_export_jobs.py covers 202).
os.environ.setdefault("LANDFALL_EXPORT_WAIT_S", "120")
DATA_DIR = REPO / "data"
CHROMIUM_FLAGS = [*APP_CHROMIUM_FLAGS, "--disable-quic"]


@pytest.fixture(scope="session", autouse=True)
def private_data_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The data cache of this run (the app and the servers it starts) lives in a temp dir."""
    cache_dir = tmp_path_factory.mktemp("landfall-cache")
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(cache_dir)
    yield cache_dir
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session", autouse=True)
def private_job_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Rendered exports and job states of this run (see export/jobs.py) live in a temp dir."""
    jobs_dir = tmp_path_factory.mktemp("landfall-jobs")
    before = os.environ.get("LANDFALL_JOBS_DIR")
    os.environ["LANDFALL_JOBS_DIR"] = str(jobs_dir)
    yield jobs_dir
    if before is None:
        os.environ.pop("LANDFALL_JOBS_DIR", None)
    else:
        os.environ["LANDFALL_JOBS_DIR"] = before


@pytest.fixture(scope="session")
def real_data() -> Datasets:
    """The shipped datasets, loaded once for the whole run."""
    return load_datasets(DATA_DIR)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """``python app.py`` in a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The server's log goes to a file: an unread pipe fills up and stalls the server.
        self.log = tempfile.NamedTemporaryFile(prefix="landfall-server-", suffix=".log")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "app.py"),
                "--port",
                str(self.port),
                "--data",
                str(data_dir),
            ],
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app exited early: {Path(self.log.name).read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("app did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The app on the shipped data, shared by the browser tests."""
    server = LiveServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Make pytest-playwright drive Debian's Chromium (no browser download)."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def slower_browser(request: pytest.FixtureRequest) -> None:
    """With ``LANDFALL_E2E_SLOWDOWN=N``, a browser test's page runs its scripts N times slower
    (Chromium's CPU throttling): a way to find the races a slower CI machine would hit."""
    slowdown = float(os.environ.get("LANDFALL_E2E_SLOWDOWN") or 1)
    if slowdown <= 1 or "page" not in request.fixturenames:
        return
    page = request.getfixturevalue("page")
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
