"""Tests for peninsula.maps, on the real course data.

Maps are inspected as objects (layers, markers, lines, popups); rendered HTML is only
searched for external references and measured, never compared to a snapshot.
"""

from __future__ import annotations

import math
import re

import folium
import pandas as pd
import pytest
from folium.plugins import Timeline

from peninsula import data, geo, maps

ONLINE_MAX_BYTES = 300_000
OFFLINE_MAX_BYTES = 1_500_000
# Coordinates are rounded to 4 decimals (~11 m) in the maps.
COORD_TOL = 2e-4


@pytest.fixture(scope="module")
def tables():
    return {name: data.load(name) for name in ("places", "trips", "legs", "rail_routes", "events")}


@pytest.fixture(scope="module")
def places(tables):
    return tables["places"].set_index("place_id")


@pytest.fixture(scope="module")
def m2018():
    return maps.journeys_2018_map(offline=False)


def _children(element, kind):
    return [c for c in element._children.values() if isinstance(c, kind)]


def _groups(m) -> dict[str, folium.FeatureGroup]:
    return {fg.layer_name: fg for fg in _children(m, folium.FeatureGroup)}


def _popup_text(marker) -> str:
    popup = _children(marker, folium.Popup)[0]
    return " ".join(str(h.data) for h in popup.html._children.values())


def _xyz(lat, lon):
    p, lam = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))


def _cross_track_km(point, a, b) -> float:
    u, v, p = _xyz(*a), _xyz(*b), _xyz(*point)
    n = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    norm = math.sqrt(sum(c * c for c in n))
    dot = sum(x * y for x, y in zip(p, n, strict=True))
    return abs(geo.MEAN_EARTH_RADIUS_KM * math.asin(dot / norm))


def _coord(places, place_id):
    return (float(places.at[place_id, "lat"]), float(places.at[place_id, "lon"]))


def _close(p, q, tol=COORD_TOL):
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


# ----------------------------------------------------------------------------- 2018 map


def test_one_layer_per_2018_trip_named_after_its_title(m2018, tables):
    trips = tables["trips"].set_index("trip_id")
    expected = [trips.at[tid, "title"] for tid in maps.TRIPS_2018]
    assert list(_groups(m2018)) == expected
    assert len(_children(m2018, folium.LayerControl)) == 1
    legend = _children(m2018, maps.Legend)[0]
    labels = [label for label, _c, _d in legend.entries]
    assert labels[: len(expected)] == expected
    assert any("train" in lab for lab in labels) and any("air" in lab for lab in labels)


def test_layer_colours_are_okabe_ito_and_distinct(m2018):
    colours = []
    for fg in _groups(m2018).values():
        line_colours = {pl.options["color"] for pl in _children(fg, folium.PolyLine)}
        assert len(line_colours) == 1
        colours.append(line_colours.pop())
    assert len(set(colours)) == len(colours)
    assert all(c in maps.OKABE_ITO for c in colours)


def test_every_leg_is_drawn_with_its_mode_style(m2018, tables):
    legs = tables["legs"].set_index("leg_id")
    seen = 0
    for fg in _groups(m2018).values():
        for line in _children(fg, folium.PolyLine):
            mode = legs.at[line.peninsula_leg_id, "mode"]
            assert line.options.get("dashArray") == maps.MODE_DASH[mode], line.peninsula_leg_id
            seen += 1
    expected = tables["legs"]["trip_id"].isin(maps.TRIPS_2018).sum()
    assert seen == expected > 0


def test_markers_sit_on_their_places(m2018, places):
    n = 0
    for fg in _groups(m2018).values():
        for marker in _children(fg, folium.CircleMarker):
            assert _close(marker.location, _coord(places, marker.peninsula_place_id))
            n += 1
    assert n >= 8  # two ends for each of the four trips at least


