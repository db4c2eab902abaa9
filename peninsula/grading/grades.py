"""Export every grade to CSV, and a per-part report (HTML + PNG charts + tables)."""

import csv
import html
from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook

from peninsula.grading import outcomes
from peninsula.grading.course import Course

COLUMNS = ["student", "assignment", "notebook", "grade_id", "score", "max_score", "outcome"]
# Okabe-Ito palette (colour-blind safe)
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def grade_rows(course: Course) -> list[dict]:
    """One row per (student, assignment, notebook, graded part), from the gradebook."""
    cfg = course.config().CourseDirectory
    recorded = outcomes.load(cfg.db_url, cfg.course_id)
    rows = []
    with Gradebook(cfg.db_url, cfg.course_id) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for sub in sorted(assignment.submissions, key=lambda s: s.student_id):
                outcome = recorded.get((assignment.name, sub.student_id), {}).get("outcome", "")
                for nb in sorted(sub.notebooks, key=lambda n: n.name):
                    for grade in sorted(nb.grades, key=lambda g: g.name):
                        rows.append(
                            {
                                "student": sub.student_id,
                                "assignment": assignment.name,
                                "notebook": nb.name,
                                "grade_id": grade.name,
                                "score": float(grade.score),
                                "max_score": float(grade.max_score),
                                "outcome": outcome,
                            }
                        )
    return rows


def export_csv(course: Course, out: Path) -> int:
    """Write all grades to ``out`` (CSV with :data:`COLUMNS`); return the number of rows."""
    rows = grade_rows(course)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def part_summary(rows: list[dict]) -> pd.DataFrame:
    """Per part: submissions, mean and median percentage, share with full marks, share with 0."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = df[df["max_score"] > 0].copy()
    df["pct"] = 100 * df["score"] / df["max_score"]
    df["part"] = df["assignment"] + " / " + df["notebook"] + " / " + df["grade_id"]
    summary = df.groupby("part", sort=True).agg(
        submissions=("pct", "size"),
        max_score=("max_score", "max"),
        mean_pct=("pct", "mean"),
        median_pct=("pct", "median"),
        full_marks_pct=("pct", lambda s: 100 * (s >= 100).mean()),
        zero_pct=("pct", lambda s: 100 * (s <= 0).mean()),
    )
    return summary.round(1).reset_index()


def _charts(rows: list[dict], summary: pd.DataFrame, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = pd.DataFrame(rows, columns=COLUMNS)
    df = df[df["max_score"] > 0].copy()
    df["pct"] = 100 * df["score"] / df["max_score"]
    df["part"] = df["assignment"] + " / " + df["notebook"] + " / " + df["grade_id"]
    parts = list(summary["part"])
    height = 1.2 + 0.45 * len(parts)
    fig, ax = plt.subplots(figsize=(8, height))
    ax.barh(parts, summary["mean_pct"], color=OKABE_ITO[0], label="mean %")
    ax.scatter(
        summary["median_pct"], parts, color=OKABE_ITO[1], marker="D", zorder=3, label="median %"
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel("score, % of the part's points")
    ax.invert_yaxis()
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title("Mean and median score per part (low = hard)")
    fig.tight_layout()
    mean_png = out_dir / "mean-per-part.png"
    fig.savefig(mean_png, dpi=110, bbox_inches="tight")
    plt.close(fig)

    bins = [
        (-0.1, 0.0, "0%"),
        (0.0, 50.0, "1–50%"),
        (50.0, 99.99, "51–99%"),
        (99.99, 100.0, "100%"),
    ]
    fig, ax = plt.subplots(figsize=(8, height))
    left = pd.Series(0.0, index=parts)
    colours = [OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[5], OKABE_ITO[0]]
    for colour, (lo, hi, label) in zip(colours, bins, strict=True):
        share = df.assign(hit=(df["pct"] > lo) & (df["pct"] <= hi)).groupby("part")["hit"].mean()
        share = 100 * share.reindex(parts).fillna(0)
        ax.barh(
            parts,
            share,
            left=left,
            color=colour,
            label=label,
            edgecolor="white",
            hatch={"0%": "//", "100%": ""}.get(label, ""),
        )
        left += share
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of submissions, %")
    ax.invert_yaxis()
    ax.legend(title="score band", loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title("Distribution of scores per part")
    fig.tight_layout()
    dist_png = out_dir / "distribution-per-part.png"
    fig.savefig(dist_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return [mean_png, dist_png]


def write_report(course: Course, out_dir: Path) -> Path:
    """Write ``index.html``, two PNG charts and ``parts.csv`` into ``out_dir``; return the HTML."""
    rows = grade_rows(course)
    if not rows:
        raise ValueError("the gradebook has no graded submissions yet: run autograde first")
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = part_summary(rows)
    summary.to_csv(out_dir / "parts.csv", index=False)
    charts = _charts(rows, summary, out_dir)
    hardest = summary.sort_values("mean_pct").iloc[0]
    table = summary.rename(
        columns={
            "part": "Part (assignment / notebook / test)",
            "submissions": "Submissions",
            "max_score": "Points",
            "mean_pct": "Mean %",
            "median_pct": "Median %",
            "full_marks_pct": "Full marks, % of students",
            "zero_pct": "Zero, % of students",
        }
    ).to_html(index=False, border=0, escape=True)
    e = html.escape
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Grade report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:.3rem .5rem}}</style></head>
<body><h1>Grade report</h1>
<p>{len({r["student"] for r in rows})} students, {len(summary)} graded parts. Hardest part by mean
score: <strong>{e(str(hardest["part"]))}</strong> ({hardest["mean_pct"]:g}% on average).</p>
<h2>Mean score per part</h2>
<img src="{charts[0].name}" alt="Bar chart of the mean and median score per part; the same figures
are in the table below.">
<h2>Distribution of scores per part</h2>
<img src="{charts[1].name}" alt="Stacked bars of the share of students scoring 0%, 1–50%, 51–99% and
100% on each part; the table below gives the shares with full marks and with zero.">
<h2>Table (text alternative to the charts)</h2>
{table}
</body></html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
