"""With LANDFALL_REDIS_URL set the app's jobs go to Celery: the page's background callbacks
through Dash's CeleryManager and the export render task, all registered on one Celery app (the
worker builds the same app, so the names match). No broker is contacted to build it."""

from __future__ import annotations

import pytest
from dash import CeleryManager, DiskcacheManager

import app as landfall
from datalayer.loader import Datasets
from export import celery_jobs

URL = "redis://127.0.0.1:9/15"  # never connected to here


def test_with_redis_the_background_callbacks_and_exports_are_celery_tasks(
    real_data: Datasets, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(celery_jobs.REDIS_ENV, URL)
    dash_app = landfall.create_app(real_data)
    assert isinstance(dash_app._background_manager, CeleryManager)
    tasks = set(celery_jobs.celery_app(URL).tasks)
    assert celery_jobs.RENDER_TASK in tasks
    # The critical-cable ranking and the card's exports.
    assert sum(name.startswith("background_callback_") for name in tasks) == 2


def test_without_redis_nothing_needs_installing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(celery_jobs.REDIS_ENV, raising=False)
    assert isinstance(landfall.background_manager(), DiskcacheManager)