def test_leg_ends_have_markers(m2018, tables):
    for tid, fg in zip(maps.TRIPS_2018, _groups(m2018).values(), strict=True):
        legs = tables["legs"][tables["legs"]["trip_id"] == tid]
        marked = {mk.peninsula_place_id for mk in _children(fg, folium.CircleMarker)}
        assert set(legs["from_place"]) | set(legs["to_place"]) <= marked


def test_rail_lines_follow_rail_routes_in_order(m2018, tables, places):
    legs = tables["legs"].set_index("leg_id")
    routes = tables["rail_routes"]
    checked = 0
    for fg in _groups(m2018).values():
        for line in _children(fg, folium.PolyLine):
            leg = legs.loc[line.peninsula_leg_id]
            if leg["mode"] != "train" or pd.isna(leg["route_id"]):
                continue
            stops = routes[routes["route_id"] == leg["route_id"]].sort_values("seq")
            ids = list(stops["place_id"])
            if ids[0] != leg["from_place"] and ids[-1] == leg["from_place"]:
                ids.reverse()
            drawn = line.locations[::-1] if line.peninsula_reversed_for_drawing else line.locations
            # every listed station appears on the line, in the listed order
            positions = []
            for pid in ids:
                hits = [i for i, p in enumerate(drawn) if _close(p, _coord(places, pid))]
                assert hits, f"{pid} of {leg['route_id']} missing from {line.peninsula_leg_id}"
                positions.append(hits[0])
            assert positions == sorted(positions)
            assert _close(drawn[0], _coord(places, leg["from_place"]))
            assert _close(drawn[-1], _coord(places, leg["to_place"]))
            checked += 1
    assert checked >= 2  # March 2018: there and back by train


def test_flight_arcs_end_at_airports_and_follow_the_great_circle(m2018, tables, places):
    legs = tables["legs"].set_index("leg_id")
    arcs = 0
    for fg in _groups(m2018).values():
        for line in _children(fg, folium.PolyLine):
            leg = legs.loc[line.peninsula_leg_id]
            if leg["mode"] != "air":
                continue
            a, b = _coord(places, leg["from_place"]), _coord(places, leg["to_place"])
            if line.peninsula_reversed_for_drawing:  # return leg drawn along the outbound arc
                a, b = b, a
            assert _close(line.locations[0], a) and _close(line.locations[-1], b)
            assert len(line.locations) >= 16
            for p in line.locations[1:-1]:
                assert _cross_track_km(p, a, b) < 0.05  # 50 m: rounding only
            arcs += 1
    assert arcs >= 6


def test_singapore_trip_flies_between_pyongyang_and_changi(m2018):
    fg = [g for g in _groups(m2018).values() if g.peninsula_trip_id == "2018-06-singapore"][0]
    lines = _children(fg, folium.PolyLine)
    assert len(lines) == 2
    for pl in lines:
        assert (round(pl.locations[0][0], 2), round(pl.locations[-1][0], 2)) == (39.22, 1.35)
    # the return flight is drawn along the same arc, and its tooltip gives the real direction
    assert [pl.peninsula_reversed_for_drawing for pl in lines] == [False, True]
    tip = _children(lines[1], folium.Tooltip)[0].text
    assert "Changi" in tip.split("→")[0] and "Pyongyang" in tip.split("→")[1]


def test_return_legs_share_the_outbound_dash_pattern(m2018):
    for fg in _groups(m2018).values():
        lines = _children(fg, folium.PolyLine)
        paths = [tuple(map(tuple, pl.locations)) for pl in lines]
        if len(set(paths)) < len(paths):  # a path drawn twice must be drawn identically
            assert len({pl.options.get("dashArray") for pl in lines}) == 1


def test_popups_carry_dates_and_sources(m2018, tables):
    trips = tables["trips"].set_index("trip_id")
    for fg in _groups(m2018).values():
        trip = trips.loc[fg.peninsula_trip_id]
        for marker in _children(fg, folium.CircleMarker):
            text = _popup_text(marker)
            assert "source:" in text
            assert str(trip["start_date"].year) in text
            start = trip["start_date"]
            assert f"{start:%b}" in text  # month of the trip's dates


