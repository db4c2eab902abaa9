"""Visible checks for ``ps2-routes``: great-circle distances, route lengths, train vs flight, a map.

Reference figures come from :mod:`peninsula.geo` and the course tables (``places``,
``rail_routes``, ``legs``, ``visits``) loaded through :mod:`peninsula.data`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import folium
import pandas as pd

from peninsula import data, geo
from peninsula.checks import CheckFailed, expect_close, expect_equal, expect_type
from peninsula.checks import call_quietly as _call

ASSIGNMENT = "ps2-routes"
#: Relative tolerance for distances (0.01 %: rounding, not a different formula or radius).
REL_TOL = 1e-4
#: Tolerance in degrees for coordinates on the map (about 1 km).
DEG_TOL = 0.01
TRAIN_ROUTE = "pyongyang-beijing"
CHINA_TRIPS_2018 = ("2018-03-beijing", "2018-05-dalian", "2018-06-beijing")


def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return data.load("legs"), data.load("rail_routes"), data.load("places")


def _point(places: pd.DataFrame, place_id: str) -> tuple[float, float]:
    row = places.loc[places["place_id"] == place_id].iloc[0]
    return float(row["lat"]), float(row["lon"])




# ---------------------------------------------------------------- Part A: haversine_km
def _degrees_version(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine formula with degrees wrongly fed to sin/cos (a common slip)."""
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * geo.MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(abs(a))))


def _sphere_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance without range checks (so swapped arguments can be recognised)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        math.radians(lon2 - lon1) / 2
    ) ** 2
    return 2 * geo.MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _haversine_hint(value: float, args: tuple[float, float, float, float]) -> str:
    lat1, lon1, lat2, lon2 = args
    expected = geo.haversine_km(*args)
    if math.isclose(value, _degrees_version(*args), rel_tol=1e-6):
        return "sin and cos expect radians: convert every latitude and longitude first."
    if math.isclose(value, _sphere_km(lon1, lat1, lon2, lat2), rel_tol=1e-6):
        return "the arguments are (lat1, lon1, lat2, lon2): latitude comes first."
    if math.isclose(value, expected / 2, rel_tol=1e-3):
        return "the central angle is 2 * asin(sqrt(a)); did you drop the factor 2?"
    if math.isclose(value / expected, 6378.137 / geo.MEAN_EARTH_RADIUS_KM, rel_tol=1e-4):
        return "use the mean Earth radius R = 6371.0088 km, not the equatorial radius."
    if expected > 0 and math.isclose(value, expected / 1.609344, rel_tol=1e-3):
        return "the answer should be in kilometres, not miles."
    return "compare your formula term by term with the one in the instructions."


def check_part_a(haversine_km: Callable[..., Any]) -> None:
    """Check that haversine_km returns floats and known distances between course places."""
    if not callable(haversine_km):
        raise CheckFailed("`haversine_km` should be a function.")
    places = data.load("places")
    zero = _call(haversine_km, 39.0194, 125.7381, 39.0194, 125.7381)
    expect_close(zero, 0.0, 1e-6, "haversine_km(same point twice)", "a point is 0 km from itself.")
    for a, b in (("pyongyang", "beijing"), ("airport-fnj", "airport-dlc")):
        args = (*_point(places, a), *_point(places, b))
        value = _call(haversine_km, *args)
        expected = geo.haversine_km(*args)
        what = f"haversine_km for {a} -> {b}"
        expect_type(value, (float, int), what)
        if not math.isclose(float(value), expected, rel_tol=REL_TOL):
            hint = _haversine_hint(float(value), args)
            expect_close(value, expected, expected * REL_TOL, what, hint)
        back = _call(haversine_km, *args[2:], *args[:2])
        hint = "the distance from B to A equals the distance from A to B."
        expect_close(back, float(value), 1e-6, f"haversine_km for {b} -> {a}", hint)


# ---------------------------------------------------------------- Part B: route_length_km
def reference_route_km(route_id: str, rail_routes: pd.DataFrame, places: pd.DataFrame) -> float:
    """Sum of great-circle legs between the stops of ``route_id`` taken in ``seq`` order."""
    stops = rail_routes.loc[rail_routes["route_id"] == route_id].sort_values("seq")["place_id"]
    pts = [_point(places, p) for p in stops]
    return sum(geo.haversine_km(*p, *q) for p, q in zip(pts, pts[1:], strict=False))


def check_part_b(route_length_km: Callable[..., Any]) -> None:
    """Check route_length_km on the Pyongyang-Beijing line and on an unknown route id."""
    _, rail_routes, places = _tables()
    value = _call(route_length_km, TRAIN_ROUTE, rail_routes, places)
    expected = reference_route_km(TRAIN_ROUTE, rail_routes, places)
    what = f"route_length_km({TRAIN_ROUTE!r}, ...)"
    expect_type(value, (float, int), what)
    stops = rail_routes.loc[rail_routes["route_id"] == TRAIN_ROUTE].sort_values("seq")["place_id"]
    direct = geo.haversine_km(*_point(places, stops.iloc[0]), *_point(places, stops.iloc[-1]))
    hint = "add up the distance of every leg between consecutive stops, in `seq` order."
    if math.isclose(float(value), direct, rel_tol=1e-3):
        hint = "that is the straight line from the first to the last stop; " + hint
    expect_close(value, expected, expected * REL_TOL, what, hint, reveal=False)
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


