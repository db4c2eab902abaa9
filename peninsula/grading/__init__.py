"""Instructor tooling: grade a whole class with nbgrader, safely and in parallel.

Student-facing modules never import this subpackage, and the student edition leaves it out.
Entry point: the ``peninsula-grade`` console script (:mod:`peninsula.grading.cli`).
"""
