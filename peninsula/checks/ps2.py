"""Visible checks for ``ps2-routes``: great-circle distances, route lengths, train vs flight, a map.

The checks call the student's functions on SMALL MADE-UP inputs: points on the equator and on
the prime meridian, and fictional stations and airports (``TOY_PLACES``), whose distances can be
worked out by hand (an arc of d degrees along a great circle is R * d * pi / 180 km). Those hand
results are written below as literals. Nothing here computes a distance for the course's real
places: the hidden tests in the instructor's notebook do that at grading time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import folium
import pandas as pd

from peninsula.checks import CheckFailed, expect_close, expect_equal, expect_type
from peninsula.checks import call_quietly as _call

ASSIGNMENT = "ps2-routes"
#: Relative tolerance for distances (0.01 %: rounding, not a different formula or radius).
REL_TOL = 1e-4
#: Tolerance in degrees for coordinates on the map (about 1 km).
DEG_TOL = 0.01
R_KM = 6371.0088  # the mean Earth radius the instructions give
ONE_DEGREE_KM = 111.19508  # R * pi / 180: one degree of a great circle
CHINA_TRIPS_2018 = ("2018-03-beijing", "2018-05-dalian", "2018-06-beijing")

# ---------------------------------------------------------------- Part A: made-up points
#: (lat1, lon1, lat2, lon2), the distance worked out by hand, and what a swap of latitude and
#: longitude would give instead (None when the swap makes no difference or is not a point).
HAVERSINE_CASES: list[tuple[tuple[float, float, float, float], float, float | None, str]] = [
    ((39.0, 125.7, 39.0, 125.7), 0.0, None, "the same point twice"),
    ((0.0, 0.0, 0.0, 1.0), 111.19508, None, "one degree along the equator"),
    ((0.0, 0.0, 0.0, 90.0), 10007.557, None, "a quarter of the equator (R * pi / 2)"),
    # cos(angle) = sin²45° + cos²45° · cos 90° = 1/2, so the angle is 60° (R * pi / 3)
    ((45.0, 0.0, 45.0, 90.0), 6671.7048, 10007.557, "two points on the 45th parallel"),
    # over the North Pole: 30° + 30° of arc = 60°
    ((60.0, 30.0, 60.0, -150.0), 6671.7048, None, "over the North Pole"),
    ((-45.0, 10.0, 45.0, 10.0), 10007.557, None, "from 45° S to 45° N along one meridian"),
]
#: With degrees fed to sin and cos, one degree along the equator comes out as R km exactly.
DEGREES_SLIP_ONE_DEGREE = R_KM


def _haversine_hint(value: float, expected: float, swapped: float | None, args: tuple) -> str:
    if args == (0.0, 0.0, 0.0, 1.0) and math.isclose(value, DEGREES_SLIP_ONE_DEGREE, rel_tol=1e-4):
        return "sin and cos expect radians: convert every latitude and longitude first."
    if swapped is not None and math.isclose(value, swapped, rel_tol=1e-4):
        return "the arguments are (lat1, lon1, lat2, lon2): latitude comes first."
    if math.isclose(value, expected / 2, rel_tol=1e-3):
        return "the central angle is 2 * asin(sqrt(a)); did you drop the factor 2?"
    if math.isclose(value / expected, 6378.137 / R_KM, rel_tol=1e-4):
        return "use the mean Earth radius R = 6371.0088 km, not the equatorial radius."
    if math.isclose(value, expected / 1.609344, rel_tol=1e-3):
        return "the answer should be in kilometres, not miles."
    return "compare your formula term by term with the one in the instructions."


def check_part_a(haversine_km: Callable[..., Any]) -> None:
    """Check haversine_km on made-up points whose distances are known by hand."""
    if not callable(haversine_km):
        raise CheckFailed("`haversine_km` should be a function.")
    for args, expected, swapped, where in HAVERSINE_CASES:
        what = f"haversine_km{args} ({where})"
        value = _call(haversine_km, *args)
        expect_type(value, (float, int), what)
        if expected == 0.0:
            expect_close(value, 0.0, 1e-6, what, "a point is 0 km from itself.")
            continue
        if not math.isclose(float(value), expected, rel_tol=REL_TOL):
            hint = _haversine_hint(float(value), expected, swapped, args)
            expect_close(value, expected, expected * REL_TOL, what, hint)
        back = _call(haversine_km, *args[2:], *args[:2])
        hint = "the distance from B to A equals the distance from A to B."
        expect_close(back, float(value), 1e-6, f"haversine_km{(*args[2:], *args[:2])}", hint)


# ---------------------------------------------------------------- made-up tables (B, C, D)
#: FICTIONAL places: stations on the equator, airports on the prime meridian.
TOY_PLACES = [
    ("toy-stop-a", "Stop A", "甲站", 0.0, 0.0),
    ("toy-stop-b", "Stop B", "乙站", 0.0, 3.0),
    ("toy-stop-c", "Stop C", "丙站", 0.0, 1.0),
    ("toy-stop-d", "Stop D", "丁站", 0.0, 2.0),
    ("toy-stop-e", "Stop E", "戊站", 0.0, 10.0),
    ("toy-stop-f", "Stop F", "己站", 0.0, 20.0),
    ("toy-port-x", "Airport X", "东机场", 10.0, 0.0),
    ("toy-port-y", "Airport Y", "西机场", 14.0, 0.0),
    ("toy-port-z", "Airport Z", "南机场", 5.0, 0.0),
]
#: FICTIONAL rail routes as (route_id, seq, place_id), deliberately NOT in seq order.
TOY_RAIL = [
    ("toy-line", 4, "toy-stop-d"),
    ("toy-other", 1, "toy-stop-e"),
    ("toy-line", 2, "toy-stop-b"),
    ("toy-line", 1, "toy-stop-a"),
    ("toy-other", 2, "toy-stop-f"),
    ("toy-line", 3, "toy-stop-c"),
]
TOY_LINE = "toy-line"
TOY_LINE_STOPS = ["toy-stop-a", "toy-stop-b", "toy-stop-c", "toy-stop-d"]
#: A -> B -> C -> D along the equator: 3° + 2° + 1° = 6° of arc.
TOY_LINE_KM = 667.17048
#: The slips: A to D directly is 2°; the rows in table order (D, B, A, C) give 1° + 3° + 1° = 5°.
TOY_LINE_STRAIGHT_KM = 222.39016
TOY_LINE_ROW_ORDER_KM = 555.97540

#: FICTIONAL legs as (trip_id, seq, mode, from_place, to_place, route_id); the trip ids are the
#: ones the assignment names, but the places and routes are made up.
TOY_LEGS = [
    ("2018-06-beijing", 2, "air", "toy-port-z", "toy-port-x", None),
    ("2018-05-dalian", 1, "air", "toy-port-x", "toy-port-y", None),
    ("2019-01-beijing", 1, "train", "toy-stop-e", "toy-stop-f", "toy-other"),
    ("2018-03-beijing", 1, "train", "toy-stop-a", "toy-stop-d", "toy-line"),
    ("2018-06-beijing", 1, "air", "toy-port-x", "toy-port-z", None),
    ("2018-03-beijing", 2, "train", "toy-stop-d", "toy-stop-a", "toy-line"),
    ("2018-05-dalian", 2, "air", "toy-port-y", "toy-port-x", None),
]
#: The hand-worked table for TOY_LEGS: the train's 6° route, then 4° and 5° along the meridian.
TOY_COMPARISON = [
    ("2018-03-beijing", "train", 667.17048),
    ("2018-05-dalian", "air", 444.78032),
    ("2018-06-beijing", "air", 555.97540),
]
#: The place ids each line of the map passes, oldest trip first.
TOY_MAP_LINES = [TOY_LINE_STOPS, ["toy-port-x", "toy-port-y"], ["toy-port-x", "toy-port-z"]]


def toy_places() -> pd.DataFrame:
    """The made-up places, with the course's column names and types."""
    frame = pd.DataFrame(TOY_PLACES, columns=["place_id", "name_en", "name_native", "lat", "lon"])
    return frame.astype({"place_id": "string", "name_en": "string", "name_native": "string"})


