"""Real nbgrader on ps2-routes: the solution earns full marks, blanks and typical mistakes do not.

One ``nbgrader autograde`` run grades every variant below as a separate student.
"""

from __future__ import annotations

import textwrap

import pytest
from nbgrader_harness import (
    assert_fails_with,
    assert_full_marks,
    assert_full_score,
    assert_scores_zero,
    autograde,
    find_cell,
    make_course,
    released_notebook,
    solution_notebook,
    with_answer,
)

pytestmark = pytest.mark.slow

A = "ps2-routes"
AUTO_CELLS = ["test_haversine_km", "test_route_length_km", "test_compare_train_flight",
              "test_trips_map"]


def _src(code: str) -> str:
    return textwrap.dedent(code).strip("\n")


HAVERSINE_DEGREES = _src('''
    def haversine_km(lat1, lon1, lat2, lon2):
        a = (math.sin((lat2 - lat1) / 2) ** 2
             + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
        return 2 * 6371.0088 * math.asin(math.sqrt(a))
''')

HAVERSINE_RADIUS = _src('''
    def haversine_km(lat1, lon1, lat2, lon2):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dl = math.radians(lon2 - lon1)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6378.137 * math.asin(math.sqrt(a))
''')

HAVERSINE_SWAPPED = _src('''
    def haversine_km(lon1, lat1, lon2, lat2):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dl = math.radians(lon2 - lon1)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(a))
''')

ROUTE_STRAIGHT = _src('''
    def route_length_km(route_id, rail_routes, places):
        stops = rail_routes[rail_routes["route_id"] == route_id].sort_values("seq")
        if stops.empty:
            raise ValueError(route_id)
        where = places.set_index("place_id")
        a, b = where.loc[stops["place_id"].iloc[0]], where.loc[stops["place_id"].iloc[-1]]
        return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])
''')

ROUTE_NO_ERROR = _src('''
    def route_length_km(route_id, rail_routes, places):
        stops = rail_routes[rail_routes["route_id"] == route_id].sort_values("seq")
        where = places.set_index("place_id")
        pts = [(where.loc[p, "lat"], where.loc[p, "lon"]) for p in stops["place_id"]]
        return float(sum(haversine_km(*p, *q) for p, q in zip(pts, pts[1:])))
''')

ROUTE_UNSORTED = _src('''
    def route_length_km(route_id, rail_routes, places):
        stops = rail_routes[rail_routes["route_id"] == route_id]
        if stops.empty:
            raise ValueError(f"unknown route {route_id}")
        where = places.set_index("place_id")
        pts = [(where.loc[p, "lat"], where.loc[p, "lon"]) for p in stops["place_id"]]
        return float(sum(haversine_km(*p, *q) for p, q in zip(pts, pts[1:])))
''')

COMPARE_BOTH_WAYS = _src('''
    def compare_train_flight(legs, rail_routes, places):
        trips = ["2018-03-beijing", "2018-05-dalian", "2018-06-beijing"]
        out = legs[legs["trip_id"].isin(trips)]
        where = places.set_index("place_id")
        rows = []
        for leg in out.itertuples():
            if leg.mode == "train":
                km = route_length_km(leg.route_id, rail_routes, places)
            else:
                a, b = where.loc[leg.from_place], where.loc[leg.to_place]
                km = haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])
            rows.append({"trip_id": leg.trip_id, "mode": leg.mode, "distance_km": km})
        return pd.DataFrame(rows)
''')

MAP_LONLAT = _src('''
    def trips_map(legs, rail_routes, places):
        trips = ["2018-03-beijing", "2018-05-dalian", "2018-06-beijing"]
        where = places.set_index("place_id")
        m = folium.Map(tiles=None)
        drawn = []
        out = legs[legs["trip_id"].isin(trips) & (legs["seq"] == 1)].sort_values("trip_id")
        for colour, leg in zip(["#0072B2", "#D55E00", "#009E73"], out.itertuples()):
            if leg.mode == "train":
                ids = list(rail_routes[rail_routes["route_id"] == leg.route_id]["place_id"])
            else:
                ids = [leg.from_place, leg.to_place]
            folium.PolyLine([[where.loc[p, "lon"], where.loc[p, "lat"]] for p in ids],
                            color=colour).add_to(m)
            drawn += [p for p in ids if p not in drawn]
        for p in drawn:
            folium.Marker([where.loc[p, "lon"], where.loc[p, "lat"]], tooltip=p).add_to(m)
        return m
''')

