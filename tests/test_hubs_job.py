"""The hubs ranking runs in a worker process of its own: the page asks without waiting, and
the answer is the one the web process would have computed."""

from __future__ import annotations

import copy

from datalayer.loader import Datasets
from services.context import build_context
from services.hubs import _compute, hubs_of, hubs_ready


def test_the_ranking_comes_from_a_worker_process_and_equals_the_in_process_one(
    real_data: Datasets,
) -> None:
    data = copy.copy(real_data)  # its own data version: nothing computed for it yet
    ctx = build_context(data)
    assert hubs_ready(ctx) is None  # started in the worker, not waited for
    result = hubs_of(ctx)  # the API and the report wait for the same worker
    assert hubs_ready(ctx) is result
    here = _compute(build_context(copy.copy(real_data)))
    assert result.table.equals(here.table)
    assert result.years == here.years and result.data_date == here.data_date
    assert result.profiles == here.profiles