def toy_rail_routes() -> pd.DataFrame:
    """The made-up rail routes (rows not in seq order)."""
    frame = pd.DataFrame(TOY_RAIL, columns=["route_id", "seq", "place_id"])
    return frame.astype({"route_id": "string", "seq": "Int64", "place_id": "string"})


def toy_legs() -> pd.DataFrame:
    """The made-up legs (rows not in date order)."""
    cols = ["trip_id", "seq", "mode", "from_place", "to_place", "route_id"]
    frame = pd.DataFrame(TOY_LEGS, columns=cols)
    kinds = {c: "string" for c in cols if c != "seq"}
    return frame.astype({**kinds, "seq": "Int64"})


def _toy_point(place_id: str) -> tuple[float, float]:
    row = next(p for p in TOY_PLACES if p[0] == place_id)
    return row[3], row[4]


# ---------------------------------------------------------------- Part B: route_length_km
def check_part_b(route_length_km: Callable[..., Any]) -> None:
    """Check route_length_km on a made-up route whose rows are out of order, and a bad id."""
    rail_routes, places = toy_rail_routes(), toy_places()
    value = _call(route_length_km, TOY_LINE, rail_routes, places)
    what = f"route_length_km({TOY_LINE!r}, made-up tables)"
    expect_type(value, (float, int), what)
    hint = "add up the distance of every leg between consecutive stops, in `seq` order."
    if math.isclose(float(value), TOY_LINE_STRAIGHT_KM, rel_tol=1e-3):
        hint = "that is the straight line from the first to the last stop; " + hint
    elif math.isclose(float(value), TOY_LINE_ROW_ORDER_KM, rel_tol=1e-3):
        hint = (
            "you followed the rows in the order of the table: sort the stops by seq; do not "
            "rely on the order of the rows."
        )
    detail = (
        " (made-up stops A (0°, 0°), B (0°, 3°E), C (0°, 1°E), D (0°, 2°E), in seq order A, B, "
        "C, D: 3° + 2° + 1° of the equator)"
    )
    expect_close(value, TOY_LINE_KM, TOY_LINE_KM * REL_TOL, what + detail, hint)
    try:
        _call(route_length_km, "no-such-route", rail_routes, places)
    except ValueError as exc:
        if "no-such-route" not in str(exc):
            raise CheckFailed(
                "route_length_km raised ValueError for an unknown route, but the message "
                "does not name the route id.",
                "include the route id you were given in the error message.",
            ) from exc
        return
    except Exception as exc:
        raise CheckFailed(
            f"route_length_km('no-such-route', ...) raised {type(exc).__name__}, not ValueError.",
            "check whether any rows match and raise ValueError naming the route id if none do.",
        ) from exc
    raise CheckFailed(
        "route_length_km('no-such-route', ...) returned a value instead of raising ValueError.",
        "a route with no stops is a mistake by the caller: raise ValueError naming the route id.",
    )


