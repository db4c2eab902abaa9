"""Folium maps of the 2018 visits, the 2019 journeys and a time slider, plus text alternatives.

Every builder returns a ``folium.Map``. Maps work online (OpenStreetMap tiles, assets from
CDNs) or offline (no tiles; bundled country outlines; Leaflet and plugins inlined from the
copies vendored in ``peninsula/assets``). Choose per call with ``offline=True/False`` or set
the environment variable ``PENINSULA_MAPS_OFFLINE=1``; the default is online.

All facts shown (dates, what happened, sources) come from the course data tables through
``peninsula.data``; nothing factual is hard-coded here.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import folium
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.plugins import Timeline, TimelineSlider
from folium.template import Template
from folium.utilities import JsCode

from peninsula import data, geo

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
OFFLINE_ENV = "PENINSULA_MAPS_OFFLINE"

# Okabe & Ito (2008) colour-blind-safe palette (yellow left out: unreadable on light maps).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
EVENT_COLOUR = "#000000"
# Mode is shown by line style as well as by words in the legend and the legs table.
MODE_DASH = {"train": None, "air": "10 7", "car": "2 6"}
MODE_LABEL = {"train": "train (solid line)", "air": "air (dashed arc)", "car": "car (dotted line)"}

TRIPS_2018 = ["2018-03-beijing", "2018-05-dalian", "2018-06-singapore", "2018-06-beijing"]
TRIPS_2019 = ["2019-01-beijing", "2019-02-hanoi", "2019-04-vladivostok"]

ARC_POINTS = 48  # points per flight arc: smooth enough at zoom 3–6, small HTML
COORD_DECIMALS = 4  # ~11 m; plenty for a country-scale map
BASEMAP_DECIMALS = 2  # ~1 km for the offline country outlines

# CDN assets for the online maps (the same pinned versions folium 0.20 uses).
_ONLINE_JS = [
    ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"),
    ("jquery", "https://code.jquery.com/jquery-3.7.1.min.js"),  # folium popups call $()
]
_ONLINE_CSS = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]
# Vendored files for the offline maps, in load order.
_OFFLINE_BASE_JS = ["leaflet@1.9.3/leaflet.js", "jquery@3.7.1/jquery.min.js"]
_OFFLINE_TIMELINE_JS = [
    "moment@2.18.1/moment.min.js",
    "leaflet.timeline@1.6.0/leaflet.timeline.min.js",
]
_OFFLINE_CSS = "leaflet@1.9.3/leaflet.css"

# Event categories shown on maps (sanctions and trade events have their own lessons).
MAP_EVENT_CATEGORIES = ("summit", "diplomacy", "un")

BASEMAP_ATTRIBUTION = (
    "Country outlines: Natural Earth (public domain), borders for orientation only"
)


# --------------------------------------------------------------------------- options


def resolve_offline(offline: bool | None) -> bool:
    """The effective offline flag: the argument if given, else ``$PENINSULA_MAPS_OFFLINE``."""
    if offline is not None:
        return bool(offline)
    raw = os.environ.get(OFFLINE_ENV, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"environment variable {OFFLINE_ENV}={raw!r} is not understood; use 1 or 0")


# --------------------------------------------------------------------------- data access


@dataclass(frozen=True)
class _Tables:
    places: pd.DataFrame
    trips: pd.DataFrame
    legs: pd.DataFrame
    rail_routes: pd.DataFrame
    events: pd.DataFrame


def _tables() -> _Tables:
    """Load the tables the maps need (fresh each call; ``peninsula.data`` may cache)."""
    places = data.load("places")
    return _Tables(
        places=places.set_index("place_id", drop=False),
        trips=data.load("trips").set_index("trip_id", drop=False),
        legs=data.load("legs"),
        rail_routes=data.load("rail_routes"),
        events=data.load("events"),
    )


def _point(t: _Tables, place_id: str, where: str) -> tuple[float, float]:
    if place_id not in t.places.index:
        raise KeyError(f"{where}: place_id {place_id!r} is not in data table 'places'")
    row = t.places.loc[place_id]
    return (float(row["lat"]), float(row["lon"]))


def _text(value: object) -> str:
    """A table cell as text; missing values become ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _place_label(t: _Tables, place_id: str, native: bool = True) -> str:
    """'Name (native name)' for a place id, e.g. 'Dalian (大连)'."""
    row = t.places.loc[place_id]
    name, nat = _text(row["name_en"]), _text(row.get("name_native"))
    return f"{name} ({nat})" if native and nat and nat not in name else name


