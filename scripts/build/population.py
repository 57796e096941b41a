"""INSEE legal population of Marseille's 16 arrondissements (COG 2026 edition, via Etalab)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .common import InputError
from .ftth import MARSEILLE_ARRONDISSEMENTS, MARSEILLE_COMMUNE

#: What the population is, in words: the package does not say which census year is behind it
#: (see the raw folder's SOURCE.md), so it is named by its edition, never by a census year.
POPULATION_VINTAGE = "INSEE legal population, COG 2026 edition"
POPULATION_YEAR = 2026


def _record_population(record: Mapping[str, Any], path: Path) -> int:
    """A record's ``population``: a non-negative integer, or an error naming the record."""
    value = record.get("population")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(
            f"{path}: record {record.get('code')!r}, field 'population': expected a "
            f"non-negative integer, got {value!r}"
        )
    return value


def marseille_population(records: Sequence[Any], path: Path) -> dict[str, int]:
    """Arrondissement code → legal population, for 13201…13216 (from ``communes.json``).

    The 16 must all be there and add up to the commune's own figure (13055): a newer edition
    of another shape is refused rather than shipped half-joined.
    """
    by_code = {
        str(r.get("code")): r
        for r in records
        if isinstance(r, dict)
        and str(r.get("code")) in (MARSEILLE_COMMUNE, *MARSEILLE_ARRONDISSEMENTS)
    }
    missing = [c for c in (MARSEILLE_COMMUNE, *MARSEILLE_ARRONDISSEMENTS) if c not in by_code]
    if missing:
        raise InputError(f"{path}: no record for code(s) {', '.join(missing)}")
    population = {c: _record_population(by_code[c], path) for c in MARSEILLE_ARRONDISSEMENTS}
    commune = _record_population(by_code[MARSEILLE_COMMUNE], path)
    if sum(population.values()) != commune:
        raise InputError(
            f"{path}: the arrondissements add up to {sum(population.values()):,}, not to "
            f"Marseille's {commune:,}"
        )
    return population


def population_summary(population: Mapping[str, int]) -> dict[str, Any]:
    """metadata.json's ``marseille_population``: the total, its vintage and each arrondissement."""
    return {
        "code": MARSEILLE_COMMUNE,
        "total": sum(population.values()),
        "vintage": POPULATION_VINTAGE,
        "year": POPULATION_YEAR,
        "by_arrondissement": dict(sorted(population.items())),
    }
