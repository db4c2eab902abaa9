"""Drive the explorers as a student would: set a control's value, read the outputs."""

from __future__ import annotations

import base64
import html as html_lib
import re

import ipywidgets as widgets
import pandas as pd
import pytest

from peninsula import sanctions as sx
from peninsula import trade as tr
from peninsula.widgets import SanctionsExplorer, TradeExplorer, html_table


@pytest.fixture(scope="module")
def model() -> sx.SanctionsModel:
    return sx.SanctionsModel.from_data()


@pytest.fixture()
def explorer(model) -> SanctionsExplorer:
    return SanctionsExplorer(model)


def _month(e: SanctionsExplorer, label: str) -> pd.Timestamp:
    return dict(e.date_slider.options)[label]


def _png(html: str) -> bytes:
    found = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert found, "no inline PNG in the chart widget"
    png = base64.b64decode(found.group(1))
    assert png.startswith(b"\x89PNG"), "the chart is not a PNG"
    return png


def _overlay_x(html: str, element: str) -> float:
    """x position of the date marker (line) or highlighted period (rect) drawn over the chart."""
    found = re.search(rf'<{element} class="\w+" x1?="([\d.]+)"', html)
    assert found, f"no <{element}> mark over the chart"
    return float(found.group(1))


def _alt(html: str) -> str:
    found = re.search(r'alt="([^"]+)"', html)
    assert found, "the chart image has no alt text"
    return html_lib.unescape(found.group(1))


def _controls(box: widgets.Widget) -> list[widgets.Widget]:
    out = []
    for child in getattr(box, "children", ()):
        if isinstance(child, widgets.Box):
            out += _controls(child)
        elif isinstance(child, widgets.ValueWidget) and not isinstance(
            child, widgets.HTML | widgets.Label
        ):
            out.append(child)
    return out


def test_slider_covers_2006_10_to_2024_12(explorer):
    labels = [label for label, _ in explorer.date_slider.options]
    assert labels[0] == "Oct 2006" and labels[-1] == "Dec 2024"
    assert explorer.date_slider.options[-1][1] == pd.Timestamp("2024-12-31")


def test_moving_the_date_updates_table_chart_and_summary(explorer, model):
    explorer.date_slider.value = _month(explorer, "Jul 2017")
    before_table = explorer.table_html.value
    before_x = _overlay_x(explorer.chart_html.value, "line")
    explorer.date_slider.value = _month(explorer, "Jan 2018")
    table = explorer.table_html.value
    assert table != before_table
    assert "Measures in force on 31 Jan 2018" in table
    expected = model.in_force("2018-01-31")
    assert f"({len(expected)} in the chosen categories)" in table
    assert "<td>2397</td>" in table
    assert _overlay_x(explorer.chart_html.value, "line") > before_x  # the marker moved right
    _png(explorer.chart_html.value)
    alt = _alt(explorer.chart_html.value)
    assert "31 Jan 2018" in alt and "500,000" in alt and "2397" in alt
    assert "31 Jan 2018" in explorer.summary.value


def test_date_follows_to_latest_resolution_and_back(explorer):
    explorer.date_slider.value = _month(explorer, "Sep 2017")
    assert explorer.resolution_dropdown.value == 2375
    explorer.resolution_dropdown.value = 2397
    assert explorer.date == pd.Timestamp("2017-12-31")
    assert "What resolution 2397 changed since resolution 2375" in explorer.changes_html.value
    assert "refined_petroleum" in explorer.changes_html.value


def test_category_boxes_filter_the_table(explorer, model):
    explorer.date_slider.value = _month(explorer, "Sep 2017")
    assert "<td>coal</td>" in explorer.table_html.value
    explorer.category_boxes["coal"].value = False
    assert "<td>coal</td>" not in explorer.table_html.value
    explorer.all_box.value = False
    assert "(0 in the chosen categories)" in explorer.table_html.value
    explorer.category_boxes["textiles"].value = True
    assert "<td>textiles</td>" in explorer.table_html.value
    assert "<td>coal</td>" not in explorer.table_html.value


def test_chart_text_alternative_names_the_caps(explorer):
    explorer.date_slider.value = _month(explorer, "Dec 2017")
    text = explorer.chart_text.value
    assert "Text alternative" in text and "2375" in text and "500,000" in text


def test_every_control_is_labelled(explorer):
    controls = _controls(explorer)
    assert len(controls) >= 3 + len(explorer.category_boxes)
    for c in controls:
        assert c.description.strip(), f"{type(c).__name__} without a description"
        assert c.description_allow_html is False


@pytest.fixture(scope="module")
def trade_explorer() -> TradeExplorer:
    return TradeExplorer()


def test_trade_explorer_annual_and_monthly(trade_explorer):
    e = trade_explorer
    e.mode_toggle.value = "annual"
    e.source_dropdown.value = "GAC"
    e.period_slider.value = "2018"
    gac = tr.annual("GAC").set_index("year")
    assert e.summary.value.startswith("2018")
    assert tr.fmt_value(gac.at[2018, 'total']) in e.summary.value
    assert "GAC" in _alt(e.chart_html.value)
    assert tr.fmt_value(gac.at[2018, 'total']) in e.text_html.value
    e.mode_toggle.value = "monthly"
    assert [v for _, v in e.source_dropdown.options][0] == "GAC"
    labels = [label for label, _ in e.period_slider.options]
    assert "Jan 2018" in labels
    e.period_slider.value = "2018-01"
    monthly = tr.monthly("GAC").set_index("period")
    assert tr.fmt_value(monthly.at[pd.Timestamp('2018-01-01'), 'total']) in e.summary.value
    e.mode_toggle.value = "annual"


def test_trade_explorer_source_switch_and_highlight(trade_explorer):
    e = trade_explorer
    e.mode_toggle.value = "annual"
    e.source_dropdown.value = "all"
    e.period_slider.value = "2018"
    assert "GAC" in e.summary.value and "KOTRA" in e.summary.value
    x_2018 = _overlay_x(e.chart_html.value, "rect")
    e.period_slider.value = "2017"
    assert _overlay_x(e.chart_html.value, "rect") < x_2018
    assert e.summary.value.startswith("2017")
    e.source_dropdown.value = "KOTRA"
    assert "KOTRA" in e.text_html.value
    for c in _controls(e):
        assert c.description.strip()


def test_html_table_escapes_and_has_header_scope():
    frame = pd.DataFrame({"a<b": ["<script>"], "n": [1.5]})
    out = html_table(frame, "Caption & more")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<th scope="col">a&lt;b</th>' in out and "Caption &amp; more" in out


def test_marker_hidden_outside_the_chart_range_and_alt_says_so(explorer):
    explorer.date_slider.value = _month(explorer, "Jun 2010")
    assert '<line class="marker"' not in explorer.chart_html.value
    assert "outside the chart's range" in _alt(explorer.chart_html.value)
    assert "no cap" in _alt(explorer.chart_html.value)