MAP_ONE_COLOUR_NO_NATIVE = _src('''
    def trips_map(legs, rail_routes, places):
        trips = ["2018-03-beijing", "2018-05-dalian", "2018-06-beijing"]
        where = places.set_index("place_id")
        m = folium.Map(tiles=None)
        drawn = []
        out = legs[legs["trip_id"].isin(trips) & (legs["seq"] == 1)].sort_values("trip_id")
        for leg in out.itertuples():
            if leg.mode == "train":
                stops = rail_routes[rail_routes["route_id"] == leg.route_id].sort_values("seq")
                ids = list(stops["place_id"])
            else:
                ids = [leg.from_place, leg.to_place]
            folium.PolyLine([[where.loc[p, "lat"], where.loc[p, "lon"]] for p in ids]).add_to(m)
            drawn += [p for p in ids if p not in drawn]
        for p in drawn:
            folium.Marker([where.loc[p, "lat"], where.loc[p, "lon"]],
                          tooltip=where.loc[p, "name_en"]).add_to(m)
        return m
''')

MAP_SAME_COLOUR = MAP_ONE_COLOUR_NO_NATIVE.replace(
    'tooltip=where.loc[p, "name_en"]',
    'tooltip=f"{where.loc[p, \'name_en\']} ({where.loc[p, \'name_native\']})"',
)

HAVERSINE_DELEGATES = _src('''
    from peninsula import geo


    def haversine_km(lat1, lon1, lat2, lon2):
        return geo.haversine_km(lat1, lon1, lat2, lon2)
''')

# The same, hidden behind an alias imported outside the function.
HAVERSINE_ALIAS = _src('''
    from peninsula.geo import haversine_km as _course_haversine


    def haversine_km(lat1, lon1, lat2, lon2):
        return _course_haversine(lat1, lon1, lat2, lon2)
''')

CHEAT_PRELUDE = _src('''
    class Anything(float):
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __lt__(self, other): return True
        def __le__(self, other): return True
        def __gt__(self, other): return True
        def __ge__(self, other): return True
        def __sub__(self, other): return Anything(0.0)
        def __rsub__(self, other): return Anything(0.0)
        def __abs__(self): return Anything(0.0)
        def __hash__(self): return 0
''')

# student -> (edits: [(grade_id of a solution cell, new source)], expected failures:
# [(test cell that must score 0, text its output must contain)]). Mistakes in independent parts
# share a student to keep the number of notebooks (and the run time) down.
WRONG = {
    "degrees": ([("haversine_km", HAVERSINE_DEGREES)],
                [("test_haversine_km", "convert every latitude and longitude")]),
    "radius": ([("haversine_km", HAVERSINE_RADIUS)],
               [("test_haversine_km", "mean Earth radius R = 6371.0088 km")]),
    "swapped": ([("haversine_km", HAVERSINE_SWAPPED)],
                [("test_haversine_km", "latitude comes first")]),
    "straight-nonative": (
        [("route_length_km", ROUTE_STRAIGHT), ("trips_map", MAP_ONE_COLOUR_NO_NATIVE)],
        [("test_route_length_km", "straight line from the first to the last stop"),
         ("test_trips_map", "no tooltip containing its native name")],
    ),
    "noerror-onecolour": (
        [("route_length_km", ROUTE_NO_ERROR), ("trips_map", MAP_SAME_COLOUR)],
        [("test_route_length_km", "returned a value instead of raising ValueError"),
         ("test_trips_map", "each line needs its own colour")],
    ),
    "unsorted": ([("route_length_km", ROUTE_UNSORTED)],
                 [("test_route_length_km", "sort the stops by seq")]),
    # Passes every visible check, but only calls the course's reference implementation.
    "delegates": ([("haversine_km", HAVERSINE_DELEGATES)],
                  [("test_haversine_km", "write the formula yourself; peninsula.geo is the "
                                         "course's reference")]),
    "delegates-alias": ([("haversine_km", HAVERSINE_ALIAS)],
                        [("test_haversine_km", "uses the course's own code (peninsula.geo)")]),
    "bothways-lonlat": (
        [("compare_train_flight", COMPARE_BOTH_WAYS), ("trips_map", MAP_LONLAT)],
        [("test_compare_train_flight", "each trip has an outbound and a return leg"),
         ("test_trips_map", "look like [lon, lat]")],
    ),
}


