"""The sanctions model: the course data's key facts, the rules, and clear errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from peninsula import sanctions as sx

# ----------------------------------------------------------- the real course data


@pytest.fixture(scope="module")
def model() -> sx.SanctionsModel:
    return sx.SanctionsModel.from_data()


def test_refined_petroleum_cap_in_2018_is_2397s_500000_barrels(model):
    cap = model.cap_on("refined_petroleum", "2018-01-02")
    assert cap is not None
    assert cap.resolution == 2397
    assert cap.value == 500_000
    assert "barrel" in cap.unit.lower()
    assert cap.paragraph == "5"  # verified by the USUN fact sheet (OP5)


def test_refined_petroleum_cap_in_december_2017_is_2375s(model):
    cap = model.cap_on("refined_petroleum", "2017-12-01")
    assert cap is not None
    assert cap.resolution == 2375
    assert cap.value == 500_000
    # 2375's paragraph number is not verified: the model must not invent one
    assert cap.paragraph == sx.UNVERIFIED


def test_no_refined_petroleum_cap_before_2375(model):
    assert model.cap_on("refined_petroleum", "2017-09-10") is None


def test_2375s_two_million_barrel_cap_never_applies(model):
    for day in ("2018-01-01", "2018-06-30", "2019-12-31"):
        cap = model.cap_on("refined_petroleum", day)
        assert cap is not None and cap.value != 2_000_000, day


def test_crude_oil_cap_from_2397(model):
    cap = model.cap_on("crude_oil", "2018-03-01")
    assert cap is not None
    assert cap.resolution == 2397
    assert cap.value == 4_000_000
    assert cap.alt_value == 525_000


def test_coal_fully_banned_from_2371_not_the_day_before(model):
    before = model.is_banned("coal", "2017-08-04")
    after = model.is_banned("coal", "2017-08-05")
    assert not before.banned
    assert after.banned
    assert after.resolution == 2371
    assert "2371" in after.note
    # the day before, coal was restricted (2321's cap), not free
    assert before.resolution is not None and "not fully banned" in before.note


def test_textiles_banned_only_from_2375(model):
    assert not model.is_banned("textiles", "2017-09-10").banned
    result = model.is_banned("textiles", dt.date(2017, 9, 11))
    assert result.banned and result.resolution == 2375
    assert result.paragraph == sx.UNVERIFIED


def test_workers_are_not_a_ban_but_the_note_names_the_measures(model):
    result = model.is_banned("workers", "2018-01-02")
    assert not result.banned
    assert "2397" in result.note and "workers" in result.note


def test_dates_accept_several_types(model):
    a = model.in_force("2018-01-02")
    for day in (dt.date(2018, 1, 2), dt.datetime(2018, 1, 2, 15, 30), pd.Timestamp("2018-01-02")):
        pd.testing.assert_frame_equal(model.in_force(day), a)


def test_in_force_lists_2397_workers_and_hides_unverified_paragraph_numbers(model):
    table = model.in_force("2018-06-20")
    assert {"resolution", "paragraph", "description", "source"} <= set(table.columns)
    workers = table[(table["resolution"] == 2397) & (table["category"] == "workers")]
    assert not workers.empty and (workers["paragraph"] == "8").any()
    # every paragraph is either a verified number or the word UNVERIFIED, never blank
    assert (table["paragraph"].str.len() > 0).all()
    raw = model.measures.set_index("measure_id")["paragraph"]
    for _, row in table.iterrows():
        if pd.isna(raw[row["measure_id"]]) or raw[row["measure_id"]] == "":
            assert row["paragraph"] == sx.UNVERIFIED


def test_in_force_grows_through_2017(model):
    sizes = [len(model.in_force(d)) for d in ("2016-01-01", "2017-01-01", "2018-01-02")]
    assert sizes[0] < sizes[1] < sizes[2]


def test_changes_with_2397_replaces_2375s_petroleum_cap(model):
    table = model.changes_with(2397)
    new = table[table["change"] == "new"]
    assert set(new["resolution"]) == {2397}
    replaced = table[table["change"] == "replaced"]
    assert "refined_petroleum" in set(replaced["category"])


def test_changes_between_dates_include_the_coal_ban(model):
    table = model.changes("2017-08-01", "2017-08-31")
    coal = table[(table["category"] == "coal") & (table["change"] == "in force")]
    assert list(coal["resolution"]) == [2371]
    assert coal["date"].iloc[0] == pd.Timestamp("2017-08-05")


def test_cap_series_steps_for_refined_petroleum(model):
    s = model.cap_series("refined_petroleum", "2017-01-01", "2018-12-31")
    steps = s.iloc[:-1]
    assert list(steps["capped"]) == [False, True, True]
    assert list(steps["date"]) == [pd.Timestamp(d) for d in
                                   ("2017-01-01", "2017-10-01", "2018-01-01")]
    assert list(steps["resolution"].iloc[1:]) == [2375, 2397]
    assert s["date"].iloc[-1] == pd.Timestamp("2018-12-31")


def test_export_ban_timeline_shows_the_coal_ratchet(model):
    t = model.export_ban_timeline().set_index("category")
    coal = t.loc["coal"]
    assert coal["first_resolution"] == 2270
    assert coal["first_step"] == "partial"
    assert coal["full_ban_resolution"] == 2371
    assert coal["full_ban_date"] == pd.Timestamp("2017-08-05")
    assert t.loc["textiles", "full_ban_resolution"] == 2375


def test_unknown_category_names_it_and_suggests(model):
    with pytest.raises(ValueError) as err:
        model.cap_on("refined_petrolium", "2018-01-02")
    text = str(err.value)
    assert "'refined_petrolium'" in text
    assert "Did you mean 'refined_petroleum'" in text
    assert "coal" in text  # the valid options are listed


@pytest.mark.parametrize("day", ["2006-10-13", "2025-01-01", "1999-01-01"])
def test_dates_outside_the_data_are_refused(model, day):
    with pytest.raises(ValueError) as err:
        model.in_force(day)
    text = str(err.value)
    assert day in text and "2006-10-14" in text and "2024-12-31" in text


def test_bad_date_and_resolution_messages(model):
    with pytest.raises(ValueError, match="'not a date'"):
        model.is_banned("coal", "not a date")
    with pytest.raises(ValueError, match=r"Unknown resolution 2398\. Did you mean '2397'"):
        model.changes_with(2398)


# ----------------------------------------------- the rules, on a small made-up table
def _frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["measure_id", "resolution", "paragraph", "paragraph_note", "kind", "direction",
            "category", "description", "cap_value", "cap_unit", "cap_alt_value",
            "cap_alt_unit", "in_force_from", "in_force_until", "superseded_by", "source"]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows])
    for c in ("in_force_from", "in_force_until"):
        df[c] = pd.to_datetime(df[c])
    for c in ("cap_value", "cap_alt_value"):
        df[c] = df[c].astype("float64")
    df["resolution"] = df["resolution"].astype("Int64")
    return df


RES = pd.DataFrame({
    "resolution": pd.array([1, 2, 3], dtype="Int64"),
    "adopted": pd.to_datetime(["2010-01-01", "2011-06-15", "2012-03-01"]),
})


def _m(rows):
    return sx.SanctionsModel(_frame(rows), RES, start="2010-01-01", end="2013-12-31")


def test_superseded_measure_stops_the_day_its_successor_starts():
    m = _m([
        {"measure_id": "a", "resolution": 1, "kind": "cap", "direction": "supply_to_dprk",
         "category": "fuel", "cap_value": 10, "cap_unit": "t", "in_force_from": "2010-01-01",
         "superseded_by": "b", "source": "s", "description": "A"},
        {"measure_id": "b", "resolution": 2, "kind": "cap", "direction": "supply_to_dprk",
         "category": "fuel", "cap_value": 5, "cap_unit": "t", "in_force_from": "2011-07-01",
         "source": "s", "description": "B", "paragraph": "4"},
    ])
    assert m.cap_on("fuel", "2011-06-30").value == 10
    assert m.cap_on("fuel", "2011-07-01").value == 5
    assert str(m.cap_on("fuel", "2011-07-01")) == "5 t (resolution 2, paragraph 4)"
    changes = m.changes("2011-01-01", "2011-12-31")
    assert list(changes["change"]) == ["replaced", "in force"]


def test_until_date_is_inclusive_and_never_effective_measures_are_skipped():
    m = _m([
        {"measure_id": "a", "resolution": 1, "kind": "cap", "category": "fuel",
         "direction": "supply_to_dprk", "cap_value": 1, "cap_unit": "t",
         "in_force_from": "2010-01-01", "in_force_until": "2010-12-31", "source": "s"},
        {"measure_id": "b", "resolution": 2, "kind": "cap", "category": "fuel",
         "direction": "supply_to_dprk", "cap_value": 2, "cap_unit": "t",
         "in_force_from": "2012-01-01", "superseded_by": "c", "source": "s"},
        {"measure_id": "c", "resolution": 3, "kind": "cap", "category": "fuel",
         "direction": "supply_to_dprk", "cap_value": 3, "cap_unit": "t",
         "in_force_from": "2012-01-01", "source": "s"},
    ])
    assert m.cap_on("fuel", "2010-12-31").value == 1
    assert m.cap_on("fuel", "2011-01-01") is None
    assert m.cap_on("fuel", "2012-01-01").value == 3
    changes = m.changes("2011-12-31", "2012-12-31")
    assert "never took effect" in set(changes["change"])


def test_ban_with_exception_is_partial():
    m = _m([
        {"measure_id": "a", "resolution": 1, "kind": "export_ban", "category": "ore",
         "direction": "dprk_exports",
         "description": "Ban on ore exports with a livelihood exception. Exceptions: ...",
         "in_force_from": "2010-01-01", "superseded_by": "b", "source": "s"},
        {"measure_id": "b", "resolution": 3, "kind": "export_ban", "category": "ore",
         "direction": "dprk_exports",
         "description": "Full ban on ore exports; ends the livelihood exception.",
         "in_force_from": "2012-03-01", "source": "s"},
        {"measure_id": "c", "resolution": 2, "kind": "import_ban", "category": "tools",
         "direction": "supply_to_dprk",
         "description": "Ban on supplying tools. Exception: spare parts for aircraft.",
         "in_force_from": "2011-06-15", "source": "s"},
    ])
    tools = m.is_banned("tools", "2011-06-15")
    assert tools.banned and "lists exceptions" in tools.note
    assert not m.is_banned("ore", "2012-02-29").banned
    assert m.is_banned("ore", "2012-03-01").banned
    assert m.is_banned("ore", "2012-03-01", direction="dprk_exports").banned
    assert not m.is_banned("ore", "2012-03-01", direction="supply_to_dprk").banned
    with pytest.raises(ValueError, match="Unknown direction 'north'"):
        m.is_banned("ore", "2012-03-01", direction="north")


def test_dangling_superseded_by_is_reported_with_its_row():
    with pytest.raises(ValueError, match="measure 'a' has superseded_by='zz'"):
        _m([{"measure_id": "a", "resolution": 1, "kind": "cap", "category": "x",
             "in_force_from": "2010-01-01", "superseded_by": "zz", "source": "s"}])


def test_cap_chart_and_its_text_alternative(model):
    fig = sx.cap_chart(model, marker="2018-01-02")
    ax = fig.axes[0]
    assert ax.get_title() and "barrels" in ax.get_ylabel()
    text = sx.cap_chart_text(model)
    assert "500,000" in text and "2397" in text and "2375" in text
    assert "Refined petroleum" in text and "Crude oil" in text