def _fmt_date(d: object) -> str:
    if d is None or pd.isna(d):
        return ""
    ts = pd.Timestamp(d)
    return f"{ts.day} {ts:%b %Y}"


def _fmt_range(start: object, end: object) -> str:
    """'10 Jun 2018', '12–13 Jun 2018' or '31 May – 1 Jun 2018'."""
    if start is None or pd.isna(start):
        return _fmt_date(end)
    if end is None or pd.isna(end) or pd.Timestamp(end) == pd.Timestamp(start):
        return _fmt_date(start)
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{e.day} {e:%b %Y}"
    if s.year == e.year:
        return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
    return f"{_fmt_date(s)} – {_fmt_date(e)}"


def _leg_dates(depart: object, arrive: object) -> str:
    """Leg dates, saying which end is known when the sources give only one."""
    dep_missing = depart is None or pd.isna(depart)
    arr_missing = arrive is None or pd.isna(arrive)
    if dep_missing and arr_missing:
        return "dates not in the sources"
    if dep_missing:
        return f"arrived {_fmt_date(arrive)}"
    if arr_missing:
        return f"left {_fmt_date(depart)}"
    return _fmt_range(depart, arrive)


def _trip_legs(t: _Tables, trip_id: str) -> pd.DataFrame:
    if trip_id not in t.trips.index:
        raise KeyError(f"trip_id {trip_id!r} is not in data table 'trips'")
    legs = t.legs[t.legs["trip_id"] == trip_id].sort_values("seq")
    return legs


def _leg_path(t: _Tables, leg: pd.Series) -> tuple[list[tuple[float, float]], str]:
    """The drawn path of one leg and how its length is measured."""
    where = f"legs row {leg['leg_id']!r}"
    start, end = leg["from_place"], leg["to_place"]
    mode = _text(leg["mode"])
    if mode not in MODE_DASH:
        raise ValueError(f"{where}: mode {mode!r} is not one of {sorted(MODE_DASH)}")
    route_id = _text(leg.get("route_id"))
    if mode == "train" and route_id:
        stops = t.rail_routes[t.rail_routes["route_id"] == route_id].sort_values("seq")
        if stops.empty:
            raise KeyError(f"{where}: route_id {route_id!r} is not in data table 'rail_routes'")
        ids = list(stops["place_id"])
        if ids[0] != start and ids[-1] == start:
            ids.reverse()  # the same line ridden back
        if ids[0] != start:
            ids.insert(0, start)
        if ids[-1] != end:
            ids.append(end)
        pts = [_point(t, pid, f"rail_routes {route_id!r}") for pid in ids]
        return pts, "straight lines between the listed stations"
    a, b = _point(t, start, where), _point(t, end, where)
    if mode == "air":
        return geo.great_circle_points(*a, *b, n=ARC_POINTS), "great circle"
    if mode == "train":
        return [a, b], "straight line: the stations on the way are not in the data"
    return [a, b], "straight line (the road is longer)"


def _round(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)) for lat, lon in points]


# --------------------------------------------------------------------------- text alternative


def legs_table(map_or_trip_ids: folium.Map | str | Sequence[str]) -> pd.DataFrame:
    """One row per leg: trip, from, to, mode, vehicle, dates, distance_km, measured_as, source.

    Accepts a map built by this module, one trip id or a list of trip ids. Distances are
    computed on the mean sphere along the path drawn on the map (rail: through the listed
    stations, which understates the real track length).
    """
    if isinstance(map_or_trip_ids, folium.Map):
        trip_ids = getattr(map_or_trip_ids, "peninsula_trip_ids", None)
        if trip_ids is None:
            raise ValueError("this map was not built by peninsula.maps: pass trip ids instead")
    elif isinstance(map_or_trip_ids, str):
        trip_ids = [map_or_trip_ids]
    else:
        trip_ids = list(map_or_trip_ids)
    t = _tables()
    rows = []
    for trip_id in trip_ids:
        for _, leg in _trip_legs(t, trip_id).iterrows():
            pts, measured = _leg_path(t, leg)
            rows.append(
                {
                    "trip": _text(t.trips.loc[trip_id, "title"]),
                    "from": _place_label(t, leg["from_place"], native=False),
                    "to": _place_label(t, leg["to_place"], native=False),
                    "mode": _text(leg["mode"]),
                    "vehicle": _text(leg.get("vehicle")),
                    "dates": _leg_dates(leg["depart_date"], leg["arrive_date"]),
                    "distance_km": round(geo.route_length_km(pts), 0),
                    "measured_as": measured,
                    "source": _text(leg.get("source")),
                }
            )
    columns = [
        "trip", "from", "to", "mode", "vehicle", "dates", "distance_km", "measured_as", "source"
    ]
    return pd.DataFrame(rows, columns=columns)


