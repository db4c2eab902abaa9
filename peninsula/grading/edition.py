"""Export the student edition (the public Binder repository) and scan it for leaks."""

import fnmatch
import json
import re
import shutil
from pathlib import Path

import nbformat

INCLUDE_DIRS = ("lessons", "assignments", "data", "peninsula")
INCLUDE_FILES = ("environment.yml", "requirements.txt", "pyproject.toml")
INCLUDE_GLOBS = ("README*", "LICENSE*", "LICENCE*", "COPYING*", "CITATION*")
STUDENT_ONLY_DIR = "binder-student"  # its files go to the root of the edition (e.g. postBuild)
# Never exported, wherever they appear.
EXCLUDE_NAMES = (
    "grading",
    "__pycache__",
    ".ipynb_checkpoints",
    "*.egg-info",
    "gradebook.db*",
    "*.db",
    "*.sqlite",
    "submitted",
    "autograded",
    "feedback",
    "release",
    "exchange",
    "source",
    "tests",
    ".git",
    ".pytest_cache",
    ".ruff_cache",
    "nbgrader_config.py",
    ".DS_Store",
)
MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
)
_REGION = re.compile(
    r"(?:###|===)\s*BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)\s*(?:===)?\s*\n(.*?)"
    r"\n[ \t]*(?:###|===)\s*END \1",
    re.S,
)
MIN_REGION_CHARS = 20  # shorter regions ("pass", "x = 1") are not distinctive enough to scan for


def _excluded(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in EXCLUDE_NAMES)


def _copy_tree(src: Path, dest: Path, skip_top: tuple[str, ...] = ()) -> list[Path]:
    copied = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(_excluded(part) for part in rel.parts) or (rel.parts[0] in skip_top):
            continue
        if path.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def student_pyproject(text: str) -> str:
    """pyproject.toml without the instructor console script (and an emptied scripts table)."""
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("peninsula-grade")]
    out = []
    for i, line in enumerate(lines):
        if line.strip() == "[project.scripts]":
            following = next((ln for ln in lines[i + 1 :] if ln.strip()), "[")
            if following.lstrip().startswith("["):
                continue
        out.append(line)
    return "\n".join(out) + "\n"


def export(repo: Path, out: Path, force: bool = False) -> list[Path]:
    """Write the student edition of ``repo`` into ``out``; return the files written."""
    repo, out = repo.resolve(), out.resolve()
    if out == repo or repo in out.parents and not out.name.startswith("student-edition"):
        raise ValueError(
            f"{out}: choose an output folder outside the repository (or one named student-edition*)"
        )
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in INCLUDE_DIRS:
        if (repo / name).is_dir():
            written += _copy_tree(repo / name, out / name)
    for name in INCLUDE_FILES:
        if (repo / name).is_file():
            target = out / name
            if name == "pyproject.toml":
                target.write_text(student_pyproject((repo / name).read_text()))
            else:
                shutil.copy2(repo / name, target)
            written.append(target)
    for pattern in INCLUDE_GLOBS:
        for path in sorted(repo.glob(pattern)):
            if path.is_file():
                shutil.copy2(path, out / path.name)
                written.append(out / path.name)
    if (repo / STUDENT_ONLY_DIR).is_dir():
        written += _copy_tree(repo / STUDENT_ONLY_DIR, out)
        if (out / "postBuild").is_file():
            (out / "postBuild").chmod(0o755)
    return written


def secret_regions(source: Path) -> list[str]:
    """Texts of every solution, hidden-test and mark-scheme region in the notebooks and files of
    ``source/`` (whole solution cells when they have no markers), longer than MIN_REGION_CHARS."""
    regions = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or ".ipynb_checkpoints" in path.parts:
            continue
        texts = []
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution") and not _REGION.search(cell.source):
                    regions.append(cell.source)
                texts.append(cell.source)
        elif path.suffix in {".py", ".md", ".txt"}:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        for text in texts:
            regions += [m.group(2) for m in _REGION.finditer(text)]
    return [r for r in regions if len("".join(r.split())) >= MIN_REGION_CHARS]


def _normal(text: str) -> str:
    return " ".join(text.split())


def _exported_text(path: Path) -> str:
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        return ""
    text = raw.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:  # compare cell text, not JSON-escaped text
            data = json.loads(text)
            parts = []
            for cell in data.get("cells", []):
                src = cell.get("source", "")
                parts.append("".join(src) if isinstance(src, list) else src)
                for output in cell.get("outputs", []):
                    parts.append(json.dumps(output, ensure_ascii=False))
            text += "\n" + "\n".join(parts)
        except (json.JSONDecodeError, AttributeError):
            pass
    return text


def scan(out: Path, source: Path | None) -> list[str]:
    """Problems found in an exported tree: markers, forbidden files, secret regions from source/."""
    problems = []
    regions = (
        [(r, _normal(r)) for r in secret_regions(source)] if source and source.is_dir() else []
    )
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if any(_excluded(part) for part in rel.parts):
            problems.append(f"{rel}: must not be in the student edition")
        if not path.is_file():
            continue
        text = _exported_text(path)
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: contains the nbgrader marker {marker!r}")
        flat = _normal(text)
        for region, normal in regions:
            if normal in flat:
                first = region.strip().splitlines()[0][:60]
                problems.append(
                    f"{rel}: contains a solution/hidden-test region from source/ "
                    f"(starting {first!r})"
                )
    return problems


def solution_lines(source: Path, min_chars: int = 40) -> dict[str, str]:
    """Single lines of solution code (at least ``min_chars`` long, not comments) -> notebook."""
    found: dict[str, str] = {}
    for path in sorted(source.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            for match in _REGION.finditer(cell.source):
                if match.group(1) != "SOLUTION":
                    continue
                for line in match.group(2).splitlines():
                    text = line.strip()
                    if len(text) >= min_chars and not text.startswith("#"):
                        found.setdefault(text, path.name)
    return found


def near_leaks(out: Path, source: Path | None) -> list[str]:
    """Warnings: exported files that contain single long lines of solution code.

    Not a failure (a lesson or package may legitimately share a line with a solution), but a
    reference implementation shipped in the package lets students import the answer.
    """
    if not source or not source.is_dir():
        return []
    lines = solution_lines(source)
    warnings = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        text = _exported_text(path)
        for line, notebook in lines.items():
            if line in text:
                warnings.append(
                    f"{path.relative_to(out)}: has a line of the {notebook} solution: {line[:70]!r}"
                )
    return warnings
