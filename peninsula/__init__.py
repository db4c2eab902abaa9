"""Trains, Planes and Sanctions: the course package.

Student-facing modules: ``data``, ``geo``, ``maps``, ``sanctions``, ``trade``, ``widgets``,
``hints`` and ``selfcheck``. Instructor tooling lives in ``peninsula.grading`` and is never
imported by the student-facing modules.
"""

__version__ = "0.1.0"