def timeline_table(year: int | None = 2018) -> pd.DataFrame:
    """The features of ``timeline_map`` as a table (its text alternative)."""
    feats = _timeline_features(_tables(), year)
    rows = [
        {
            "start": f["properties"]["start"],
            "end": f["properties"]["last_day"],
            "what": f["properties"]["title"],
            "where": f["properties"]["where"],
            "source": f["properties"]["source"],
        }
        for f in feats
    ]
    return pd.DataFrame(rows, columns=["start", "end", "what", "where", "source"])


# --------------------------------------------------------------------------- map elements


class Legend(MacroElement):
    """A Leaflet control listing coloured line samples with labels (text, not colour alone)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "peninsula-legend");
            div.style.cssText = "background:rgba(255,255,255,0.92);padding:6px 8px;"
                + "font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 0 4px #888;";
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, title: str, entries: list[tuple[str, str, str | None]], position: str = "bottomleft"
    ):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.entries = entries  # (label, colour, dash pattern or None for solid / "dot" marker)
        self.position = position
        self.html = self._html()

    def _html(self) -> str:
        parts = [f"<b>{html.escape(self.title)}</b>"]
        for label, colour, dash in self.entries:
            if dash == "marker":
                sample = (
                    f'<circle cx="18" cy="6" r="5" fill="#ffffff" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
            else:
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                sample = (
                    f'<line x1="0" y1="6" x2="36" y2="6" stroke="{colour}" '
                    f'stroke-width="3"{dash_attr}/>'
                )
            parts.append(
                f'<div><svg width="36" height="12" aria-hidden="true">{sample}</svg> '
                f"{html.escape(label)}</div>"
            )
        return "".join(parts)


class _Attribution(MacroElement):
    """Sets the attribution prefix to a plain Leaflet credit and adds an optional line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {%- if this.text %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {%- endif %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text
        self.prefix = '<a href="https://leafletjs.com">Leaflet</a>'


class _InlineAssets(Element):
    """Leaflet and plugin JS/CSS inlined from the vendored copies (offline maps)."""

    def __init__(self, js_files: list[str], css_file: str):
        super().__init__()
        self._name = "InlineAssets"
        self.js_files = js_files
        self.css_file = css_file

    def render(self, **kwargs) -> str:  # noqa: ARG002 - Element API
        css = _inline_css_images((ASSETS_DIR / self.css_file).read_text(encoding="utf-8"))
        parts = [f"<style>{css}</style>"]
        for name in self.js_files:
            code = (ASSETS_DIR / name).read_text(encoding="utf-8")
            if "</script" in code.lower():
                raise ValueError(f"vendored asset {name} contains '</script' and cannot be inlined")
            parts.append(f"<script>{code}</script>")
        return "\n".join(parts)


def _inline_css_images(css: str) -> str:
    """Replace url(images/x.png) in leaflet.css by data: URIs (or drop unvendored images)."""

    def repl(match: re.Match) -> str:
        path = ASSETS_DIR / "leaflet@1.9.3" / match.group(1)
        if not path.exists():
            return "none"  # marker-icon images: unused (we draw CircleMarkers)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)


def _basemap_geojson() -> dict:
    """The bundled country outlines with coordinates rounded for a compact page."""
    path = data.data_dir() / "countries.geojson"
    try:
        gj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise FileNotFoundError(f"offline basemap {path} is missing") from err
    except json.JSONDecodeError as err:
        raise ValueError(f"offline basemap {path} is not valid JSON: {err}") from err

    def rnd(c):
        if isinstance(c, list | tuple) and c and isinstance(c[0], int | float):
            return [round(float(c[0]), BASEMAP_DECIMALS), round(float(c[1]), BASEMAP_DECIMALS)]
        return [rnd(x) for x in c]

    features = []
    for i, f in enumerate(gj.get("features", [])):
        g = f.get("geometry")
        if not g or "coordinates" not in g:
            raise ValueError(f"offline basemap {path}: feature {i} has no geometry coordinates")
        name = (f.get("properties") or {}).get("name") or (f.get("properties") or {}).get("NAME")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name or ""},
                "geometry": {"type": g["type"], "coordinates": rnd(g["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


class _CourseFigure(Figure):
    """A branca Figure whose page has a language and a title, and whose iframe is named.

    Screen readers announce the iframe's title; axe-core requires both (rules frame-title,
    document-title, html-has-lang).
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )

    def _repr_html_(self, **kwargs) -> str:
        iframe = super()._repr_html_(**kwargs)
        label = html.escape(f"{self.title} (a text version follows the map)", quote=True)
        return iframe.replace("<iframe ", f'<iframe title="{label}" ', 1)


def _base_map(offline: bool, title: str, uses_timeline: bool = False) -> folium.Map:
    """An empty map with per-instance assets (never the global add_js_link).

    jQuery is loaded only for maps with folium Popups (their template calls ``$()``); the
    timeline map binds its pop-ups in plain JavaScript and goes without.
    """
    needs_jquery = not uses_timeline
    figure = _CourseFigure(title=f"Map: {title}")
    if offline:
        m = folium.Map(location=(35, 120), zoom_start=4, tiles=None, control_scale=True)
        m.add_to(figure)
        m.default_js = []
        m.default_css = []
        js = [name for name in _OFFLINE_BASE_JS if needs_jquery or "jquery" not in name]
        js += _OFFLINE_TIMELINE_JS if uses_timeline else []
        m.get_root().header.add_child(_InlineAssets(js, _OFFLINE_CSS), name="peninsula_assets")
        outlines = _basemap_geojson()
        if outlines["features"]:
            folium.GeoJson(
                outlines,
                name="Country outlines",
                control=False,
                style_function=lambda _f: {
                    "color": "#777777",
                    "weight": 1,
                    "fillColor": "#eeeeee",
                    "fillOpacity": 1,
                },
                tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            ).add_to(m)
    else:
        m = folium.Map(location=(35, 120), zoom_start=4, tiles="OpenStreetMap", control_scale=True)
        m.add_to(figure)
        m.default_js = [(k, url) for k, url in _ONLINE_JS if needs_jquery or k != "jquery"]
        m.default_css = list(_ONLINE_CSS)
    _Attribution(BASEMAP_ATTRIBUTION if offline else "").add_to(m)
    m.peninsula_offline = offline
    return m


def _escape(value: object) -> str:
    return html.escape(_text(value))


def _popup_html(t: _Tables, place_id: str, trip: pd.Series | None, lines: list[str]) -> str:
    head = f"<b>{_escape(_place_label(t, place_id))}</b>"
    if trip is not None:
        dates = _fmt_range(trip["start_date"], trip["end_date"])
        head += f"<br><i>{_escape(trip['title'])}, {dates}</i>"
    return head + "".join(f"<br>{line}" for line in lines)


def _map_events(t: _Tables) -> pd.DataFrame:
    """Events that belong on a map: a mapped place, a map category, not a trip itself."""
    ev = t.events
    ev = ev[ev["category"].isin(MAP_EVENT_CATEGORIES) & ev["place_id"].isin(t.places.index)]
    ends = ev["end_date"].fillna(ev["start_date"])
    trip_spans = {
        (pd.Timestamp(s), pd.Timestamp(e))
        for s, e in zip(t.trips["start_date"], t.trips["end_date"], strict=True)
    }
    is_trip = [
        (pd.Timestamp(s), pd.Timestamp(e)) in trip_spans
        for s, e in zip(ev["start_date"], ends, strict=True)
    ]
    return ev[~pd.Series(is_trip, index=ev.index) & (ev["category"] != "visit")]


def _events_in(t: _Tables, start: object, end: object) -> pd.DataFrame:
    """Map events overlapping [start, end] (an open-ended trip counts its first day only)."""
    ev = _map_events(t)
    ev_end = ev["end_date"].fillna(ev["start_date"])
    last = start if end is None or pd.isna(end) else end
    mask = (ev["start_date"] <= pd.Timestamp(last)) & (ev_end >= pd.Timestamp(start))
    return ev[mask]


def _event_line(ev: pd.Series) -> str:
    details = _text(ev.get("details"))
    return (
        f"{_fmt_range(ev['start_date'], ev['end_date'])}: <b>{_escape(ev['title'])}</b>"
        + (f" — {_escape(details)}" if details else "")
        + f" <small>(source: {_escape(ev.get('source'))})</small>"
    )


def _add_trip_layer(m: folium.Map, t: _Tables, trip_id: str, colour: str) -> folium.FeatureGroup:
    """One FeatureGroup named after the trip: legs as lines/arcs, places as CircleMarkers."""
    trip = t.trips.loc[trip_id]
    fg = folium.FeatureGroup(name=_text(trip["title"]))
    fg.peninsula_trip_id = trip_id
    legs = _trip_legs(t, trip_id)
    visits: dict[str, list[str]] = {}
    drawn: set[tuple[str, str, str]] = set()
    for _, leg in legs.iterrows():
        pts, _measured = _leg_path(t, leg)
        mode = _text(leg["mode"])
        # A return leg over the same path is drawn in the outbound direction, so that the
        # two dash patterns coincide instead of filling each other's gaps into a solid line.
        key = (leg["from_place"], leg["to_place"], mode)
        reversed_for_drawing = (key[1], key[0], mode) in drawn
        drawn.add(key)
        if reversed_for_drawing:
            pts = pts[::-1]
        vehicle = _text(leg.get("vehicle"))
        when = _leg_dates(leg["depart_date"], leg["arrive_date"])
        desc = (
            f"{_place_label(t, leg['from_place'], native=False)} → "
            f"{_place_label(t, leg['to_place'], native=False)}, {mode}"
            + (f" ({vehicle})" if vehicle else "")
            + f", {when}"
        )
        line = folium.PolyLine(
            _round(pts),
            color=colour,
            weight=4 if mode == "train" else 3,
            opacity=0.9,
            dash_array=MODE_DASH[mode],
            tooltip=desc,
        )
        line.peninsula_leg_id = _text(leg["leg_id"])
        line.peninsula_reversed_for_drawing = reversed_for_drawing
        line.add_to(fg)
        src = f" <small>(source: {_escape(leg.get('source'))})</small>"
        visits.setdefault(leg["from_place"], []).append(f"Departed {_escape(desc)}{src}")
        visits.setdefault(leg["to_place"], []).append(f"Arrived {_escape(desc)}{src}")
    events = _events_in(t, trip["start_date"], trip["end_date"])
    for _, ev in events.iterrows():
        if ev["place_id"] in t.places.index:
            visits.setdefault(ev["place_id"], []).append(_event_line(ev))
    summary = _text(trip.get("summary"))
    for place_id, lines in visits.items():
        if summary:
            lines = lines + [
                f"About the visit: {_escape(summary)} "
                f"<small>(source: {_escape(trip.get('source'))})</small>"
            ]
        marker = folium.CircleMarker(
            location=_round([_point(t, place_id, f"trip {trip_id!r}")])[0],
            radius=6,
            color=colour,
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=0.6,
            tooltip=_place_label(t, place_id),
            popup=folium.Popup(_popup_html(t, place_id, trip, lines), max_width=340),
        )
        marker.peninsula_place_id = place_id
        marker.add_to(fg)
    fg.add_to(m)
    return fg


def _journeys_map(
    t: _Tables,
    trip_ids: list[str],
    title: str,
    offline: bool | None,
    extra_events: pd.DataFrame | None,
) -> folium.Map:
    off = resolve_offline(offline)
    m = _base_map(off, title)
    m.peninsula_trip_ids = list(trip_ids)
    entries: list[tuple[str, str, str | None]] = []
    bounds: list[tuple[float, float]] = []
    for i, trip_id in enumerate(trip_ids):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        fg = _add_trip_layer(m, t, trip_id, colour)
        entries.append((fg.layer_name, colour, None))
        for child in fg._children.values():
            bounds.extend(getattr(child, "locations", []) or [])
            if isinstance(child, folium.CircleMarker):
                bounds.append(tuple(child.location))
    if extra_events is not None and not extra_events.empty:
        fg = folium.FeatureGroup(name="Other events")
        for _, ev in extra_events.iterrows():
            pid = ev["place_id"]
            if pd.isna(pid) or pid not in t.places.index:
                continue
            marker = folium.CircleMarker(
                location=_round([_point(t, pid, f"events row {ev['event_id']!r}")])[0],
                radius=7,
                color=EVENT_COLOUR,
                weight=2,
                fill=True,
                fill_color="#ffffff",
                fill_opacity=0.9,
                tooltip=f"{_text(ev['title'])} ({_fmt_range(ev['start_date'], ev['end_date'])})",
                popup=folium.Popup(_popup_html(t, pid, None, [_event_line(ev)]), max_width=340),
            )
            marker.peninsula_event_id = _text(ev["event_id"])
            marker.add_to(fg)
            bounds.append(tuple(marker.location))
        fg.add_to(m)
        entries.append(("other events (white circle)", EVENT_COLOUR, "marker"))
    for mode in ("train", "air", "car"):
        entries.append((MODE_LABEL[mode], "#444444", MODE_DASH[mode]))
    Legend(title, entries).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    if bounds:
        lats = [p[0] for p in bounds]
        lons = [p[1] for p in bounds]
        m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(20, 20))
    return m


def journeys_2018_map(offline: bool | None = None) -> folium.Map:
    """Kim Jong-un's four 2018 journeys (three to China, one to Singapore), one layer each."""
    return _journeys_map(_tables(), TRIPS_2018, "Journeys in 2018", offline, extra_events=None)


def continuation_2019_map(offline: bool | None = None) -> folium.Map:
    """The 2019 journeys (Beijing, Hanoi via China, Vladivostok) and other 2019 events."""
    t = _tables()
    trip_ids = [tid for tid in TRIPS_2019 if tid in t.trips.index]
    ev = _map_events(t)
    in_2019 = ev[ev["start_date"].dt.year == 2019]
    # Events already covered by a trip layer's markers are not repeated.
    covered = pd.Series(False, index=in_2019.index)
    for tid in trip_ids:
        trip = t.trips.loc[tid]
        during = _events_in(t, trip["start_date"], trip["end_date"])
        covered |= in_2019["event_id"].isin(during["event_id"])
    title = "Journeys and meetings in 2019"
    return _journeys_map(t, trip_ids, title, offline, in_2019[~covered])


# --------------------------------------------------------------------------- timeline


def _timeline_features(t: _Tables, year: int | None) -> list[dict]:
    """GeoJSON features with start/end (end exclusive, next day) for trips and events."""
    feats: list[dict] = []

    def keep(start: pd.Timestamp) -> bool:
        return year is None or start.year == year

    for i, (trip_id, trip) in enumerate(t.trips.sort_values("start_date").iterrows()):
        start, end = pd.Timestamp(trip["start_date"]), pd.Timestamp(trip["end_date"])
        if pd.isna(start) or not keep(start):
            continue
        lines = []
        for _, leg in _trip_legs(t, trip_id).iterrows():
            pts, _ = _leg_path(t, leg)
            lines.append([[lon, lat] for lat, lon in _round(pts)])
        if not lines:
            continue
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiLineString", "coordinates": lines},
                "properties": {
                    "start": f"{start:%Y-%m-%d}",
                    "end": f"{(end if not pd.isna(end) else start) + timedelta(days=1):%Y-%m-%d}",
                    "last_day": f"{(end if not pd.isna(end) else start):%Y-%m-%d}",
                    "title": _text(trip["title"]),
                    "where": _trip_destinations(t, trip_id),
                    "source": _text(trip.get("source")),
                    "colour": OKABE_ITO[i % len(OKABE_ITO)],
                    "kind": "trip",
                    "trip_id": trip_id,
                },
            }
        )
    covered = {  # (event_id) shown as part of a trip: same place as a leg, within its dates
        ev_id
        for trip_id, trip in t.trips.iterrows()
        for ev_id, pid, cat in _events_in(t, trip["start_date"], trip["end_date"])[
            ["event_id", "place_id", "category"]
        ].itertuples(index=False)
        if cat != "summit"
        and pid in set(_trip_legs(t, trip_id)[["from_place", "to_place"]].to_numpy().ravel())
    }
    for _, ev in _map_events(t).sort_values("start_date").iterrows():
        start = pd.Timestamp(ev["start_date"])
        end = pd.Timestamp(ev["end_date"]) if not pd.isna(ev["end_date"]) else start
        pid = ev["place_id"]
        if not keep(start) or ev["event_id"] in covered:
            continue
        lat, lon = _round([_point(t, pid, f"events row {ev['event_id']!r}")])[0]
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "start": f"{start:%Y-%m-%d}",
                    "end": f"{end + timedelta(days=1):%Y-%m-%d}",
                    "last_day": f"{end:%Y-%m-%d}",
                    "title": _text(ev["title"]),
                    "where": _place_label(t, pid, native=False),
                    "source": _text(ev.get("source")),
                    "colour": EVENT_COLOUR,
                    "kind": "event",
                },
            }
        )
    feats.sort(key=lambda f: f["properties"]["start"])
    return feats


