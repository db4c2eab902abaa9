"""Tests of peninsula.oped: short, attributed, well-formed claims from the op-ed."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from peninsula import data, oped


def test_claim_ids_are_unique_and_ordered():
    """Ids follow gt-NN in article order, with no gaps or repeats."""
    ids = oped.claim_ids()
    assert len(ids) == len(set(ids))
    assert ids == [f"gt-{i:02d}" for i in range(1, len(ids) + 1)]
    assert len(ids) >= 10


@pytest.mark.parametrize("claim", oped.claims(), ids=lambda c: c.claim_id)
def test_excerpts_are_short_quotations(claim):
    """Each excerpt is a few words (the article is copyrighted) and carries no quote marks."""
    words = claim.excerpt.split()
    assert 3 <= len(words) <= 16, f"{claim.claim_id}: {len(words)} words"
    assert not re.search(r"[\"\u201c\u201d]", claim.excerpt)
    assert claim.about.strip()


def test_all_excerpts_together_stay_small():
    """Together the excerpts stay far below the article's length (about 800 words)."""
    total = sum(len(c.excerpt.split()) for c in oped.claims())
    assert total <= 160


def test_quoted_carries_attribution():
    """quoted() puts the excerpt in quotation marks and names author, outlet and date."""
    q = oped.claim("gt-01").quoted()
    assert q.startswith("\u201c") and "\u201d (" in q
    assert q.endswith(f"({oped.ATTRIBUTION})")
    assert oped.ATTRIBUTION == "Da Zhigang, Global Times, 21 June 2018"


def test_unknown_claim_lists_valid_ids():
    """An unknown id raises KeyError naming the bad id and the valid ones."""
    with pytest.raises(KeyError) as err:
        oped.claim("gt-99")
    assert "gt-99" in str(err.value) and "gt-01" in str(err.value)


def test_verdict_labels():
    """The four labels of the course, each with a meaning."""
    assert list(oped.VERDICTS) == ["true", "imprecise", "unverifiable", "opinion"]
    assert all(len(v) > 20 for v in oped.VERDICTS.values())


def test_claims_table_shape_and_types():
    """claims_table() has one string row per claim."""
    table = oped.claims_table()
    assert list(table.columns) == ["claim_id", "excerpt", "about"]
    assert table["claim_id"].tolist() == oped.claim_ids()
    assert all(pd.api.types.is_string_dtype(table[c]) for c in table.columns)


def test_published_the_day_after_the_third_visit():
    """The op-ed's date is one day after the third visit ended, per the visits table."""
    visits = data.load("visits")
    third = visits.loc[visits["visit_id"] == 3].iloc[0]
    published = pd.Timestamp(oped.ARTICLE["published"])
    assert published - third["end_date"] == pd.Timedelta(days=1)
    assert published.day_name() == "Thursday"


def test_claims_do_not_hold_verdicts():
    """The package must not give away the answers of ps4: no verdict field on a claim."""
    fields = set(oped.Claim.__dataclass_fields__)
    assert fields == {"claim_id", "excerpt", "about"}
