"""Start a program with a cap on its address space (used to launch grading kernels).

Usage: ``python -m peninsula.grading.limits BYTES -- PROGRAM ARGS...``. The cap is an
``RLIMIT_AS`` soft and hard limit, so a memory bomb in student code raises ``MemoryError``
inside the kernel instead of exhausting the machine.
"""

import os
import resource
import sys


def cap_address_space(limit_bytes: int) -> None:
    """Cap the calling process's virtual memory at ``limit_bytes`` (inherited by children)."""
    if limit_bytes <= 0:
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def main(argv: list[str] | None = None) -> None:
    """Apply the cap, then replace this process with the given program."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[1] != "--":
        raise SystemExit("usage: python -m peninsula.grading.limits BYTES -- PROGRAM [ARGS...]")
    cap_address_space(int(args[0]))
    os.execvp(args[2], args[2:])


if __name__ == "__main__":
    main()
