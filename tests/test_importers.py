"""The importers of current data (``build_data.py --peeringdb`` / ``--arcep-sites``) on small
fixtures written in the real formats. PeeringDB records are made up: no PeeringDB data is
shipped or used in tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from datalayer.loader import load_datasets
from datalayer.query import parse_params
from datalayer.schema import PEERINGDB_FACILITIES
from datalayer.validate import validate_features
from datalayer.vocabulary import build_vocabulary
from figures.layers import ALL_LAYERS
from scripts import build_data
from scripts.build.arcep_sites import read_site_file, vintage_of
from scripts.build.common import InputError
from scripts.build.peeringdb import import_peeringdb
from tests.conftest import REPO

#: The raw upstream folder beside the checkout (as the issue lays it out), or $LANDFALL_RAW.
RAW = Path(os.environ.get("LANDFALL_RAW") or REPO.parent / "shared" / "data" / "raw")
#: The whole-build tests rebuild every dataset from the upstream files, which a clone does not
#: carry (the importers themselves are tested on fixtures above them, without it).
needs_raw = pytest.mark.skipif(
    not RAW.is_dir(),
    reason=f"the whole build needs the upstream raw folder ({RAW}); set LANDFALL_RAW",
)
HOSTILE_NAME = "<script>alert('x')</script> DC"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _fac(ident: int, name: str, **extra: Any) -> dict[str, Any]:
    record = {
        "id": ident,
        "name": name,
        "org_id": 900 + ident,
        "org_name": f"Made-up Org {ident}",
        "address1": "1 Rue Imaginaire",
        "address2": "",
        "city": "Marseille",
        "country": "FR",
        "latitude": 43.3 + ident / 1000,
        "longitude": 5.37,
        "net_count": ident * 3,
        "ix_count": 1,
        "carrier_count": 2,
        "website": "https://example.org/",
        "status": "ok",
        "updated": f"2026-01-0{ident % 9 + 1}T00:00:00Z",
    }
    record.update(extra)
    return record


def peeringdb_dump(folder: Path, facs: list[dict[str, Any]] | None = None) -> Path:
    """A made-up PeeringDB dump: ok, pending and unlocated facilities, a deleted IX, hostile
    text in a name, a ``javascript:`` website and a formula cell."""
    folder.mkdir(parents=True, exist_ok=True)
    facs = facs or [
        _fac(1, HOSTILE_NAME, website="javascript:alert(1)"),
        _fac(2, "Pending Hall", status="pending"),
        _fac(3, "Nowhere DC", latitude=None, longitude=None),
        _fac(4, FORMULA, org_name="Made-up Org\u202e 4"),
    ]
    ixs = [
        {"id": 10, "name": "Made-up-IX Marseille", "status": "ok", "city": "Marseille"},
        {"id": 11, "name": "Gone-IX", "status": "deleted", "city": "Marseille"},
    ]
    links = [
        {"id": 100, "ix_id": 10, "fac_id": 1, "status": "ok"},
        {"id": 101, "ix_id": 11, "fac_id": 1, "status": "ok"},
        {"id": 102, "ix_id": 10, "fac_id": 4, "status": "ok"},
        {"id": 103, "ix_id": 10, "fac_id": 2, "status": "pending"},
    ]
    for name, data in (("fac-0.json", facs), ("ix-0.json", ixs), ("ixfac-0.json", links)):
        meta = {"generated": 1767225600} if name == "fac-0.json" else {}
        (folder / name).write_text(json.dumps({"data": data, "meta": meta}), encoding="utf-8")
    return folder


CURRENT_HEADER = (
    "code_op;nom_op;num_site;id_site_partage;id_station_anfr;x;y;latitude;longitude;nom_reg;"
    "nom_dep;insee_dep;nom_com;insee_com;site_2g;site_3g;site_4g;site_5g;mes_4g_trim;site_ZB;"
    "site_DCC;site_strategique;site_capa_240mbps;date_ouverturecommerciale_5g;"
    "site_5g_700_m_hz;site_5g_800_m_hz;site_5g_1800_m_hz;site_5g_2100_m_hz;site_5g_3500_m_hz"
)


def _row(code: str, lat: str, lon: str, flags: str, commune: str = "Marseille") -> str:
    return (
        f"{code};Op;0001;;0131;;;{lat};{lon};Provence-Alpes-Côte d'Azur;Bouches-du-Rhône;13;"
        f"{commune};13055;{flags};0;0;0;0;0;;0;0;0;0;1"
    )


def current_sites(folder: Path, rows: list[str] | None = None, name: str = "") -> Path:
    """A current-layout ARCEP site list: a few made-up sites in Marseille, one with 5G flags
    written True/False, a ``#N/A`` row, hostile commune names and a formula operator cell."""
    rows = rows or [
        _row("20801", "43.2965", "5.3698", "1;1;1;1"),
        _row("20801", "43.3100", "5.3900", "0;1;1;0", commune="<script>alert(1)</script>"),
        _row("20810", "43.2800", "5.4000", "True;True;True;True", commune=FORMULA),
        _row("20815", "43.3300", "5.4100", "0;1;1;1"),
        _row("20820", "#N/A", "#N/A", "0;1;1;1"),
        _row(FORMULA, "43.30", "5.38", "1;1;1;1"),
    ]
    path = folder / (name or "2024_T1_sites_Metropole.csv")
    path.write_text("\n".join([CURRENT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# --- PeeringDB ----------------------------------------------------------------------------------


def test_peeringdb_keeps_ok_located_facilities_with_operators_counts_and_exchanges(
    tmp_path: Path,
) -> None:
    imported = import_peeringdb(peeringdb_dump(tmp_path / "pdb"))
    by_id = {f["properties"]["peeringdb_id"]: f["properties"] for f in imported.features}
    assert sorted(by_id) == [1, 4]
    first = by_id[1]
    assert first["operator"] == "Made-up Org 1"
    assert (first["net_count"], first["ix_count"], first["carrier_count"]) == (3, 1, 2)
    assert first["exchanges"] == ["Made-up-IX Marseille"]  # the deleted IX is not joined
    assert first["sources"] == ["PeeringDB"] and "not openly licensed" in first["licence"]
    assert imported.not_ok == {"fac-0.json": 1, "ix-0.json": 1, "ixfac-0.json": 1}
    assert imported.without_coordinates == [(3, "Nowhere DC")]
    assert imported.data_date == "2026-01-01"


def test_peeringdb_hostile_text_stays_text_and_links_stay_http(tmp_path: Path) -> None:
    imported = import_peeringdb(peeringdb_dump(tmp_path / "pdb"))
    by_id = {f["properties"]["peeringdb_id"]: f["properties"] for f in imported.features}
    assert by_id[1]["name"] == HOSTILE_NAME  # escaped where shown, never interpreted
    assert by_id[1]["website"] is None and imported.dropped_urls == [1]
    assert by_id[4]["name"] == FORMULA and by_id[4]["website"] == "https://example.org/"
    assert by_id[4]["operator"] == "Made-up Org 4"  # the bidi override is gone
    collection = {"type": "FeatureCollection", "features": imported.features}
    assert len(validate_features(collection, PEERINGDB_FACILITIES)) == 2


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (_fac(5, "Bad lat", latitude="abc"), "latitude"),
        (_fac(5, "Far away", longitude=200.0), "longitude"),
        ({k: v for k, v in _fac(5, "x").items() if k != "name"}, "name"),
        (_fac(5, "Bad count", net_count="many"), "net_count"),
        (_fac(5, "No status", status=None), "status"),
    ],
)
def test_peeringdb_bad_record_is_one_line_naming_file_record_and_field(
    tmp_path: Path, record: dict[str, Any], field: str
) -> None:
    folder = peeringdb_dump(tmp_path / "pdb", [_fac(1, "Fine"), record])
    with pytest.raises(InputError) as caught:
        import_peeringdb(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert "fac-0.json, record #1 (id 5)" in message and f"field '{field}'" in message


def test_peeringdb_not_an_envelope_names_the_file(tmp_path: Path) -> None:
    folder = peeringdb_dump(tmp_path / "pdb")
    (folder / "ix-0.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match=r"ix-0\.json.*envelope"):
        import_peeringdb(folder)


def test_peeringdb_is_refused_into_the_shipped_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in build_data.SHIPPED_DATA.iterdir())
    code = build_data.main(
        [
            "--raw",
            str(RAW),
            "--out",
            str(build_data.SHIPPED_DATA),
            "--peeringdb",
            str(peeringdb_dump(tmp_path / "pdb")),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "not openly licensed" in err
    assert sorted(p.name for p in build_data.SHIPPED_DATA.iterdir()) == before


# --- ARCEP sites --------------------------------------------------------------------------------


def test_current_layout_reads_5g_true_false_flags_and_counts_missing_positions(
    tmp_path: Path,
) -> None:
    table = read_site_file(current_sites(tmp_path))
    assert table.technologies == ("2G", "3G", "4G", "5G")
    assert (table.vintage, table.data_date, table.layout) == ("2024 Q1", "2024-Q1", "current")
    assert table.rows_read == 6 and table.rows_without_coordinates == 1
    sfr = table.sites[table.sites["operator"] == "20810"].iloc[0]
    assert [int(sfr[t]) for t in table.technologies] == [1, 1, 1, 1]
    assert 890_000 < sfr["x"] < 900_000 and 6_240_000 < sfr["y"] < 6_250_000  # Lambert-93


def test_2018_layout_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "2018_01_Sites_mobiles_2G_3G_4G_France_metropolitaine_L93.csv"
    path.write_text("Operateur;X;Y;2G;3G;4G\n20801;892000;6245000;1;1;1\n20815;#N/A;#N/A;0;1;0\n")
    table = read_site_file(path)
    assert table.technologies == ("2G", "3G", "4G") and table.vintage == "Jan 2018"
    assert table.rows_without_coordinates == 1 and len(table.sites) == 1


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (_row("20801", "43.3", "5.37", f"1;1;{FORMULA};0"), "site_4g"),
        (_row("20801", "abc", "5.37", "1;1;1;0"), "latitude"),
        (_row("20801", "43.3", "500", "1;1;1;0"), "longitude"),
    ],
)
def test_bad_site_row_is_one_line_naming_file_line_and_column(
    tmp_path: Path, row: str, column: str
) -> None:
    ok = _row("20801", "43.29", "5.36", "1;1;1;1")
    path = current_sites(tmp_path, [ok, row])
    with pytest.raises(InputError) as caught:
        read_site_file(path)
    message = str(caught.value)
    assert "\n" not in message and path.name in message
    assert "line 3" in message and f"column '{column}'" in message


def test_unknown_header_and_unnamed_edition_are_refused(tmp_path: Path) -> None:
    odd = tmp_path / "2024_T1_sites_Metropole.csv"
    odd.write_text("a;b;c\n1;2;3\n")
    with pytest.raises(InputError, match="neither ARCEP's 2018 layout"):
        read_site_file(odd)
    with pytest.raises(InputError, match="cannot tell the edition"):
        vintage_of(tmp_path / "sites.csv")


# --- the whole build with both importers --------------------------------------------------------


@pytest.fixture(scope="module")
def imported_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One build of the shipped raw data with a current ARCEP list and a PeeringDB dump."""
    base = tmp_path_factory.mktemp("imports")
    out = base / "out"
    code = build_data.main(
        [
            "--raw",
            str(RAW),
            "--out",
            str(out),
            "--arcep-sites",
            str(current_sites(base)),
            "--peeringdb",
            str(peeringdb_dump(base / "pdb-2026")),
        ]
    )
    assert code == 0
    return out, ""


@needs_raw
def test_imported_build_has_5g_a_newer_vintage_and_their_commands(
    imported_build: tuple[Path, str],
) -> None:
    out, _ = imported_build
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))["datasets"]
    coverage = metadata["coverage.geojson"]
    assert coverage["data_date"] == "2024-Q1" and coverage["vintage"] == "2024 Q1"
    assert "(2024 Q1)" in coverage["attribution"]
    assert coverage["command"].endswith("--arcep-sites 2024_T1_sites_Metropole.csv")
    assert metadata["cables.geojson"]["command"].startswith("python scripts/build_data.py --raw")
    data = load_datasets(out)
    vocabulary = build_vocabulary(data, ALL_LAYERS)
    assert "5G" in vocabulary.technologies
    assert set(data.coverage["vintage"]) == {"2024 Q1"}
    assert parse_params({"tech": ["5G"]}, vocabulary)[0].technology == "5G"


@needs_raw
def test_imported_build_marks_peeringdb_and_names_what_it_left_out(
    imported_build: tuple[Path, str],
) -> None:
    out, _ = imported_build
    collection = json.loads((out / "peeringdb_facilities.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["sources"][0] for f in collection["features"]} == {"PeeringDB"}
    entry = json.loads((out / "metadata.json").read_text(encoding="utf-8"))["datasets"][
        "peeringdb_facilities.geojson"
    ]
    assert entry["command"].endswith("--peeringdb pdb-2026")
    assert entry["without_coordinates"] == [{"id": 3, "name": "Nowhere DC"}]
    assert "PeeringDB import: not openly licensed" in (out / "LICENSES.md").read_text()
    assert not any(p.name.endswith(".part") for p in out.iterdir())


@needs_raw
def test_a_bad_import_leaves_out_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "metadata.json").write_text("old", encoding="utf-8")
    bad = current_sites(tmp_path, [_row("20801", "43.3", "5.37", "1;1;maybe;0")])
    code = build_data.main(["--raw", str(RAW), "--out", str(out), "--arcep-sites", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "column 'site_4g'" in err
    assert [p.name for p in out.iterdir()] == ["metadata.json"]
    assert (out / "metadata.json").read_text(encoding="utf-8") == "old"


def test_a_failed_write_renames_nothing_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = build_data.write_text
    calls: list[Path] = []

    def failing(path: Path, text: str) -> int:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(path, text)

    monkeypatch.setattr(build_data, "write_text", failing)
    with pytest.raises(OSError):
        build_data.write_outputs(tmp_path, {"a.json": "1", "b.json": "2", "c.json": "3"})
    assert list(tmp_path.iterdir()) == []
