"""Content checks on the course's data: facts that must match the vetted fact sheets.

These tests read the tables through ``peninsula.data.load`` (never a relative path) and check
values that a careless edit could break: visit dates, the Singapore flight, the refined-petroleum
sequence, the DISPUTED marks, the 2018 trade totals, paragraph numbers and coordinates.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from peninsula import data

CONFIDENCE = {"2+", "1", "DISPUTED", "UNVERIFIED", "derived"}
ROOT = Path(__file__).resolve().parent.parent


def _table(name: str) -> pd.DataFrame:
    return data.load(name)


def _row(name: str, key: str, value: object) -> pd.Series:
    frame = _table(name)
    hits = frame[frame[key] == value]
    assert len(hits) == 1, f"{name}: expected one row with {key}={value!r}, found {len(hits)}"
    return hits.iloc[0]


def _day(value: str) -> pd.Timestamp:
    return pd.Timestamp(value)


# --- every table -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(data.table_names()))
def test_every_row_has_a_source_and_a_known_confidence(name: str) -> None:
    frame = _table(name)
    assert len(frame) > 0
    blank = frame.index[frame["source"].isna() | (frame["source"].str.strip() == "")]
    assert blank.empty, f"{name}: rows {[i + 2 for i in blank]} have no source"
    unknown = sorted(set(frame["confidence"].dropna()) - CONFIDENCE)
    assert not unknown, f"{name}: unknown confidence values {unknown}"
    assert frame["confidence"].notna().all(), f"{name}: a row has no confidence"


def test_files_are_utf8_lf_with_iso_dates() -> None:
    folder = data.data_dir()
    for path in sorted(folder.glob("*.csv")):
        raw = path.read_bytes()
        assert b"\r" not in raw, f"{path.name}: CRLF line endings"
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: has a byte-order mark"
        raw.decode("utf-8")


# --- visits and trips --------------------------------------------------------------------------

VISIT_DATES = {
    1: ("2018-03-25", "2018-03-28"),
    2: ("2018-05-07", "2018-05-08"),
    3: ("2018-06-19", "2018-06-20"),
    4: ("2019-01-07", "2019-01-10"),
}


def test_the_four_visits_have_the_fact_sheet_dates() -> None:
    visits = _table("visits").set_index("visit_id")
    assert sorted(visits.index) == [1, 2, 3, 4]
    for visit, (start, end) in VISIT_DATES.items():
        assert visits.loc[visit, "start_date"] == _day(start), f"visit {visit} start"
        assert visits.loc[visit, "end_date"] == _day(end), f"visit {visit} end"


def test_third_visit_began_on_a_tuesday() -> None:
    start = _row("visits", "visit_id", 3)["start_date"]
    assert start == _day("2018-06-19")
    assert start.day_name() == "Tuesday"


def test_visit_modes_and_labels() -> None:
    visits = _table("visits").set_index("visit_id")
    assert list(visits["mode"]) == ["train", "air", "air", "train"]
    assert visits.loc[1, "label_reported"] == "unofficial visit"
    assert visits.loc[2, "label_reported"] == "working visit"


def test_visits_and_trips_point_at_each_other() -> None:
    visits, trips = _table("visits"), _table("trips").set_index("trip_id")
    for _, visit in visits.iterrows():
        trip = trips.loc[visit["trip_id"]]
        assert trip["visit_id"] == visit["visit_id"]
        assert trip["start_date"] == visit["start_date"]


def test_visit_places_are_known_place_ids() -> None:
    known = set(_table("places")["place_id"])
    for _, visit in _table("visits").iterrows():
        for place in visit["places"].split("; "):
            assert place in known, f"visit {visit['visit_id']}: unknown place {place!r}"


# --- legs and routes ---------------------------------------------------------------------------

def test_singapore_flight_ca61_from_sunan_to_changi_on_10_june() -> None:
    legs = _table("legs")
    hits = legs[legs["vehicle"].str.contains("CA61", na=False)]
    assert len(hits) == 1
    leg = hits.iloc[0]
    assert (leg["from_place"], leg["to_place"]) == ("airport-fnj", "airport-sin")
    assert leg["depart_date"] == _day("2018-06-10") == leg["arrive_date"]
    assert leg["mode"] == "air"
    back = legs[(legs["trip_id"] == "2018-06-singapore") & (legs["from_place"] == "airport-sin")]
    assert len(back) == 1
    assert back.iloc[0]["depart_date"] == _day("2018-06-12")
    assert back.iloc[0]["arrive_date"] == _day("2018-06-13")


def test_legs_chain_within_each_trip_and_stay_inside_trip_dates() -> None:
    legs, trips = _table("legs"), _table("trips").set_index("trip_id")
    for trip_id, group in legs.groupby("trip_id"):
        group = group.sort_values("seq")
        assert list(group["seq"]) == list(range(1, len(group) + 1)), trip_id
        for before, after in zip(group.iloc[:-1].itertuples(), group.iloc[1:].itertuples(),
                                 strict=True):
            assert before.to_place == after.from_place, f"{trip_id}: gap after leg {before.seq}"
        trip = trips.loc[trip_id]
        for leg in group.itertuples():
            for day in (leg.depart_date, leg.arrive_date):
                if pd.notna(day):
                    assert day >= trip["start_date"], f"{leg.leg_id} before its trip"
                    if pd.notna(trip["end_date"]):
                        assert day <= trip["end_date"], f"{leg.leg_id} after its trip"
            if pd.notna(leg.depart_date) and pd.notna(leg.arrive_date):
                assert leg.depart_date <= leg.arrive_date, leg.leg_id


def test_train_legs_use_known_routes_whose_ends_match() -> None:
    legs, routes = _table("legs"), _table("rail_routes")
    ends = {
        rid: {g.sort_values("seq")["place_id"].iloc[0], g.sort_values("seq")["place_id"].iloc[-1]}
        for rid, g in routes.groupby("route_id")
    }
    for leg in legs[legs["route_id"].notna()].itertuples():
        assert leg.mode == "train", leg.leg_id
        assert leg.route_id in ends, f"{leg.leg_id}: unknown route {leg.route_id}"
        assert {leg.from_place, leg.to_place} == ends[leg.route_id], leg.leg_id


def test_rail_routes_are_schematic_and_ordered() -> None:
    routes = _table("rail_routes")
    assert routes["schematic"].all()
    for rid, group in routes.groupby("route_id"):
        assert sorted(group["seq"]) == list(range(1, len(group) + 1)), rid
    shenyang = routes[routes["place_id"] == "station-shenyang"].iloc[0]
    assert shenyang["confidence"] == "UNVERIFIED"


def test_dong_dang_car_leg_and_missing_dates_are_explained() -> None:
    legs = _table("legs")
    car = legs[(legs["mode"] == "car") & (legs["from_place"] == "dong-dang")]
    assert list(car["to_place"]) == ["hanoi"]
    undated = legs[legs["depart_date"].isna() | legs["arrive_date"].isna()]
    for leg in undated.itertuples():
        assert "not in" in leg.notes or "UNVERIFIED" in leg.notes, leg.leg_id


# --- places ------------------------------------------------------------------------------------

REQUIRED_PLACES = {
    "pyongyang", "beijing", "dalian", "singapore", "sentosa", "dandong", "sinuiju", "panmunjom",
    "hanoi", "dong-dang", "vladivostok", "station-pyongyang", "station-sinuiju", "station-dandong",
    "station-shenyang", "station-shenyang-north", "station-tianjin", "station-beijing",
    "airport-fnj", "airport-pek", "airport-dlc", "airport-sin", "airport-qpg", "airport-han",
    "airport-ddg", "airport-vvo",
}
COUNTRY_NAMES = {"KP": "North Korea", "KR": "South Korea", "CN": "China", "SG": "Singapore",
                 "VN": "Vietnam", "RU": "Russia"}


def test_required_places_exist_and_unverified_venues_are_left_out() -> None:
    places = _table("places")
    assert REQUIRED_PLACES <= set(places["place_id"])
    for venue in ("capella", "regis", "great-hall", "diaoyutai", "bangchuidao", "metropole"):
        assert not places["place_id"].str.contains(venue).any(), venue


def test_native_names_use_the_local_script() -> None:
    places = _table("places")
    for place in places.itertuples():
        if place.country in {"KP", "KR", "CN", "RU"}:
            assert any(ord(ch) > 0x0400 for ch in place.name_native), place.place_id
    assert _row("places", "place_id", "hanoi")["name_native"] == "Hà Nội"


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else \
        geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _distance_to_ring(lon: float, lat: float, ring: list[list[float]]) -> float:
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy)
                                                   / (dx * dx + dy * dy)))
        best = min(best, math.hypot(lon - (x1 + t * dx), lat - (y1 + t * dy)))
    return best


def test_every_place_lies_in_or_next_to_its_country() -> None:
    """Catches swapped lat/lon, sign errors and wrong countries (tolerance ~0.1 degree)."""
    outlines = json.loads((data.data_dir() / "countries.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["name"]: _rings(f["geometry"]) for f in outlines["features"]}
    for place in _table("places").itertuples():
        rings = shapes[COUNTRY_NAMES[place.country]]
        inside = sum(_inside(place.lon, place.lat, r) for r in rings) % 2 == 1
        near = min(_distance_to_ring(place.lon, place.lat, r) for r in rings)
        assert inside or near < 0.1, f"{place.place_id} is {near:.2f} deg from {place.country}"


def test_disputed_coordinates_carry_an_alternative() -> None:
    places = _table("places").set_index("place_id")
    for place_id in ("pyongyang", "dalian", "station-sinuiju", "station-beijing"):
        assert places.loc[place_id, "confidence"] == "DISPUTED", place_id
        assert "alt:" in places.loc[place_id, "notes"], place_id


# --- DISPUTED marks kept from facts.md ---------------------------------------------------------

DISPUTED_TEXT = [
    ("visits", "visit_id", 1, "notes"),          # train length 21 vs 22 cars
    ("visits", "visit_id", 2, "notes"),          # distance 360 vs 530 km
    ("visits", "visit_id", 3, "notes"),          # arrival aircraft Il-62 vs An-148
    ("visits", "visit_id", 4, "notes"),          # arrival time and station, Jan 2019
    ("legs", "leg_id", "2018-06-beijing-1", "vehicle"),
    ("legs", "leg_id", "2019-01-beijing-1", "notes"),
    ("legs", "leg_id", "2019-02-hanoi-1", "notes"),   # Dong Dang arrival time, trip length
    ("legs", "leg_id", "2019-02-hanoi-4", "notes"),   # return trip length
    ("events", "event_id", "panmunjom-summit-2018-05-26", "place"),
    ("events", "event_id", "dmz-meeting-2019-06-30", "details"),
    ("events", "event_id", "hanoi-train-2019-02", "details"),
]


@pytest.mark.parametrize(("table", "key", "value", "column"), DISPUTED_TEXT)
def test_disputed_items_still_say_disputed(table: str, key: str, value: object,
                                          column: str) -> None:
    assert "DISPUTED" in _row(table, key, value)[column]


def test_disputed_rows_keep_their_confidence() -> None:
    assert _row("legs", "leg_id", "2018-06-beijing-1")["confidence"] == "DISPUTED"
    assert _row("legs", "leg_id", "2019-01-beijing-1")["confidence"] == "DISPUTED"
    assert _row("events", "event_id", "panmunjom-summit-2018-05-26")["confidence"] == "DISPUTED"
    trade = _table("trade")
    december = trade[(trade["period"] == "2017-12") & (trade["flow"] != "total")]
    assert len(december) == 5
    assert (december["confidence"] == "DISPUTED").all()


# --- events ------------------------------------------------------------------------------------

def test_events_dates_and_the_wpk_group_end() -> None:
    events = _table("events")
    dated = events[events["end_date"].notna()]
    assert (dated["end_date"] >= dated["start_date"]).all()
    wpk = _row("events", "event_id", "wpk-group-china-2018-05")
    assert wpk["start_date"] == _day("2018-05-14")
    assert pd.isna(wpk["end_date"])
    tariffs = events[events["category"] == "trade"].set_index("start_date")
    for day in ("2018-06-15", "2018-06-16", "2018-06-18", "2018-06-19"):
        assert _day(day) in tariffs.index, day
    resolutions = _table("resolutions")
    adopted = set(events.loc[events["category"] == "sanctions", "start_date"])
    assert set(resolutions["adopted"]) <= adopted
    veto = _row("events", "event_id", "poe-veto-2024-03-28")
    assert "13 in favour" in veto["details"]


# --- resolutions and measures ------------------------------------------------------------------

def test_resolution_dates_and_the_2356_vote() -> None:
    res = _table("resolutions").set_index("resolution")
    assert res.loc[2397, "adopted"] == _day("2017-12-22")
    assert res.loc[2375, "adopted"] == _day("2017-09-11")
    assert res.loc[2371, "adopted"] == _day("2017-08-05")
    assert res.loc[1718, "adopted"] == _day("2006-10-14")
    # The fact sheet left the 2356 vote UNVERIFIED; the UN press release SC/12853 settles it.
    assert res.loc[2356, "vote"] == "unanimous"
    assert "SC/12853" in res.loc[2356, "source"]


def test_refined_petroleum_sequence() -> None:
    m = _table("measures")
    refined = m[m["category"] == "refined_petroleum"].set_index("measure_id")
    assert set(refined.index) == {
        "2375-refined-petroleum-2017", "2375-refined-petroleum-annual", "2397-p5-refined-petroleum",
    }
    assert (refined["in_force_from"] >= _day("2017-10-01")).all(), "no cap before 2375"
    q4 = refined.loc["2375-refined-petroleum-2017"]
    assert (q4["cap_value"], q4["in_force_from"], q4["in_force_until"]) == (
        500_000, _day("2017-10-01"), _day("2017-12-31"))
    annual = refined.loc["2375-refined-petroleum-annual"]
    assert annual["cap_value"] == 2_000_000
    assert annual["in_force_from"] == _day("2018-01-01")
    assert annual["superseded_by"] == "2397-p5-refined-petroleum"
    assert "before it took effect" in annual["description"]
    cap = refined.loc["2397-p5-refined-petroleum"]
    assert (cap["resolution"], cap["paragraph"], cap["cap_value"]) == (2397, "5", 500_000)
    assert cap["in_force_from"] == _day("2018-01-01")
    assert pd.isna(cap["in_force_until"])
    assert "12 months" in cap["cap_unit"]


def test_crude_oil_caps() -> None:
    m = _table("measures").set_index("measure_id")
    assert pd.isna(m.loc["2375-crude-oil", "cap_value"])
    crude = m.loc["2397-p4-crude-oil"]
    assert (crude["paragraph"], crude["cap_value"], crude["cap_alt_value"]) == (
        "4", 4_000_000, 525_000)
    assert "barrels" in crude["cap_unit"] and "tons" in crude["cap_alt_unit"]


def test_coal_sequence_ban_cap_full_ban() -> None:
    m = _table("measures").set_index("measure_id")
    assert m.loc["2270-coal", "superseded_by"] == "2321-coal-cap-2016"
    cap = m.loc["2321-p26b-coal-cap"]
    assert (cap["paragraph"], cap["cap_value"], cap["cap_alt_value"]) == (
        "26(b)", 400_870_018, 7_500_000)
    assert cap["superseded_by"] == "2371-coal"
    full = m.loc["2371-coal"]
    assert full["in_force_from"] == _day("2017-08-05")
    assert cap["in_force_until"] < full["in_force_from"]
    assert m.loc["2375-textiles", "in_force_from"] == _day("2017-09-11")


def test_2397_paragraph_6_export_bans_and_workers() -> None:
    m = _table("measures")
    p6 = m[(m["resolution"] == 2397) & (m["paragraph"] == "6")]
    assert set(p6["category"]) == {"food_agricultural", "machinery", "electrical_equipment",
                                   "earth_stone", "wood", "vessels"}
    assert (p6["direction"] == "dprk_exports").all()
    assert p6["hs_source"].notna().all()
    workers = _row("measures", "measure_id", "2397-p8-workers")
    assert "22 Dec 2019" in workers["description"]


VERIFIED_PARAGRAPHS = {
    1718: {"8(a)(ii)", "8(a)(iii)", "8(d)", "8(e)", "12"},
    1874: {"12", "26"},
    2087: {"19"},
    2094: {"11", "17", "22", "23"},
    2270: {"18", "31"},
    2321: {"26(b)", "30", "32", "13", "21"},
    2375: {"17"},
    2397: {"4", "5", "6", "8", "9-15", "14", "27"},
}


def test_paragraph_numbers_only_where_verified() -> None:
    m = _table("measures")
    for row in m[m["paragraph"].notna()].itertuples():
        allowed = VERIFIED_PARAGRAPHS.get(row.resolution, set())
        assert row.paragraph in allowed, f"{row.measure_id}: paragraph {row.paragraph} unverified"
    unnumbered = m[m["paragraph"].isna()]
    assert unnumbered["paragraph_note"].notna().all()


def test_hs_codes_always_name_their_source() -> None:
    m = _table("measures")
    coded = m[m["hs_codes"].notna()]
    assert len(coded) >= 9
    assert coded["hs_source"].notna().all()


# --- trade -------------------------------------------------------------------------------------

def test_2018_totals_from_customs_and_kotra() -> None:
    t = _table("trade")
    totals = t[(t["period"] == "2018") & (t["flow"] == "total") & (t["unit"] == "usd_million")]
    by_publisher = dict(zip(totals["publisher"], totals["value"], strict=True))
    assert by_publisher == {"GAC": 2430, "KOTRA": 2720}
    gac = t[(t["period"] == "2018") & (t["publisher"] == "GAC") & (t["unit"] == "usd_million")
            & ~t["derived"]]
    flows = dict(zip(gac["flow"], gac["value"], strict=True))
    assert flows == {"total": 2430, "china_exports": 2220, "china_imports": 213.15}


def test_derived_figures_are_flagged_both_ways() -> None:
    t = _table("trade")
    assert ((t["confidence"] == "derived") == t["derived"]).all()
    months = t[t["period_type"] == "month"]
    assert (months["month"] == months["period"].str[5:7].astype(int)).all()
    assert t.loc[t["period_type"] != "month", "month"].isna().all()
    assert (t["year"] == t["period"].str[:4].astype(int)).all()


# --- country outlines --------------------------------------------------------------------------

def test_outlines_are_small_rounded_and_inside_the_window() -> None:
    path = data.data_dir() / "countries.geojson"
    assert path.stat().st_size < 400_000
    outlines = json.loads(path.read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in outlines["features"]}
    assert set(COUNTRY_NAMES.values()) <= names
    for feature in outlines["features"]:
        assert set(feature["properties"]) == {"name"}
        for ring in _rings(feature["geometry"]):
            assert ring[0] == ring[-1] and len(ring) >= 4
            for lon, lat in ring:
                assert 95 <= lon <= 140 and -5 <= lat <= 50
                assert round(lon, 3) == lon and round(lat, 3) == lat


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_outlines",
                                                  ROOT / "tools" / "build_outlines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_outline_builder_decodes_and_clips_a_tiny_topology() -> None:
    builder = _load_builder()
    # One square straddling the window's west edge (lon 90..100, lat 10..20), one far outside.
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[90, 10], [10, 0], [0, 10], [-10, 0], [0, -10]], [[0, 0], [1, 0], [0, 1],
                                                                    [-1, 0], [0, -1]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Half"}},
            {"type": "Polygon", "arcs": [[1]], "properties": {"name": "Outside"}},
        ]}},
    }
    collection = builder.build(topology)
    assert [f["properties"]["name"] for f in collection["features"]] == ["Half"]
    ring = collection["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert {tuple(p) for p in ring} == {(95.0, 10.0), (100.0, 10.0), (100.0, 20.0), (95.0, 20.0)}
