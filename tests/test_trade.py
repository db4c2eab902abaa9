"""Trade accessors, computed changes, and charts with their text alternatives."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from peninsula import data
from peninsula import trade as tr


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return data.load("trade")


def _published(raw: pd.DataFrame, year: int, flow: str, publisher: str = "GAC") -> float:
    rows = raw[(raw["period_type"] == "year") & (raw["year"] == year) & (raw["flow"] == flow)
               & (raw["publisher"] == publisher) & (raw["unit"] == "usd_million")]
    assert len(rows) == 1, f"expected one {publisher} {year} {flow} row, found {len(rows)}"
    return float(rows["value"].iloc[0])


def test_annual_is_one_row_per_publisher_and_year(raw):
    a = tr.annual()
    assert not a.duplicated(["publisher", "year"]).any()
    assert {"GAC", "KOTRA"} <= set(a["publisher"])
    gac = tr.annual("GAC").set_index("year")
    assert gac.at[2018, "total"] == _published(raw, 2018, "total")
    assert gac.at[2018, "china_imports"] == _published(raw, 2018, "china_imports")


def test_2018_fall_is_computed_from_the_data(raw):
    """Chinese customs: total about −51%, imports from the DPRK about −88% (Reuters, Jan 2019)."""
    total = tr.percent_change("total", 2017, 2018)
    imports = tr.percent_change("china_imports", 2017, 2018)
    expected_total = (_published(raw, 2018, "total") / _published(raw, 2017, "total") - 1) * 100
    assert total == pytest.approx(expected_total)
    # the course data must agree with the published rates to within rounding/revisions
    assert -55 < total < -48
    assert -90 < imports < -85


def test_monthly_gac_2018(raw):
    m = tr.monthly("GAC")
    assert m["period"].is_monotonic_increasing
    jan = m[m["period"] == pd.Timestamp("2018-01-01")]
    rows = raw[(raw["period_type"] == "month") & (raw["year"] == 2018) & (raw["month"] == 1)
               & (raw["publisher"] == "GAC") & (raw["flow"] == "total")]
    assert float(jan["total"].iloc[0]) == float(rows["value"].iloc[0])


def test_compare_sources_2018_shows_gac_and_kotra_disagree():
    c = tr.compare_sources(2018)
    totals = c[(c["period_type"] == "year") & (c["flow"] == "total")
               & (c["unit"] == "usd_million")].set_index("publisher")["value"]
    assert totals["GAC"] != totals["KOTRA"]
    assert {"source", "confidence", "derived"} <= set(c.columns)


def test_errors_name_the_bad_value():
    with pytest.raises(ValueError, match=r"Unknown publisher 'KOTR'\. Did you mean 'KOTRA'"):
        tr.annual("KOTR")
    with pytest.raises(ValueError, match="No trade figures for year 1990"):
        tr.compare_sources(1990)
    with pytest.raises(ValueError, match="Unknown flow 'exports'"):
        tr.percent_change("exports", 2017, 2018)


def _okabe_ito(color) -> bool:
    palette = {mcolors.to_hex(c) for c in tr.OKABE_ITO.values()}
    return mcolors.to_hex(color) in palette


def test_annual_chart_marks_resolutions_and_visits_and_uses_safe_colours():
    fig = tr.annual_chart("GAC")
    ax = fig.axes[0]
    assert ax.get_title() and "US$ million" in ax.get_ylabel() and ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "UN resolution adopted" in labels and "Kim Jong-un in China" in labels
    assert all(_okabe_ito(line.get_color()) for line in ax.lines)
    styles = {(line.get_linestyle(), line.get_marker()) for line in ax.lines
              if line.get_label() in tr.FLOW_LABELS.values()}
    assert len(styles) == len([f for f in tr.FLOWS if tr.annual("GAC")[f].notna().any()])
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "2397" in texts and "2371" in texts


def test_annual_chart_text_carries_the_figures():
    text = tr.annual_chart_text("GAC")
    gac = tr.annual("GAC").set_index("year")
    assert tr.fmt_value(gac.at[2018, 'total']) in text
    assert "%" in text  # the sentence states the computed change
    both = tr.annual_chart_text()
    assert "GAC total" in both and "KOTRA total" in both


def test_monthly_chart_and_text():
    fig = tr.monthly_chart("GAC")
    ax = fig.axes[0]
    assert "US$ million" in ax.get_ylabel()
    text = tr.monthly_chart_text("GAC")
    m = tr.monthly("GAC")
    assert tr.fmt_value(m['total'].dropna().iloc[0]) in text
    assert text.count("\n| 20") == len(m)
