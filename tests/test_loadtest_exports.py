"""bench.loadtest's "exports under load" row: the page's p95 with N concurrent exports."""

from __future__ import annotations

from typing import Any

from bench import loadtest


def _level(clients: int, page_p95: float) -> dict[str, Any]:
    timing = {"p50": 0.01, "p95": page_p95, "n": 10, "errors": 0, "requests_per_s": 5.0}
    return {
        "clients": clients,
        "requests": 20,
        "requests_per_s": 10.0,
        "errors": 0,
        "page": timing,
        "render": {**timing, "cache_hits": 3},
        "mib_received": 1.0,
    }


def test_the_markdown_has_a_row_for_exports_under_load() -> None:
    under_load = {**_level(10, 0.25), "exports": {"concurrent": 4, "outcomes": {"file": 6}}}
    result = {
        "meta": {
            "app": "app:server",
            "workers": 2,
            "threads": 4,
            "data": "data",
            "duration_s": 20,
            "cpus": 2,
            "startup_s": 3.0,
        },
        "levels": [_level(10, 0.05)],
        "exports_under_load": under_load,
    }
    text = loadtest.to_markdown(result)
    row = next(line for line in text.splitlines() if line.startswith("| 10 + 4 exports |"))
    assert "250 ms" in row
    assert "with 4 concurrent map PNG exports is 250 ms; the exports ended: 6 file." in text


def test_every_export_of_the_row_is_a_distinct_query() -> None:
    assert len(set(loadtest.EXPORT_URLS)) == len(loadtest.EXPORT_URLS) >= 8