def _trip_destinations(t: _Tables, trip_id: str) -> str:
    """Places a trip went to (every leg end except the place it started from)."""
    legs = _trip_legs(t, trip_id)
    origin = legs["from_place"].iloc[0]
    ends = dict.fromkeys(p for p in legs["to_place"] if p != origin)
    return "; ".join(_place_label(t, p, native=False) for p in ends)


_POINT_TO_LAYER = JsCode(
    """
    function (feature, latlng) {
        return L.circleMarker(latlng, {radius: 7, color: feature.properties.colour,
                                       weight: 2, fillColor: "#ffffff", fillOpacity: 0.9});
    }
    """
)
_STYLE = JsCode(
    """
    function (feature) {
        return {color: feature.properties.colour, weight: 3, opacity: 0.9};
    }
    """
)
_ON_EACH = JsCode(
    """
    function (feature, layer) {
        var p = feature.properties, div = document.createElement("div");
        var b = document.createElement("b"); b.textContent = p.title; div.appendChild(b);
        div.appendChild(document.createElement("br"));
        div.appendChild(document.createTextNode(p.start + " to " + p.last_day + ", " + p.where));
        div.appendChild(document.createElement("br"));
        var s = document.createElement("small"); s.textContent = "Source: " + p.source;
        div.appendChild(s);
        layer.bindPopup(div);
        layer.bindTooltip(p.title + " (" + p.start + ")");
    }
    """
)


