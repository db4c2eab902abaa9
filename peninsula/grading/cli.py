"""``peninsula-grade``: grade a whole class with nbgrader (instructor tool).

Subcommands: ``autograde``, ``feedback``, ``student-edition``, ``export-grades``, ``report``.
Exit status of ``autograde``: 0 when every submission was graded (a per-cell timeout still
counts as graded); 1 when any submission ended as crashed, invalid-notebook, missing or error;
2 for usage or configuration errors (unknown assignment, bad --shard, no nbgrader_config.py).
"""

import argparse
import os
import sys
from pathlib import Path

from peninsula.grading.course import Course


def default_workers() -> int:
    """CPU cores + 1 (kernel start-up leaves cores idle), capped at 8 for memory's sake."""
    return min((os.cpu_count() or 1) + 1, 8)


def _course(args: argparse.Namespace) -> Course:
    kwargs = {"db_url": getattr(args, "db", None)}
    if getattr(args, "timeout", None) is not None:
        kwargs["timeout"] = args.timeout
    if getattr(args, "memory_mb", None) is not None:
        kwargs["memory_mb"] = args.memory_mb
    if args.course:
        return Course(Path(args.course), **kwargs)
    return Course.find(**kwargs)


def _autograde(args: argparse.Namespace) -> int:
    from peninsula.grading.autograde import exit_status, grade_class, parse_shard, summary_table

    shard = parse_shard(args.shard) if args.shard else None
    results = grade_class(
        _course(args),
        args.assignment,
        students=args.student,
        workers=args.workers,
        shard=shard,
        progress=None if args.quiet else sys.stderr,
    )
    print(summary_table(results))
    return exit_status(results)


def _feedback(args: argparse.Namespace) -> int:
    from peninsula.grading.feedback import generate

    written = generate(_course(args), args.assignment, students=args.student)
    print(f"wrote {len(written)} feedback page(s) under feedback/*/{args.assignment}/")
    return 0


def _edition(args: argparse.Namespace) -> int:
    from peninsula.grading.edition import export, near_leaks, scan

    repo = Path(args.repo).resolve()
    written = export(repo, Path(args.out_dir), force=args.force)
    problems = scan(Path(args.out_dir), repo / "source")
    print(f"exported {len(written)} files to {args.out_dir}")
    for problem in problems:
        print(f"LEAK: {problem}", file=sys.stderr)
    for warning in near_leaks(Path(args.out_dir), repo / "source"):
        print(f"WARNING: {warning}", file=sys.stderr)
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from peninsula.grading.grades import export_csv

    count = export_csv(_course(args), Path(args.out_csv))
    print(f"wrote {count} grade rows to {args.out_csv}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from peninsula.grading.grades import write_report

    index = write_report(_course(args), Path(args.out_dir))
    print(f"wrote {index}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    parser = argparse.ArgumentParser(prog="peninsula-grade", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--course",
        help="course root (default: the folder holding "
        "nbgrader_config.py, searched upwards from here)",
    )
    parser.add_argument(
        "--db", help="gradebook URL (default: env PENINSULA_GRADEBOOK_URL, then nbgrader_config.py)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("autograde", help="autograde all or selected submissions in parallel")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help="worker processes (default: CPU cores + 1, at most 8)")
    p.add_argument("--shard", help="grade only shard i of n of the sorted roster, e.g. 1/2")
    p.add_argument("--timeout", type=int, help="per-cell time limit in seconds")
    p.add_argument("--memory-mb", type=int, help="kernel memory cap in MiB (default 2048)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=_autograde)

    p = sub.add_parser("feedback", help="per-student feedback HTML without hidden tests")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.set_defaults(func=_feedback)

    p = sub.add_parser("student-edition", help="export the public student repository")
    p.add_argument("out_dir")
    p.add_argument("--repo", default=".", help="the course repository (default: here)")
    p.add_argument("--force", action="store_true", help="replace a non-empty OUT_DIR")
    p.set_defaults(func=_edition)

    p = sub.add_parser("export-grades", help="all grades per student, assignment and part, as CSV")
    p.add_argument("out_csv")
    p.set_defaults(func=_export)

    p = sub.add_parser("report", help="HTML + PNG report of the score distribution per part")
    p.add_argument("out_dir")
    p.set_defaults(func=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``peninsula-grade``; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        print(f"peninsula-grade: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
