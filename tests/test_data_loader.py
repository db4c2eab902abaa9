"""peninsula.data: typed loading and clear errors for every kind of corruption."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from peninsula import data

PLACES = """place_id,name_en,lat,lon,opened
pyongyang,Pyongyang,39.0194,125.7381,1945-08-15
beijing,Beijing,39.9042,116.4074,
"""
LEGS = """leg_id,from_place,to_place,direct
1,pyongyang,beijing,true
"""

PACKAGE = {
    "name": "mini",
    "resources": [
        {
            "name": "places",
            "path": "places.csv",
            "schema": {
                "fields": [
                    {"name": "place_id", "type": "string", "constraints": {"required": True}},
                    {"name": "name_en", "type": "string"},
                    {"name": "lat", "type": "number",
                     "constraints": {"minimum": -90, "maximum": 90}},
                    {"name": "lon", "type": "number",
                     "constraints": {"minimum": -180, "maximum": 180}},
                    {"name": "opened", "type": "date"},
                ],
                "primaryKey": ["place_id"],
            },
        },
        {
            "name": "legs",
            "path": "legs.csv",
            "schema": {
                "fields": [
                    {"name": "leg_id", "type": "integer"},
                    {"name": "from_place", "type": "string"},
                    {"name": "to_place", "type": "string"},
                    {"name": "direct", "type": "boolean"},
                ],
                "primaryKey": "leg_id",
                "foreignKeys": [
                    {"fields": "from_place",
                     "reference": {"resource": "places", "fields": "place_id"}},
                    {"fields": ["to_place"],
                     "reference": {"resource": "places", "fields": ["place_id"]}},
                ],
            },
        },
    ],
}


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "datapackage.json").write_text(json.dumps(PACKAGE), encoding="utf-8")
    (tmp_path / "places.csv").write_text(PLACES, encoding="utf-8")
    (tmp_path / "legs.csv").write_text(LEGS, encoding="utf-8")
    monkeypatch.setenv(data.ENV_DATA_DIR, str(tmp_path))
    return tmp_path


def test_loads_typed_frames(mini: Path) -> None:
    places = data.load("places")
    assert places["lat"].dtype == "float64"
    assert str(places["opened"].dtype).startswith("datetime64")
    assert places.loc[0, "opened"] == pd.Timestamp("1945-08-15")
    assert pd.isna(places.loc[1, "opened"])
    legs = data.load("legs")
    assert str(legs["leg_id"].dtype) == "Int64"
    assert legs.loc[0, "direct"] is True or bool(legs.loc[0, "direct"]) is True
    assert data.table_names() == ["legs", "places"]


def _expect(mini: Path, table: str, content: str | bytes, *fragments: str) -> None:
    path = mini / f"{table}.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(data.DataError) as info:
        data.load(table)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_missing_column(mini: Path) -> None:
    broken = PLACES.replace("name_en,", "").replace("Pyongyang,", "").replace("Beijing,", "")
    _expect(mini, "places", broken, "places.csv", "row 1", "'name_en'", "missing")


def test_unparseable_date(mini: Path) -> None:
    broken = PLACES.replace("1945-08-15", "15/08/1945")
    _expect(mini, "places", broken, "places.csv", "row 2", "'opened'", "15/08/1945", "YYYY-MM-DD")


def test_coordinate_out_of_range(mini: Path) -> None:
    broken = PLACES.replace("39.9042", "99.9042")
    _expect(mini, "places", broken, "places.csv", "row 3", "'lat'", "above the maximum 90")


def test_not_a_number(mini: Path) -> None:
    broken = PLACES.replace("125.7381", "125.7381E")
    _expect(mini, "places", broken, "row 2", "'lon'", "not a number")


def test_dangling_foreign_key(mini: Path) -> None:
    broken = LEGS.replace("beijing", "dalian")
    _expect(mini, "legs", broken, "legs.csv", "row 2", "'to_place'", "'dalian'", "places.place_id")


def test_duplicate_key(mini: Path) -> None:
    broken = PLACES + "beijing,Peking,39.9,116.4,\n"
    _expect(mini, "places", broken, "places.csv", "row 4", "duplicate key", "beijing")


def test_non_utf8_file(mini: Path) -> None:
    broken = PLACES.replace("Beijing", "Béijing").encode("latin-1")
    _expect(mini, "places", broken, "places.csv", "row 3", "not UTF-8")


def test_ragged_row(mini: Path) -> None:
    _expect(mini, "places", PLACES + "dalian,Dalian,38.9\n", "row 4", "has 3 cells")


def test_missing_file_and_unknown_table(mini: Path) -> None:
    (mini / "legs.csv").unlink()
    with pytest.raises(data.DataError, match=r"legs\.csv: file not found"):
        data.load("legs")
    with pytest.raises(data.DataError, match="No table named 'plaices'"):
        data.load("plaices")


def test_found_from_a_deeper_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Autograding runs in autograded/<student>/<assignment>/: data must still be found."""
    monkeypatch.delenv(data.ENV_DATA_DIR, raising=False)
    deeper = tmp_path / "autograded" / "student" / "ps1"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    assert (data.data_dir() / data.DESCRIPTOR).is_file()


def test_real_package_corruption_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corrupted copy of the real places table names the file, row and field."""
    real = Path(__file__).resolve().parent.parent / "data"
    copy = tmp_path / "data"
    shutil.copytree(real, copy)
    monkeypatch.setenv(data.ENV_DATA_DIR, str(copy))
    lines = (copy / "places.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = next(csv.reader([lines[1]]))
    row[header.index("lat")] = "123.5"
    lines[1] = ",".join(f'"{cell}"' for cell in row) + "\n"
    (copy / "places.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(data.DataError, match=r"places\.csv, row 2, field 'lat': 123\.5 is above"):
        data.load("places")