def reference_comparison(
    legs: pd.DataFrame, rail_routes: pd.DataFrame, places: pd.DataFrame
) -> pd.DataFrame:
    """Outbound legs of the three 2018 China trips with their great-circle / route lengths."""
    out = legs.loc[legs["trip_id"].isin(CHINA_TRIPS_2018) & (legs["seq"] == 1)]
    out = out.sort_values("trip_id")
    rows = []
    for leg in out.itertuples():
        if leg.mode == "train":
            km = reference_route_km(leg.route_id, rail_routes, places)
        else:
            km = geo.haversine_km(*_point(places, leg.from_place), *_point(places, leg.to_place))
        rows.append({"trip_id": leg.trip_id, "mode": leg.mode, "distance_km": km})
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def check_part_c(compare_train_flight: Callable[..., Any]) -> None:
    """Check the train-vs-flight table: one row per 2018 China trip, right modes and distances."""
    legs, rail_routes, places = _tables()
    table = _call(compare_train_flight, legs, rail_routes, places)
    expect_type(table, pd.DataFrame, "compare_train_flight(...)")
    expect_equal(
        [str(c) for c in table.columns],
        COMPARE_COLUMNS,
        "the columns",
        "return exactly the columns trip_id, mode and distance_km, in that order.",
    )
    ref = reference_comparison(legs, rail_routes, places)
    if len(table) != len(ref):
        hint = "keep only the outbound leg (seq == 1) of each 2018 trip to China."
        if len(table) == 2 * len(ref):
            hint = "each trip has an outbound and a return leg; keep only seq == 1."
        raise CheckFailed(f"the table has {len(table)} rows, but it should have {len(ref)}.", hint)
    expect_equal(
        [str(t) for t in table["trip_id"]],
        list(ref["trip_id"]),
        "trip_id",
        "the 2018 China trips are those of the visits table that start in 2018, oldest first.",
    )
    expect_equal([str(m) for m in table["mode"]], list(ref["mode"]), "mode")
    for i, (got, want) in enumerate(zip(table["distance_km"], ref["distance_km"], strict=True)):
        hint = "for air legs use haversine between the airports; for train legs the rail route."
        expect_close(got, want, want * REL_TOL, f"distance_km in row {i}", hint, reveal=False)


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


def expected_lines(
    legs: pd.DataFrame, rail_routes: pd.DataFrame, places: pd.DataFrame
) -> list[list[str]]:
    """For each 2018 China trip (oldest first), the place ids its outbound line passes."""
    out = legs.loc[legs["trip_id"].isin(CHINA_TRIPS_2018) & (legs["seq"] == 1)]
    lines = []
    for leg in out.sort_values("trip_id").itertuples():
        if leg.mode == "train":
            stops = rail_routes.loc[rail_routes["route_id"] == leg.route_id].sort_values("seq")
            lines.append(list(stops["place_id"]))
        else:
            lines.append([leg.from_place, leg.to_place])
    return lines


def _near(p: Any, q: tuple[float, float]) -> bool:
    return abs(float(p[0]) - q[0]) <= DEG_TOL and abs(float(p[1]) - q[1]) <= DEG_TOL


def _passes_in_order(locations: list[Any], stops: list[tuple[float, float]]) -> bool:
    i = 0
    for loc in locations:
        if i < len(stops) and _near(loc, stops[i]):
            i += 1
    return i == len(stops)


def check_part_d(trips_map: Callable[..., Any]) -> None:
    """Check the map: three lines in date order through the right places; a marker per place."""
    legs, rail_routes, places = _tables()
    m = _call(trips_map, legs, rail_routes, places)
    expect_type(m, folium.Map, "trips_map(...)", "create the map with folium.Map(...).")
    lines, markers = map_parts(m)
    wanted = expected_lines(legs, rail_routes, places)
    if len(lines) != len(wanted):
        raise CheckFailed(
            f"the map has {len(lines)} PolyLine(s), but it should have {len(wanted)}.",
            "draw one folium.PolyLine per 2018 China trip (the outbound leg only).",
        )
    for n, (line, ids) in enumerate(zip(lines, wanted, strict=True), start=1):
        stops = [_point(places, p) for p in ids]
        if not _passes_in_order(list(line.locations), stops):
            swapped = [(lon, lat) for lat, lon in stops]
            hint = "add the lines oldest trip first; each goes through its stops in order."
            if _passes_in_order(list(line.locations), swapped):
                hint = "folium wants [latitude, longitude]; your points look like [lon, lat]."
            raise CheckFailed(
                f"line {n} does not pass through {', '.join(ids)} in that order.", hint
            )
    needed = {p for ids in wanted for p in ids}
    for pid in sorted(needed):
        where = _point(places, pid)
        found = [mk for mk in markers if _near(mk.location, where)]
        if not found:
            raise CheckFailed(
                f"there is no marker at {pid} {where}.",
                "add a folium.Marker for every place the three lines pass through.",
            )
        native = str(places.loc[places["place_id"] == pid, "name_native"].iloc[0])
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