def test_popup_text_from_data_is_escaped(monkeypatch, tables):
    bad = tables["trips"].copy()
    bad.loc[bad["trip_id"] == "2018-05-dalian", "summary"] = "<script>alert(1)</script>"
    real_load = data.load
    monkeypatch.setattr(data, "load", lambda n: bad if n == "trips" else real_load(n))
    m = maps.journeys_2018_map(offline=False)
    html = m.get_root().render()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ----------------------------------------------------------------------------- text alternative


def test_legs_table_matches_the_map(m2018, tables, places):
    table = maps.legs_table(m2018)
    assert {"from", "to", "mode", "dates", "distance_km"} <= set(table.columns)
    assert len(table) == tables["legs"]["trip_id"].isin(maps.TRIPS_2018).sum()
    air = table[table["mode"].str.startswith("air")]
    fnj_sin = geo.haversine_km(*_coord(places, "airport-fnj"), *_coord(places, "airport-sin"))
    assert any(abs(d - fnj_sin) <= 1 for d in air["distance_km"])
    assert (table["distance_km"] > 0).all()
    assert table["dates"].str.contains("2018").all()


def test_legs_table_accepts_ids_and_rejects_unknown():
    one = maps.legs_table("2018-05-dalian")
    title = data.load("trips").set_index("trip_id").at["2018-05-dalian", "title"]
    assert set(one["trip"]) == {title}
    with pytest.raises(KeyError, match="no-such-trip"):
        maps.legs_table(["no-such-trip"])
    with pytest.raises(ValueError, match="not built by peninsula.maps"):
        maps.legs_table(folium.Map(tiles=None))


def test_rail_distance_is_longer_than_the_great_circle(tables, places):
    table = maps.legs_table("2018-03-beijing")
    direct = geo.haversine_km(
        *_coord(places, "station-pyongyang"), *_coord(places, "station-beijing")
    )
    assert (table["distance_km"] > direct).all()


# ----------------------------------------------------------------------------- timeline + 2019


def test_timeline_has_start_and_end_for_every_feature(tables):
    m = maps.timeline_map(offline=False)
    tl = _children(m, Timeline)[0]
    feats = tl.data["features"]
    assert feats
    for f in feats:
        start, end = f["properties"]["start"], f["properties"]["end"]
        assert pd.Timestamp(start) < pd.Timestamp(end)
        assert pd.Timestamp(start).year == 2018
    starts = {f["properties"]["start"] for f in feats}
    for tid in maps.TRIPS_2018:
        trip_start = tables["trips"].set_index("trip_id").at[tid, "start_date"]
        assert f"{trip_start:%Y-%m-%d}" in starts
    assert "2018-04-27" in starts  # Panmunjom summit (from events)
    assert len(maps.timeline_table()) == len(feats)


def test_2019_map_has_the_2019_trips_and_other_events(tables):
    m = maps.continuation_2019_map(offline=False)
    groups = _groups(m)
    trips = tables["trips"].set_index("trip_id")
    for tid in maps.TRIPS_2019:
        if tid in trips.index:
            assert trips.at[tid, "title"] in groups
    others = groups["Other events"]
    ids = {mk.peninsula_event_id for mk in _children(others, folium.CircleMarker)}
    ev = tables["events"].set_index("event_id")
    assert all(ev.at[i, "start_date"].year == 2019 for i in ids)
    assert len(ids) >= 2  # e.g. Xi in Pyongyang and the DMZ meeting


# ----------------------------------------------------------------------------- offline / online

