"""Server-side searched dropdown options: the page never ships a list that grows with the data.

A dropdown whose choices grow with the data (landing points, cables, owners, internet exchanges)
gets a short initial list (its best-connected / most used entries) plus whatever the user types
for: :meth:`OptionIndex.search` matches every word of the text, case- and accent-insensitively,
as a substring of the entry's name (and country), best matches first, capped at :data:`LIMIT`,
and always keeps the currently selected values so they never vanish from the control.

The index is built once per process (:func:`build_option_indexes`, in the app context); a
keystroke costs one vectorised substring scan over a precomputed, normalised NumPy array.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from datalayer.loader import Datasets

#: Options a search returns at most (plus the selected values), and the initial list's length.
LIMIT = 50
#: Longest search text considered (the rest is ignored).
MAX_QUERY = 100
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces (``"Côte d'Ivoire"`` → ``"cote d ivoire"``)."""
    if not text.isascii():  # most names are: skip the per-character work for them
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class OptionIndex:
    """The searchable options of one dropdown, in popularity order (index 0 = most used)."""

    values: tuple[str, ...]
    labels: tuple[str, ...]
    #: Normalised match text per option as UTF-8 bytes (a quarter of the memory of ``str``
    #: arrays, so a quarter of the scan), with a leading space so ``b" " + word`` finds the
    #: start of a word.
    keys: np.ndarray
    #: Normalised name alone, also with a leading space (ranking: exact name, name prefix…).
    names: np.ndarray
    position: dict[str, int]

    def option(self, i: int, query: str = "") -> dict[str, Any]:
        """The Dash option of entry ``i``; ``query`` keeps it through the dropdown's own filter."""
        # Dash's dropdown filters the options again in the browser (lower-case substring per
        # typed word, over label, value and `search`): the normalised key lets "sao" find
        # "São Tomé", and the typed text itself keeps every server match visible.
        search = self.keys[i].decode().strip()
        if query:
            search = f"{search} {query.casefold()}"
        return {"label": self.labels[i], "value": self.values[i], "search": search}

    def selected_positions(self, selected: Iterable[Any]) -> list[int]:
        """Positions of the known selected values (unknown or non-string values are dropped)."""
        out: list[int] = []
        for value in selected:
            i = self.position.get(value) if isinstance(value, str) else None
            if i is not None and i not in out:
                out.append(i)
        return out

    def initial(self, selected: Iterable[Any] = (), limit: int = LIMIT) -> list[dict[str, Any]]:
        """The list shown before anything is typed: the selected values, then the most used."""
        chosen = self.selected_positions(selected)
        rest = [i for i in range(min(limit, len(self.values))) if i not in chosen]
        return [self.option(i) for i in (*chosen, *rest)]

    def matches(self, text: str, limit: int = LIMIT) -> list[int]:
        """Positions of the best ``limit`` entries matching every word of ``text``."""
        words = normalise(text[:MAX_QUERY]).split()
        if not words:
            return []
        # Longest word first: it is the most selective, so later scans run on fewer rows.
        candidates = np.arange(len(self.values))
        keys = self.keys
        for word in sorted(set(words), key=len, reverse=True):
            hit = np.strings.find(keys, word.encode()) >= 0
            candidates = candidates[hit]
            if not len(candidates):
                return []
            keys = self.keys[candidates]
        phrase = (" " + " ".join(words)).encode()
        names = self.names[candidates]
        # 0 exact name, 1 name starts with the text, 2 a word of the name starts with it,
        # 3 the text is inside the name, 4 it matched elsewhere (country, several places).
        score = np.full(len(candidates), 4, dtype=np.int8)
        score[np.strings.find(names, phrase[1:]) >= 0] = 3
        score[np.strings.find(names, phrase) >= 0] = 2
        score[np.strings.startswith(names, phrase)] = 1
        score[names == phrase] = 0
        # Popularity order is the position itself, so a stable sort by score keeps it.
        order = np.argsort(score, kind="stable")[:limit]
        return [int(i) for i in candidates[order]]

    def search(
        self, text: str | None, selected: Iterable[Any] = (), limit: int = LIMIT
    ) -> list[dict[str, Any]]:
        """Options for the typed ``text``: the best matches, then any selected value not among
        them (so the control keeps showing it). Empty text gives :meth:`initial`."""
        query = (text or "").strip()[:MAX_QUERY]
        if not normalise(query):
            return self.initial(selected, limit)
        found = self.matches(query, limit)
        kept = [i for i in self.selected_positions(selected) if i not in found]
        return [self.option(i, query) for i in found] + [self.option(i) for i in kept]


