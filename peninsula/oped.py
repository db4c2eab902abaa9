"""Checkable claims from one op-ed, kept as short attributed excerpts.

The op-ed is "Kim's China visits cement friendly ties" by Da Zhigang, published by the Global
Times on 21 June 2018. The article is copyrighted, so this module holds only a few words of
each claim (a quotation for criticism and teaching, with attribution), never the full text.

Each claim has an id (``"gt-01"`` …), the excerpt, and a neutral note on what a reader could
check. The verdicts are deliberately *not* stored here: deciding them is the student's job in
the ``ps4-fact-check`` assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: How every excerpt is attributed.
ATTRIBUTION = "Da Zhigang, Global Times, 21 June 2018"

#: Facts about the article itself (from the article's own byline and footer).
ARTICLE: dict[str, str] = {
    "headline": "Kim's China visits cement friendly ties",
    "author": "Da Zhigang",
    "author_affiliation": (
        "director of the Institute of Northeast Asian studies at the "
        "Heilongjiang Academy of Social Sciences"
    ),
    "outlet": "Global Times",
    "publisher_note": (
        "The Global Times is a daily tabloid published by the People's Daily"
        " (china.org.cn, 31 Oct 2011)."
    ),
    "published": "2018-06-21",
    "published_time_as_shown": "2018/6/21 16:53:40",
}

#: The labels a fact-checker may give a claim, with their meaning in this course.
VERDICTS: dict[str, str] = {
    "true": "the course data confirm the claim as worded",
    "imprecise": "close to the record, but a date, number or wording differs from the data",
    "unverifiable": "the course data and sources can neither confirm nor refute it",
    "opinion": "a judgement, interpretation or forecast, not a checkable fact",
}


@dataclass(frozen=True)
class Claim:
    """One checkable (or not) statement in the op-ed."""

    claim_id: str
    excerpt: str
    about: str

    def quoted(self) -> str:
        """The excerpt in quotation marks with its attribution."""
        return f"\u201c{self.excerpt}\u201d ({ATTRIBUTION})"


_CLAIMS: tuple[Claim, ...] = (
    Claim(
        "gt-01",
        "paid his third visit to China on Tuesday and Wednesday",
        "the dates (weekdays) of Kim's third visit",
    ),
    Claim("gt-02", "the first time Kim visited China in March", "the month of the first visit"),
    Claim("gt-03", "During his second visit in May", "the month of the second visit"),
    Claim(
        "gt-04",
        "Lavrov's visit to North Korea on May 31",
        "the date of the Russian foreign minister's visit",
    ),
    Claim(
        "gt-05",
        "conveyed Russian President Vladimir Putin's greetings and invited Kim to Russia",
        "what Lavrov said to Kim in private",
    ),
    Claim(
        "gt-06",
        "limits North Korean import of refined petroleum to 500,000 barrels"
        " for each 12-month period",
        "the refined-petroleum cap in resolution 2397",
    ),
    Claim(
        "gt-07",
        "bans on the export of food, machinery, electrical equipment",
        "export bans in resolution 2397",
    ),
    Claim(
        "gt-08",
        "return of all North Korean nationals earning income abroad within 24 months",
        "the workers' deadline in resolution 2397",
    ),
    Claim(
        "gt-09",
        "A group from the Workers' Party of Korea visited China on May 16",
        "the date of the WPK study group's visit",
    ),
    Claim(
        "gt-10",
        "a prerequisite for North Korea's economic revival",
        "whether lifting sanctions is needed for economic revival",
    ),
    Claim(
        "gt-11",
        "Kim's third visit to China came as the trade dispute between China and the US escalates",
        "the timing of US-China tariff steps",
    ),
    Claim(
        "gt-12",
        "China speaks highly of the summit",
        "China's assessment of the Singapore summit, 'according to reports'",
    ),
    Claim(
        "gt-13",
        "it should not be over-interpreted",
        "how much the China-DPRK friendship matters for the trade dispute",
    ),
    Claim(
        "gt-14",
        "North Korea will take economic development as its central task",
        "a forecast of Pyongyang's priorities",
    ),
)


def claims() -> list[Claim]:
    """All claims, in the order they appear in the article."""
    return list(_CLAIMS)


def claim_ids() -> list[str]:
    """The claim ids, in article order."""
    return [c.claim_id for c in _CLAIMS]


def claim(claim_id: str) -> Claim:
    """The claim with ``claim_id``; ``KeyError`` listing the valid ids if unknown."""
    for c in _CLAIMS:
        if c.claim_id == claim_id:
            return c
    raise KeyError(f"Unknown claim id {claim_id!r}. Valid ids: {', '.join(claim_ids())}.")


def claims_table() -> pd.DataFrame:
    """The claims as a table with columns claim_id, excerpt, about."""
    rows = [{"claim_id": c.claim_id, "excerpt": c.excerpt, "about": c.about} for c in _CLAIMS]
    return pd.DataFrame(rows, columns=["claim_id", "excerpt", "about"]).astype(
        {"claim_id": "str", "excerpt": "str", "about": "str"}
    )
