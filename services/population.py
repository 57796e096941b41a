"""The words of Marseille's population-weighted network shares, for the page and the report.

One function, :func:`population_text`, turns :func:`analysis.population.population_shares` into
plain text with both vintages on every label (the network data of 2018, the population of the
2026 edition); the page's panel and the report's section only lay it out. Dates and vintages
come from ``metadata.json``, never from code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from analysis.population import DEFAULT_TECHNOLOGY, population_shares
from datalayer import schema
from datalayer.loader import Datasets
from figures.layers import LAYERS
from figures.theme import ftth_band

#: The dataset files the shares are computed from (their credits go with the shares).
SOURCE_FILES: tuple[str, ...] = (schema.FTTH.file, schema.COVERAGE.file)
#: The map layers that draw those files: a report carries the shares when one of them is shown.
SOURCE_LAYERS: frozenset[str] = frozenset(
    layer.key for layer in LAYERS if layer.file in SOURCE_FILES
)


@dataclass(frozen=True)
class ShareLine:
    """One row: what, the share of residents, and the residents behind it."""

    label: str
    share: str
    detail: str


@dataclass(frozen=True)
class PopulationText:
    """Everything the page and the report say about the population-weighted shares."""

    title: str
    #: The population's total and vintage, in a sentence.
    population: str
    ftth_heading: str
    ftth: tuple[ShareLine, ...]
    coverage_heading: str
    coverage: tuple[ShareLine, ...]
    #: How the shares are computed and what they are not.
    notes: tuple[str, ...]


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def _quarter(data_date: str) -> str:
    """``Q1 2018`` for ``2018-03-31``; the text itself when it is not an ISO date."""
    try:
        day = date.fromisoformat(data_date)
    except ValueError:
        return data_date
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def _month(data_date: str) -> str:
    """``January 2018`` for ``2018-01`` (or a whole ISO date); the text itself otherwise."""
    try:
        day = date.fromisoformat(data_date if len(data_date) > 7 else f"{data_date}-01")
    except ValueError:
        return data_date
    return f"{day:%B %Y}"


@dataclass(frozen=True)
class Vintages:
    """When each input describes, in words (from ``metadata.json``)."""

    population: str
    population_year: str
    ftth_quarter: str
    sites_month: str
    network_year: str


def _vintages(metadata: Mapping[str, Any]) -> Vintages | None:
    """The vintages of the population and of both network datasets, or ``None`` when the
    metadata does not give them."""
    population = metadata.get("marseille_population")
    datasets = metadata.get("datasets", {})
    if not isinstance(population, Mapping) or not all(f in datasets for f in SOURCE_FILES):
        return None
    ftth_date = str(datasets[schema.FTTH.file].get("data_date", ""))
    return Vintages(
        population=str(population.get("vintage", "")),
        population_year=str(population.get("year", "")),
        ftth_quarter=_quarter(ftth_date),
        sites_month=_month(str(datasets[schema.COVERAGE.file].get("data_date", ""))),
        network_year=ftth_date[:4],
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def population_text(data: Datasets, technology: str = DEFAULT_TECHNOLOGY) -> PopulationText | None:
    """The population-weighted FTTH and modelled-coverage shares of Marseille in words, or
    ``None`` when the data carry no population (a dataset of one's own may not)."""
    vintages = _vintages(data.metadata)
    shares = population_shares(data.ftth, data.coverage, technology)
    if vintages is None or shares is None:
        return None
    when = vintages
    return PopulationText(
        title=f"Marseille's residents ({when.population_year}) and its networks ({when.network_year})",
        population=f"{shares.total:,} residents in 16 arrondissements ({when.population}).",
        ftth_heading=(
            f"Residents by their arrondissement's FTTH class (ARCEP premises data, "
            f"{when.ftth_quarter}; population {when.population_year})"
        ),
        ftth=tuple(
            ShareLine(
                ftth_band(c.ftth_class),
                _percent(c.share),
                f"{c.population:,} residents, {_plural(c.arrondissements, 'arrondissement')}",
            )
            for c in shares.ftth_classes
        ),
        coverage_heading=(
            f"Residents inside modelled {shares.technology} coverage (ARCEP sites, "
            f"{when.sites_month}; population {when.population_year}; area-weighted inside each "
            "arrondissement)"
        ),
        coverage=tuple(
            ShareLine(c.operator, _percent(c.share), f"{round(c.population):,} residents")
            for c in shares.coverage
        ),
        notes=(
            "FTTH classes cover whole arrondissements: every resident counts in their "
            "arrondissement's ARCEP class (a share of premises connectable, not of people; the "
            "class bands are inferred, see SOURCES.md).",
            "Coverage is area-weighted: an arrondissement's residents count as covered in the "
            "proportion of its area (Lambert-93) inside the modelled zone, as if spread evenly "
            "over it, which understates coverage where a large empty area such as the "
            "Calanques (9e) lies outside the zone. The zones are buffers around the sites, not "
            "measured coverage.",
            f"The vintages differ: network data of {when.network_year}, population of the "
            f"{when.population_year} edition; both networks have grown since.",
        ),
    )


def shown_for(layers: Iterable[str]) -> bool:
    """Whether a view of ``layers`` states the shares (it shows the FTTH or coverage layer)."""
    return bool(SOURCE_LAYERS & set(layers))