# ---------------------------------------------------------------- Part C: compare_train_flight
COMPARE_COLUMNS = ["trip_id", "mode", "distance_km"]


def check_part_c(compare_train_flight: Callable[..., Any]) -> None:
    """Check the train-vs-flight table on made-up legs, routes and places."""
    table = _call(compare_train_flight, toy_legs(), toy_rail_routes(), toy_places())
    expect_type(table, pd.DataFrame, "compare_train_flight(made-up tables)")
    expect_equal(
        [str(c) for c in table.columns],
        COMPARE_COLUMNS,
        "the columns",
        "return exactly the columns trip_id, mode and distance_km, in that order.",
    )
    want = TOY_COMPARISON
    if len(table) != len(want):
        hint = "keep only the outbound leg (seq == 1) of each of the three 2018 trips to China."
        if len(table) == 2 * len(want):
            hint = "each trip has an outbound and a return leg; keep only seq == 1."
        raise CheckFailed(
            f"for the made-up legs the table has {len(table)} rows, but it should have "
            f"{len(want)}.",
            hint,
        )
    expect_equal(
        [str(t) for t in table["trip_id"]],
        [w[0] for w in want],
        "trip_id",
        "one row per 2018 China trip, oldest first (sort by trip_id or by date).",
    )
    expect_equal([str(m) for m in table["mode"]], [w[1] for w in want], "mode")
    for i, (got, (trip, mode, km)) in enumerate(zip(table["distance_km"], want, strict=True)):
        hint = "for air legs use haversine between the airports; for train legs the rail route."
        what = f"distance_km in row {i} ({trip}, {mode}, made-up places)"
        expect_close(got, km, km * REL_TOL, what, hint)


