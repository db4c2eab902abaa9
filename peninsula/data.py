"""Load the course's tables as typed pandas DataFrames, from anywhere.

The tables live in ``data/`` and are described by ``data/datapackage.json`` (a Frictionless Data
Package). That description is the single source of truth for columns, types, constraints and keys:
this module reads it, checks every file against it and converts each column to its type.

Code and notebooks find the data through this module, never through a relative path, because an
autograded notebook runs one folder deeper than the student's copy.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DESCRIPTOR = "datapackage.json"
ENV_DATA_DIR = "PENINSULA_DATA_DIR"


class DataError(ValueError):
    """A data file is missing, unreadable or breaks its schema.

    The message names the file, the row (as a line number in the file, the header being line 1),
    the field and what is wrong.
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell of a table."""

    path: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [str(self.path)]
        if self.line is not None:
            where.append(f"row {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


def _candidates() -> Iterable[Path]:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        yield Path(env)
    package_root = Path(__file__).resolve().parent.parent
    yield package_root / "data"
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        yield folder / "data"


def data_dir() -> Path:
    """Return the folder that holds ``datapackage.json``.

    Looks at ``$PENINSULA_DATA_DIR``, then beside the installed package, then in ``data/`` of the
    current folder and each of its parents.
    """
    tried = []
    for folder in _candidates():
        if (folder / DESCRIPTOR).is_file():
            return folder
        tried.append(str(folder))
    raise DataError(
        f"Could not find the course data ({DESCRIPTOR}). Looked in: {', '.join(tried[:4])} ... "
        f"Set {ENV_DATA_DIR} to the course's data/ folder."
    )


def descriptor(folder: Path | None = None) -> dict:
    """Return the parsed Data Package descriptor."""
    path = (folder or data_dir()) / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc


def _tabular(package: dict) -> dict[str, dict]:
    return {res["name"]: res for res in package.get("resources", []) if "schema" in res}


def table_names() -> list[str]:
    """Names of every table that :func:`load` can load."""
    return sorted(_tabular(descriptor()))


def resource(name: str) -> dict:
    """Return the descriptor of one table (path, schema, sources, licences)."""
    tables = _tabular(descriptor())
    if name not in tables:
        raise DataError(f"No table named {name!r}. Tables: {', '.join(sorted(tables))}")
    return tables[name]


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise DataError(f"{path}: file not found (listed in {DESCRIPTOR})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}, row {line}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from exc
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows:
        raise DataError(f"{path}: the file is empty (expected a header row)")
    return rows[0], rows[1:]


def _check_header(path: Path, header: list[str], fields: list[dict]) -> list[Problem]:
    expected = [f["name"] for f in fields]
    problems = [
        Problem(path, 1, name, "column missing from the header") for name in expected
        if name not in header
    ]
    problems += [
        Problem(path, 1, name, f"unexpected column (the schema has: {', '.join(expected)})")
        for name in header if name not in expected
    ]
    return problems


def _convert(value: str, field: dict) -> object:
    """Convert one non-empty cell, raising ValueError with a readable reason."""
    kind = field.get("type", "string")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    if kind == "date":
        try:
            return pd.Timestamp(pd.to_datetime(value, format="%Y-%m-%d"))
        except (ValueError, TypeError):
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
        raise ValueError(f"{value!r} is not true or false")
    return value


def _check_constraints(value: object, raw: str, field: dict) -> str | None:
    rules = field.get("constraints", {})
    if "enum" in rules and raw not in [str(v) for v in rules["enum"]]:
        return f"{raw!r} is not one of {', '.join(map(str, rules['enum']))}"
    if "minimum" in rules and isinstance(value, int | float) and value < rules["minimum"]:
        return f"{raw} is below the minimum {rules['minimum']}"
    if "maximum" in rules and isinstance(value, int | float) and value > rules["maximum"]:
        return f"{raw} is above the maximum {rules['maximum']}"
    return None


def _parse(path: Path, header: list[str], rows: list[list[str]], fields: list[dict]):
    problems: list[Problem] = []
    columns: dict[str, list[object]] = {f["name"]: [] for f in fields}
    index = {name: header.index(name) for name in columns}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            problems.append(Problem(path, number, None, "blank line inside the table"))
            continue
        if len(row) != len(header):
            problems.append(
                Problem(path, number, None, f"has {len(row)} cells, the header has {len(header)}")
            )
            continue
        for field in fields:
            raw = row[index[field["name"]]]
            value: object = None
            if raw == "":
                if field.get("constraints", {}).get("required"):
                    problems.append(Problem(path, number, field["name"], "required but empty"))
            else:
                try:
                    value = _convert(raw, field)
                except ValueError as exc:
                    problems.append(Problem(path, number, field["name"], str(exc)))
                else:
                    broken = _check_constraints(value, raw, field)
                    if broken:
                        problems.append(Problem(path, number, field["name"], broken))
            columns[field["name"]].append(value)
    return columns, problems


_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "date": "datetime64[ns]"}


def _frame(columns: dict[str, list[object]], fields: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        if kind in _DTYPES:
            frame[name] = frame[name].astype(_DTYPES[kind])
        else:
            frame[name] = frame[name].astype("string")
    return frame


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _check_primary_key(path: Path, frame: pd.DataFrame, schema: dict) -> list[Problem]:
    if "primaryKey" not in schema:
        return []
    key = _as_list(schema["primaryKey"])
    duplicated = frame[frame.duplicated(subset=key, keep="first")]
    return [
        Problem(path, int(i) + 2, ", ".join(key),
                f"duplicate key {tuple(frame.loc[i, k] for k in key)!r}")
        for i in duplicated.index
    ]


def _check_foreign_keys(path: Path, frame: pd.DataFrame, schema: dict, name: str) -> list[Problem]:
    problems = []
    for fk in schema.get("foreignKeys", []):
        local = _as_list(fk["fields"])
        target = fk["reference"].get("resource") or name
        remote = _as_list(fk["reference"]["fields"])
        other = frame if target == name else _load_checked(target, check_foreign=False)
        known = set(other[remote].dropna().itertuples(index=False, name=None))
        for i, values in frame[local].iterrows():
            key = tuple(values)
            if any(pd.isna(v) for v in key):
                continue
            if key not in known:
                shown = key[0] if len(key) == 1 else key
                problems.append(Problem(
                    path, int(i) + 2, ", ".join(local),
                    f"{shown!r} does not exist in {target}.{', '.join(remote)}",
                ))
    return problems


def _load_checked(name: str, *, check_foreign: bool = True) -> pd.DataFrame:
    folder = data_dir()
    res = resource(name)
    path = folder / res["path"]
    fields = res["schema"]["fields"]
    header, rows = _read_rows(path)
    problems = _check_header(path, header, fields)
    if problems:
        raise DataError("\n".join(map(str, problems)))
    columns, problems = _parse(path, header, rows, fields)
    if not problems:
        frame = _frame(columns, fields)
        problems = _check_primary_key(path, frame, res["schema"])
        if check_foreign and not problems:
            problems = _check_foreign_keys(path, frame, res["schema"], name)
    if problems:
        shown = "\n".join(map(str, problems[:20]))
        more = f"\n... and {len(problems) - 20} more problems" if len(problems) > 20 else ""
        raise DataError(f"{len(problems)} problem(s) in {path.name}:\n{shown}{more}")
    return frame


def load(name: str) -> pd.DataFrame:
    """Load one table by name (for example ``"places"``) as a typed DataFrame.

    Columns follow ``datapackage.json``: integers become ``Int64``, numbers ``float64``, dates
    ``datetime64``, booleans ``boolean`` and text ``string``; empty cells are missing values.
    Raises :class:`DataError` naming the file, row, field and problem if the file breaks its schema.
    """
    return _load_checked(name)


def load_all() -> dict[str, pd.DataFrame]:
    """Load and check every table; raises on the first table with problems."""
    return {name: load(name) for name in table_names()}