def build_index(
    values: Sequence[str],
    labels: Sequence[str],
    names: Sequence[str],
    extra: Sequence[str] | None = None,
    weight: Sequence[float] | None = None,
) -> OptionIndex:
    """An index over entries ordered by ``weight`` (descending), then label.

    ``names`` are what ranks a match (exact name first); ``extra`` (e.g. the country) is
    searched too.
    """
    n = len(values)
    weights = list(weight) if weight is not None else [0.0] * n
    order = sorted(range(n), key=lambda i: (-weights[i], labels[i].casefold(), values[i]))
    norm_names = [normalise(names[i]) for i in order]
    keys = []
    for nm, i in zip(norm_names, order, strict=True):
        more = normalise(extra[i]) if extra is not None else ""
        # Most place names already end with their country: add it only when it is not there.
        keys.append(f" {nm} {more}" if more and f" {more}" not in f" {nm}" else f" {nm}")
    ordered_values = tuple(str(values[i]) for i in order)
    return OptionIndex(
        values=ordered_values,
        labels=tuple(str(labels[i]) for i in order),
        keys=np.array([k.encode() for k in keys], dtype=np.bytes_),
        names=np.array([f" {nm}".encode() for nm in norm_names], dtype=np.bytes_),
        position={v: i for i, v in enumerate(ordered_values)},
    )


def plural(noun: str) -> str:
    """The plural of an English ``noun`` (``"cable"`` → ``"cables"``, ``"facility"`` →
    ``"facilities"``; the last word of a phrase: ``"landing point"`` → ``"landing points"``)."""
    if noun.endswith("y") and noun[-2:-1] not in ("", *"aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def counted(count: int, noun: str) -> str:
    """``count`` with ``noun`` in the right number: ``"1 cable"``, ``"2 cables"``,
    ``"1,515 landing points"`` (``noun`` is given in the singular; empty: the number alone)."""
    if not noun:
        return f"{count:,}"
    return f"{count:,} {noun if count == 1 else plural(noun)}"


def counted_index(values: Iterable[str], noun: str = "") -> OptionIndex:
    """``Name (count noun)`` options for each distinct value, most frequent first (``noun`` in
    the singular: ``"cable"`` gives ``"Orange (1 cable)"``, ``"Telecom Egypt (3 cables)"``)."""
    counts = Counter(values)
    names = list(counts)
    return build_index(
        names,
        [f"{v} ({counted(counts[v], noun)})" for v in names],
        names,
        weight=[counts[v] for v in names],
    )


@dataclass(frozen=True)
class OptionIndexes:
    """The searched dropdowns' indexes, built once per process."""

    landing_points: OptionIndex
    cables: OptionIndex
    owners: OptionIndex
    exchanges: OptionIndex
    #: Data-centre operators (by data centres run).
    dc_operators: OptionIndex


def build_option_indexes(data: Datasets) -> OptionIndexes:
    """Indexes for landing points (by cables landing), cables (by landing points), owners and
    internet exchanges (by use)."""
    points = data.landing_points
    cables = data.cables
    point_names = [str(n) for n in points["name"]]
    cable_names = [str(n) for n in cables["name"]]
    return OptionIndexes(
        landing_points=build_index(
            [str(p) for p in points.index],
            point_names,
            point_names,
            extra=[str(c) for c in points["country"]],
            weight=[len(c) for c in points["cable_ids"]],
        ),
        cables=build_index(
            [str(c) for c in cables.index],
            cable_names,
            cable_names,
            weight=[len(p) for p in cables["landing_point_ids"]],
        ),
        owners=counted_index((o for row in cables["owners"] for o in row), "cable"),
        # An exchange's count is the facilities that host it.
        exchanges=counted_index(
            (x for row in data.facilities["exchanges"] for x in row), "facility"
        ),
        dc_operators=counted_index(
            (str(o) for o in data.datacentres["operator"].dropna()), "data centre"
        ),
    )
