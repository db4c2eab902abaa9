"""Visible checks for the assignments: messages that say what is wrong and how to get closer.

Each assignment has a module here (``ps1``, ``ps2``, ``ps3``, ``ps4``) with one ``check_part_x``
function per auto-graded part and a ``PARTS`` table used by :func:`self_check`::

    ASSIGNMENT = "ps2-routes"
    PARTS = {"A": (check_part_a, ("haversine_km",)), ...}   # part -> (check, names it needs)

The checks test the *type* of every answer before its value, so an object that claims to equal
everything earns nothing. Hidden tests live only in the instructor notebooks, never here, and
:func:`self_check` never says "all tests passed": the hidden tests run at grading time.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "ASSIGNMENTS",
    "CheckFailed",
    "call_quietly",
    "expect_close",
    "expect_equal",
    "expect_type",
    "resolve_assignment",
    "self_check",
]

#: Full assignment names and their short aliases (the module names in this package).
ASSIGNMENTS: dict[str, str] = {
    "ps1-timeline": "ps1",
    "ps2-routes": "ps2",
    "ps3-sanctions": "ps3",
    "ps4-fact-check": "ps4",
}

# Dunder names a harmless subclass may define; anything else (``__eq__``, ``__sub__``, ...) could
# change how the value compares, so such subclasses are refused.
_HARMLESS_DUNDERS = frozenset(
    {
        "__module__",
        "__qualname__",
        "__doc__",
        "__dict__",
        "__weakref__",
        "__init__",
        "__annotations__",
        "__firstlineno__",
        "__static_attributes__",
        "__orig_bases__",
        "__parameters__",
        "__slots__",
        "__init_subclass__",
        "__class_getitem__",
    }
)


class CheckFailed(AssertionError):
    """A visible check failed; the message says what is wrong and, where possible, how to fix it."""

    def __init__(self, problem: str, hint: str = "") -> None:
        self.problem = problem
        self.hint = hint
        message = problem if not hint else f"{problem}\nHint: {hint}"
        super().__init__(message)


def _type_names(types: tuple[type, ...]) -> str:
    names = [t.__name__ for t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _overrides_behaviour(cls: type, base: type) -> bool:
    """True if ``cls`` (a subclass of ``base``) defines its own dunder methods."""
    for klass in cls.__mro__:
        if klass is base or klass in base.__mro__:
            break
        for name in vars(klass):
            if name.startswith("__") and name.endswith("__") and name not in _HARMLESS_DUNDERS:
                return True
    return False


def _numpy_scalar_ok(value: Any, wanted: type) -> bool:
    """Accept numpy scalars where ``float``/``int`` is wanted (pandas returns them)."""
    cls = type(value)
    if cls.__module__ != "numpy":
        return False
    if wanted is float:
        return isinstance(value, np.floating | np.integer)
    if wanted is int:
        return isinstance(value, np.integer)
    return False


def expect_type(value: Any, types: type | tuple[type, ...], name: str, hint: str = "") -> None:
    """Raise CheckFailed unless ``value`` is one of ``types``.

    Built-in types must match exactly (a subclass of ``float`` could redefine ``==``); ``bool``
    never counts as a number. Other classes may be subclassed as long as the subclass does not
    redefine comparison or arithmetic. numpy scalars count as ``float``/``int``.
    """
    wanted = types if isinstance(types, tuple) else (types,)
    cls = type(value)
    if cls in wanted:
        return
    for t in wanted:
        if _numpy_scalar_ok(value, t):
            return
        is_builtin = t.__module__ == "builtins"
        if not is_builtin and isinstance(value, t) and not _overrides_behaviour(cls, t):
            return
    got = cls.__name__
    problem = f"`{name}` should be of type {_type_names(wanted)}, but it is of type {got}."
    if bool in wanted and isinstance(value, np.bool_):
        problem = f"`{name}` is a numpy bool ({value!r}); return a plain Python bool."
        hint = hint or "wrap the result in bool(...)."
    elif isinstance(value, bool) and (int in wanted or float in wanted):
        problem = f"`{name}` should be a number, but it is a bool ({value!r})."
    elif any(isinstance(value, t) for t in wanted):
        problem = (
            f"`{name}` is a subclass of {_type_names(wanted)} ({got}) that changes how it "
            "compares; return a plain value instead."
        )
    raise CheckFailed(problem, hint)


def expect_close(
    actual: Any,
    expected: float,
    tol: float,
    what: str,
    hint: str = "",
    reveal: bool = True,
) -> None:
    """Raise CheckFailed unless ``actual`` is a real number within ``tol`` of ``expected``.

    With ``reveal=False`` the message says only whether the value is too large or too small, so a
    visible check can guide without giving the answer away.
    """
    expect_type(actual, (float, int), what, hint)
    value = float(actual)
    if not math.isfinite(value):
        raise CheckFailed(f"`{what}` is {value}, not a finite number.", hint)
    if abs(value - expected) <= tol:
        return
    direction = "too large" if value > expected else "too small"
    if reveal:
        problem = f"`{what}` is {value:,.6g}, but it should be {expected:,.6g} (± {tol:g})."
    else:
        problem = f"`{what}` is {value:,.6g}, which is {direction} (more than {tol:g} off)."
    raise CheckFailed(problem, hint)


def expect_equal(actual: Any, expected: Any, what: str, hint: str = "") -> None:
    """Raise CheckFailed unless ``actual`` has exactly ``expected``'s type and equals it.

    Lists and tuples are compared item by item; numpy scalars count as the Python type they hold.
    """
    if isinstance(expected, np.generic):
        expected = expected.item()
    expect_type(actual, type(expected), what, hint)
    if isinstance(expected, list | tuple):
        if len(actual) != len(expected):
            raise CheckFailed(
                f"`{what}` has {len(actual)} items, but it should have {len(expected)}.", hint
            )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            expect_equal(a, e, f"{what}[{i}]", hint)
        return
    if not bool(expected == actual):
        raise CheckFailed(f"`{what}` is {actual!r}, but it should be {expected!r}.", hint)


def call_quietly(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call student code with warnings silenced.

    In an nbgrader test cell any output on stderr (a warning included) scores 0, so checks and
    hidden tests call the student's functions through this.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def resolve_assignment(assignment: str) -> str:
    """The full assignment name for a full name or a short alias such as ``"ps1"``."""
    key = str(assignment).strip().lower()
    if key in ASSIGNMENTS:
        return key
    for full, short in ASSIGNMENTS.items():
        if key == short:
            return full
    valid = ", ".join(f"{full!r} (or {short!r})" for full, short in ASSIGNMENTS.items())
    raise ValueError(f"Unknown assignment {assignment!r}. Valid assignments: {valid}.")


def _load_parts(assignment: str) -> Mapping[str, tuple[Callable[..., Any], tuple[str, ...]]]:
    full = resolve_assignment(assignment)
    module = importlib.import_module(f"{__name__}.{ASSIGNMENTS[full]}")
    return module.PARTS


def _run_part(
    check: Callable[..., Any], names: Iterable[str], namespace: Mapping[str, Any]
) -> tuple[bool, str]:
    missing = [n for n in names if n not in namespace]
    if missing:
        return False, "not attempted yet: define " + ", ".join(f"`{n}`" for n in missing) + "."
    try:
        check(*(namespace[n] for n in names))
    except CheckFailed as exc:
        return False, str(exc)
    except NotImplementedError:
        return False, "not attempted yet (the cell still raises NotImplementedError)."
    except Exception as exc:  # student code can raise anything; report it helpfully
        return False, f"your code raised {type(exc).__name__}: {exc}"
    return True, "visible tests passed."


def self_check(assignment: str, namespace: Mapping[str, Any]) -> None:
    """Run the visible checks of each part of ``assignment`` on ``namespace``; print a report.

    Call it in a notebook as ``self_check("ps2-routes", globals())``. Hidden tests run only at
    grading, so passing here is necessary, not sufficient.
    """
    parts = _load_parts(assignment)
    passed: list[str] = []
    lines: list[str] = []
    for part, (check, names) in parts.items():
        ok, message = _run_part(check, names, namespace)
        if ok:
            passed.append(part)
        else:
            lines.append(f"Part {part}: " + message.replace("\n", "\n    "))
    if passed:
        summary = "Visible tests passed for parts " + ", ".join(passed) + "."
    else:
        summary = "Visible tests passed for no parts yet."
    print(summary + " (Hidden tests run when your work is graded.)")
    for line in lines:
        print(line)