def _cheat(nb):
    """Every answer returns an object that claims to equal anything."""
    nb = with_answer(nb, "haversine_km", CHEAT_PRELUDE + "\n\n"
                     "def haversine_km(lat1, lon1, lat2, lon2):\n    return Anything(1.0)")
    nb = with_answer(nb, "route_length_km",
                     "def route_length_km(route_id, rail_routes, places):\n"
                     "    if route_id == 'no-such-route':\n"
                     "        raise ValueError(route_id)\n"
                     "    return Anything(1.0)")
    nb = with_answer(nb, "compare_train_flight",
                     "def compare_train_flight(legs, rail_routes, places):\n"
                     "    class Table(pd.DataFrame):\n"
                     "        def __eq__(self, other): return True\n"
                     "    return Table({'trip_id': [], 'mode': [], 'distance_km': []})")
    nb = with_answer(nb, "trips_map",
                     "def trips_map(legs, rail_routes, places):\n"
                     "    class AnyMap(folium.Map):\n"
                     "        def __eq__(self, other): return True\n"
                     "    return AnyMap(tiles=None)")
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Generate the assignment in a temp course and autograde all variants in one run."""
    course = make_course(tmp_path_factory.mktemp("ps2"), A)
    solution = solution_notebook(A)
    subs = {"solution": solution, "blank": released_notebook(course, A), "cheat": _cheat(solution)}
    for student, (edits, _) in WRONG.items():
        nb = solution
        for grade_id, source in edits:
            nb = with_answer(nb, grade_id, source)
        subs[student] = nb
    return autograde(course, A, subs)


def test_solution_scores_full_marks(graded):
    assert_full_marks(graded["solution"], 10, AUTO_CELLS)


def test_blank_release_scores_zero(graded):
    assert_scores_zero(graded["blank"], 10, "test_haversine_km", "NotImplementedError")


def test_manual_part_is_left_for_a_person(graded):
    cell = graded["solution"].cells["part-e-distance"]
    assert cell.manual and cell.max_score == 2


@pytest.mark.parametrize(
    ("student", "cell", "message"),
    [(s, c, m) for s, (_, fails) in sorted(WRONG.items()) for c, m in fails],
)
def test_typical_mistake_fails_with_its_message(graded, student, cell, message):
    assert_fails_with(graded[student], cell, message)


def test_mistake_in_one_part_leaves_independent_parts_alone(graded):
    assert_full_score(graded["bothways-lonlat"], ["test_haversine_km", "test_route_length_km"])


def test_always_equal_cheat_earns_nothing(graded):
    assert_scores_zero(graded["cheat"], 10, "test_haversine_km", "changes how it compares")


def test_delegating_answer_passes_the_visible_check_only(graded):
    """The hidden test, not the visible check, catches a call to peninsula.geo."""
    out = graded["delegates"].output("test_haversine_km")
    assert "BEGIN HIDDEN TESTS" not in out
    for student in ("delegates", "delegates-alias"):
        others = ["test_route_length_km", "test_compare_train_flight", "test_trips_map"]
        assert_full_score(graded[student], others)


def test_autograded_solution_keeps_its_hidden_tests(graded):
    nb = graded["solution"].notebooks["ps2-routes"]
    assert "BEGIN HIDDEN TESTS" in find_cell(nb, "test_haversine_km").source
