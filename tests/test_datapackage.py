"""The data package validates under Frictionless; every table loads, with a source per row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peninsula import data

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_TABLES = {
    "places", "visits", "legs", "rail_routes", "events", "resolutions", "measures", "trade",
}


def test_frictionless_validates_the_package() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(ROOT / "data" / "datapackage.json"))
    if not report.valid:
        errors = report.flatten(["type", "note", "rowNumber", "fieldName"])
        pytest.fail(f"datapackage.json does not validate: {errors[:15]}")


def test_required_tables_are_described() -> None:
    assert REQUIRED_TABLES <= set(data.table_names())


@pytest.mark.parametrize("name", sorted(REQUIRED_TABLES))
def test_table_loads_with_source_and_confidence(name: str) -> None:
    frame = data.load(name)
    assert len(frame) > 0, f"{name} is empty"
    for column in ("source", "confidence"):
        assert column in frame.columns, f"{name} has no {column} column"
        missing = frame.index[frame[column].isna() | (frame[column].str.strip() == "")]
        assert missing.empty, f"{name}: rows {[i + 2 for i in missing]} have no {column}"


def test_every_resource_declares_sources_and_licences() -> None:
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package.get("licenses"), "the package needs top-level licences"
    for res in package["resources"]:
        assert res.get("sources") or package.get("sources"), f"{res['name']}: no sources"
        assert (ROOT / "data" / res["path"]).is_file(), f"{res['path']} is missing"


def test_country_outlines_are_shipped_with_their_licence() -> None:
    outlines = ROOT / "data" / "countries.geojson"
    geo = json.loads(outlines.read_text(encoding="utf-8"))
    names = {f["properties"].get("name") for f in geo["features"]}
    for needed in ("China", "Singapore", "Vietnam"):
        assert needed in names, f"countries.geojson lacks {needed}"
    assert any("Korea" in (n or "") for n in names)
    assert outlines.stat().st_size < 600_000
    assert any("natural" in p.name.lower() for p in (ROOT / "data").iterdir()), "licence file"


def test_load_all_checks_every_foreign_key() -> None:
    tables = data.load_all()
    legs, places = tables["legs"], tables["places"]
    assert set(legs["from_place"]) | set(legs["to_place"]) <= set(places["place_id"])