EXTERNAL = [
    re.compile(r"<script[^>]+src=[\"']?(https?:)?//", re.I),
    re.compile(r"<link[^>]+href=[\"']?(https?:)?//", re.I),
    re.compile(r"url\([\"']?(https?:)?//", re.I),
    re.compile(r"\{z\}/\{x\}/\{y\}"),
    re.compile(r"tile\.openstreetmap", re.I),
    re.compile(r"@import", re.I),
]
BUILDERS = [maps.journeys_2018_map, maps.timeline_map, maps.continuation_2019_map]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_offline_html_references_nothing_external_and_is_small(builder):
    html = builder(offline=True).get_root().render()
    for pattern in EXTERNAL:
        assert not pattern.search(html), pattern.pattern
    assert "L.map(" in html and "leafletjs.com" in html  # Leaflet itself is inlined
    assert maps.BASEMAP_ATTRIBUTION in html
    assert len(html.encode()) <= OFFLINE_MAX_BYTES


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_online_html_uses_osm_tiles_and_is_small(builder):
    html = builder(offline=False).get_root().render()
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    assert "bootstrap" not in html and "awesome-markers" not in html
    assert len(html.encode()) <= ONLINE_MAX_BYTES


def test_offline_does_not_change_later_maps():
    before = list(folium.Map.default_js)
    maps.timeline_map(offline=True)
    assert folium.Map.default_js == before
    assert Timeline.default_js and Timeline.default_js[0][1].startswith("https://")
    html = maps.journeys_2018_map(offline=False).get_root().render()
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"' in html


def test_environment_variable_selects_offline(monkeypatch):
    monkeypatch.setenv(maps.OFFLINE_ENV, "1")
    assert maps.journeys_2018_map().peninsula_offline is True
    assert maps.journeys_2018_map(offline=False).peninsula_offline is False
    monkeypatch.setenv(maps.OFFLINE_ENV, "0")
    assert maps.journeys_2018_map().peninsula_offline is False
    monkeypatch.setenv(maps.OFFLINE_ENV, "perhaps")
    with pytest.raises(ValueError, match="PENINSULA_MAPS_OFFLINE='perhaps'"):
        maps.resolve_offline(None)


def test_bad_leg_mode_is_reported_with_its_row(monkeypatch, tables):
    bad = tables["legs"].copy()
    first = bad.index[bad["trip_id"] == "2018-05-dalian"][0]
    bad.loc[first, "mode"] = "boat"
    real_load = data.load
    monkeypatch.setattr(data, "load", lambda n: bad if n == "legs" else real_load(n))
    with pytest.raises(ValueError, match=rf"legs row '{bad.at[first, 'leg_id']}'.*'boat'"):
        maps.journeys_2018_map(offline=False)


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_map_page_and_iframe_are_named_for_screen_readers(builder):
    m = builder(offline=False)
    page = m.get_root().render()
    assert '<html lang="en">' in page
    assert re.search(r"<title>Map: [^<]+</title>", page)
    iframe = m._repr_html_()
    assert re.search(r'<iframe title="Map: [^"]+"', iframe)


def test_timeline_map_has_a_legs_table_too():
    m = maps.timeline_map(offline=False)
    table = maps.legs_table(m)
    assert set(table["trip"]) == {
        f["properties"]["title"] for f in m.peninsula_features if f["properties"]["kind"] == "trip"
    }


def test_vendored_assets_match_manifest_and_keep_their_licences():
    import hashlib
    import json

    manifest = json.loads((maps.ASSETS_DIR / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["packages"].items():
        folder = maps.ASSETS_DIR / f"{name}@{entry['version']}"
        assert any(f.upper().startswith("LICENSE") for f in entry["files"]), name
        for file_name, meta in entry["files"].items():
            digest = hashlib.sha256((folder / file_name).read_bytes()).hexdigest()
            assert digest == meta["sha256"], f"{folder / file_name} differs from manifest"
    # the offline maps inline exactly the versions folium 0.20 links to
    assert "leaflet@1.9.3" in str(folium.Map.default_js)
    assert manifest["packages"]["leaflet"]["version"] == "1.9.3"