def timeline_map(offline: bool | None = None, year: int | None = 2018) -> folium.Map:
    """A time slider over the trips (lines) and related events (points) of ``year``."""
    off = resolve_offline(offline)
    t = _tables()
    feats = _timeline_features(t, year)
    if not feats:
        raise ValueError(f"no trips or events with places in year {year!r}")
    heading = f"Trips and events {year or ''}".strip()
    m = _base_map(off, heading, uses_timeline=True)
    timeline = Timeline(
        {"type": "FeatureCollection", "features": feats},
        style=_STYLE,
        pointToLayer=_POINT_TO_LAYER,
        onEachFeature=_ON_EACH,
    )
    slider = TimelineSlider(
        auto_play=False,
        date_options="D MMM YYYY",
        enable_keyboard_controls=True,
        show_ticks=True,
        playback_duration=20000,
    )
    if off:  # assets are inlined by _InlineAssets instead of CDN links
        timeline.default_js = []
        slider.default_js = []
    timeline.add_to(m)
    slider.add_timelines(timeline).add_to(m)
    m.peninsula_features = feats
    m.peninsula_trip_ids = [
        tid for tid in t.trips.sort_values("start_date").index
        if any(f["properties"]["kind"] == "trip" and f["properties"].get("trip_id") == tid
               for f in feats)
    ]
    entries = [
        (f["properties"]["title"], f["properties"]["colour"], None)
        for f in feats
        if f["properties"]["kind"] == "trip"
    ]
    entries.append(("other event (circle)", EVENT_COLOUR, "marker"))
    Legend(heading, entries, position="topright").add_to(m)
    lats = [c[1] for f in feats for c in _coords(f["geometry"])]
    lons = [c[0] for f in feats for c in _coords(f["geometry"])]
    m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(20, 20))
    return m


def _coords(geometry: dict) -> list[list[float]]:
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    return [c for line in geometry["coordinates"] for c in line]


__all__ = [
    "OKABE_ITO",
    "Legend",
    "continuation_2019_map",
    "journeys_2018_map",
    "legs_table",
    "resolve_offline",
    "timeline_map",
    "timeline_table",
]
