"""A guarded version of nbgrader's Execute step: capped kernel memory and crash recovery.

``GuardedExecute`` replaces ``nbgrader.preprocessors.Execute`` in the autograde pipeline. It starts
each kernel through :mod:`peninsula.grading.limits` (``RLIMIT_AS``), and when the kernel dies
(``os._exit``, a segfault, the OOM killer) it marks the current and all later code cells with a
``KernelDied`` error instead of aborting, so nbgrader still saves the grades of the cells that ran
and records 0 for the unfinished ones.
"""

import subprocess
import sys

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

KERNEL_DIED = "KernelDied"
CELL_TIMEOUT = "CellTimeoutError"


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager that launches the kernel under an address-space cap."""

    memory_limit_mb = Integer(
        2048, help="Cap on the kernel's virtual memory in MiB (0: no cap)."
    ).tag(config=True)

    quiet = Bool(True, help="Discard the kernel's own stdout/stderr (startup noise).").tag(
        config=True
    )

    async def _async_pre_start_kernel(self, **kw):
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if self.quiet:
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
        return cmd, kw

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel command, prefixed by the memory-capping launcher."""
        cmd = super().format_kernel_cmd(extra_arguments)
        if self.memory_limit_mb <= 0:
            return cmd
        limit = str(self.memory_limit_mb * 1024 * 1024)
        return [sys.executable, "-m", "peninsula.grading.limits", limit, "--", *cmd]


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class GuardedExecute(Execute):
    """nbgrader's Execute, with a memory-capped kernel and survival of kernel death."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", LimitedKernelManager)
        super().__init__(*args, **kwargs)
        self._dead_reason: str | None = None
        self._index = 0

    def _kernel_dead(self) -> bool:
        """True when the kernel's process has exited (checked without the kernel's help)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is not None

    def _mark_dead(self, cell, index: int, why: str) -> None:
        self._dead_reason = f"the kernel died while running cell {index + 1}{why}"
        cell.outputs = list(cell.get("outputs", [])) + [
            _error_output(KERNEL_DIED, self._dead_reason)
        ]

    def preprocess(self, nb, resources=None, km=None):
        """Execute the notebook; a dead kernel ends execution without raising.

        Kernel death can surface outside a cell too (for example while the dead kernel is
        interrupted after a timeout, or shut down): once the kernel is known to be dead, such
        errors mark the remaining cells as not run instead of failing the whole submission.
        """
        self._dead_reason, self._index = None, 0
        try:
            return super().preprocess(nb, resources, km)
        except Exception as exc:
            if self._dead_reason is None and not self._kernel_dead():
                raise
            if self._dead_reason is None:
                self._mark_dead(nb.cells[self._index], self._index, f" ({type(exc).__name__})")
            for cell in nb.cells[self._index + 1 :]:
                if cell.cell_type == "code" and not any(
                    o.get("ename") == KERNEL_DIED for o in cell.get("outputs", [])
                ):
                    cell.outputs = [_error_output(KERNEL_DIED, f"not run: {self._dead_reason}")]
            return nb, resources if resources is not None else {}

    def preprocess_cell(self, cell, resources, index):
        """Execute one cell, or mark it as not run once the kernel has died."""
        self._index = index
        if cell.cell_type != "code":
            return cell, resources
        if self._dead_reason is not None:
            cell.outputs = [_error_output(KERNEL_DIED, f"not run: {self._dead_reason}")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._mark_dead(cell, index, "")
            return cell, resources
        except Exception as exc:
            if not self._kernel_dead():
                raise
            self._mark_dead(cell, index, f" ({type(exc).__name__})")
            return cell, resources