# ---------------------------------------------------------------- Part D: trips_map
def walk(element: Any) -> Iterator[Any]:
    """Every descendant of a folium/branca element, depth first, without changing anything."""
    for child in list(getattr(element, "_children", {}).values()):
        yield child
        yield from walk(child)


def map_parts(m: folium.Map) -> tuple[list[folium.PolyLine], list[folium.Marker]]:
    """The polylines and markers on ``m``, in the order they were added."""
    lines = [e for e in walk(m) if isinstance(e, folium.PolyLine)]
    markers = [e for e in walk(m) if isinstance(e, folium.Marker)]
    return lines, markers


def tooltip_text(marker: folium.Marker) -> str:
    """The text of a marker's tooltip ('' if it has none)."""
    tips = [c for c in marker._children.values() if isinstance(c, folium.Tooltip)]
    return " ".join(str(t.text) for t in tips)


def near(p: Any, q: tuple[float, float], tol: float = DEG_TOL) -> bool:
    """True if the point ``p`` is within ``tol`` degrees of ``q`` in latitude and longitude."""
    return abs(float(p[0]) - q[0]) <= tol and abs(float(p[1]) - q[1]) <= tol


def passes_in_order(locations: list[Any], stops: list[tuple[float, float]]) -> bool:
    """True if ``locations`` visit every point of ``stops`` in order (others may lie between)."""
    i = 0
    for loc in locations:
        if i < len(stops) and near(loc, stops[i]):
            i += 1
    return i == len(stops)


def check_part_d(trips_map: Callable[..., Any]) -> None:
    """Check the map for made-up tables: three lines in date order, one marker per place."""
    m = _call(trips_map, toy_legs(), toy_rail_routes(), toy_places())
    expect_type(m, folium.Map, "trips_map(...)", "create the map with folium.Map(...).")
    lines, markers = map_parts(m)
    if len(lines) != len(TOY_MAP_LINES):
        raise CheckFailed(
            f"for the made-up legs the map has {len(lines)} PolyLine(s), but it should have "
            f"{len(TOY_MAP_LINES)}.",
            "draw one folium.PolyLine per 2018 China trip (the outbound leg only).",
        )
    for n, (line, ids) in enumerate(zip(lines, TOY_MAP_LINES, strict=True), start=1):
        stops = [_toy_point(p) for p in ids]
        locations = list(line.locations)
        if not passes_in_order(locations, stops):
            swapped = [(lon, lat) for lat, lon in stops]
            hint = "add the lines oldest trip first; each goes through its stops in seq order."
            if all(any(near(loc, s) for s in swapped) for loc in locations) and not all(
                any(near(loc, s) for s in stops) for loc in locations
            ):
                hint = "folium wants [latitude, longitude]; your points look like [lon, lat]."
            raise CheckFailed(
                f"line {n} does not pass through the made-up places {', '.join(ids)} in that "
                "order.",
                hint,
            )
    needed = sorted({p for ids in TOY_MAP_LINES for p in ids})
    for pid in needed:
        where = _toy_point(pid)
        found = [mk for mk in markers if near(mk.location, where)]
        if not found:
            raise CheckFailed(
                f"there is no marker at the made-up place {pid} {where}.",
                "add a folium.Marker for every place the three lines pass through.",
            )
        native = next(p[2] for p in TOY_PLACES if p[0] == pid)
        if not any(native in tooltip_text(mk) for mk in found):
            raise CheckFailed(
                f"the marker at {pid} has no tooltip containing its native name {native!r}.",
                "pass tooltip=... with the English and native names, e.g. 'Dalian (大连)'.",
            )
    if len(markers) != len(needed):
        raise CheckFailed(
            f"the map has {len(markers)} markers, but the three lines pass {len(needed)} places.",
            "draw each place once, even if two trips use it.",
        )


PARTS = {
    "A": (check_part_a, ("haversine_km",)),
    "B": (check_part_b, ("route_length_km",)),
    "C": (check_part_c, ("compare_train_flight",)),
    "D": (check_part_d, ("trips_map",)),
}
