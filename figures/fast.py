"""Build Plotly figures without Plotly's per-property validation.

``go.Figure(go.Scattermap(lon=...))`` validates and copies every list it is given: for the map
that is most of a render's server time (2–3× the time to serialise the result). The figures here
are written by this codebase, not by users, and the tests check each one against Plotly's full
validation (``tests/test_fast_figures.py``), so the page builds them unvalidated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

#: A trace as the builders here take it: a dict with a ``type`` key, or a Plotly trace object.
Trace: TypeAlias = Mapping[str, Any] | BaseTraceType


class Shared(list[Any]):
    """A list that every copy of a figure shares, never modified once built.

    Plotly deep-copies each trace's properties when a figure is made; for the per-point hover
    texts of a map that copy costs as much as building them. A deep copy of this is itself.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Shared:
        return self


class SharedDict(dict[str, Any]):
    """A dict that every figure drawing it shares, never modified once built (as
    :class:`Shared`): the coverage polygons' GeoJSON, whose copy took 40 % of a render."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedDict:
        return self


def figure(data: Iterable[Trace] = (), layout: Mapping[str, Any] | None = None) -> go.Figure:
    """A ``go.Figure`` of ``data`` (trace dicts with a ``type``, or trace objects) and ``layout``.

    Later ``update_layout``/``update_xaxes`` calls on it skip validation too.
    """
    # ``_validate`` is Plotly's own switch (``BaseFigure.__init__``); the test suite fails if a
    # Plotly upgrade drops it or if a figure built here would not pass validation.
    return go.Figure(data=list(data), layout=dict(layout or {}), _validate=False)
