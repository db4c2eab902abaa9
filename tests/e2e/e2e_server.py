"""Start and stop a throwaway JupyterLab server for the browser tests.

The server's root is a temporary copy of the course (lessons/, assignments/, data/ and
nbgrader_config.py), so nothing a test does in the browser is written into the repository.
Settings, workspaces, runtime and config folders are temporary too.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
COPIED_DIRS = ("lessons", "assignments", "data")
COPIED_FILES = ("nbgrader_config.py",)

# JupyterLab user settings written into the temporary settings folder.
# windowingMode "none" keeps every cell in the DOM, so the checks and the full-page
# screenshots see all outputs.
LAB_SETTINGS: dict[str, dict] = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
}


@dataclass
class LabServer:
    """A running JupyterLab server: where it listens, its token and its folders."""

    url: str
    token: str
    root: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def lab_url(self, path: str = "", query: str = "reset") -> str:
        """URL of ``/lab/tree/<path>`` with the token and an optional extra query."""
        tree = f"/tree/{path}" if path else ""
        extra = f"&{query}" if query else ""
        return f"{self.url}/lab{tree}?token={self.token}{extra}"

    def log_tail(self, n: int = 60) -> str:
        """The last ``n`` lines of the server log (for failure messages)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(lines[-n:])


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_course_copy(dest: Path, repo: Path = REPO) -> Path:
    """Copy the course folders the students see into ``dest`` (created) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.db")
    for name in COPIED_DIRS:
        src = repo / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore, dirs_exist_ok=True)
        else:
            (dest / name).mkdir(exist_ok=True)
    for name in COPIED_FILES:
        if (repo / name).is_file():
            shutil.copy2(repo / name, dest / name)
    return dest


def write_lab_settings(settings_dir: Path) -> None:
    """Write the user settings in ``LAB_SETTINGS`` as ``*.jupyterlab-settings`` files."""
    for plugin, values in LAB_SETTINGS.items():
        package, _, name = plugin.rpartition("/")
        folder = settings_dir / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values, indent=2))


def server_env(work: Path, root: Path) -> dict[str, str]:
    """Environment for the server and its kernels: temporary Jupyter folders, offline maps."""
    env = dict(os.environ)
    dirs = {
        "JUPYTERLAB_SETTINGS_DIR": work / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": work / "lab-workspaces",
        "JUPYTER_RUNTIME_DIR": work / "runtime",
        "JUPYTER_CONFIG_DIR": work / "jupyter-config",
        "IPYTHONDIR": work / "ipython",
        "PENINSULA_EXCHANGE": work / "exchange",
    }
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    write_lab_settings(dirs["JUPYTERLAB_SETTINGS_DIR"])
    env["PENINSULA_MAPS_OFFLINE"] = "1"  # no internet: maps inline their vendored Leaflet
    env["PENINSULA_COURSE_ROOT"] = str(root)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # `!nbgrader`, terminals
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JUPYTER_TOKEN", None)
    return env


def start_lab(work: Path, repo: Path = REPO, timeout: float = 60.0) -> LabServer:
    """Copy the course into ``work/root`` and start ``jupyter lab`` there; wait until it answers."""
    root = make_course_copy(work / "root", repo)
    env = server_env(work, root)
    port = free_port()
    token = secrets.token_hex(16)
    log_path = work / "jupyterlab.log"
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
    ]
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(f"http://127.0.0.1:{port}", token, root, log_path, proc)
    deadline = time.monotonic() + timeout
    status = f"{server.url}/api/status?token={token}"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {proc.returncode}; log:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(status, timeout=2) as resp:
                if resp.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    stop_lab(server)
    raise RuntimeError(
        f"jupyter lab did not answer within {timeout:.0f} s; log:\n{server.log_tail()}"
    )


def stop_lab(server: LabServer, timeout: float = 15.0) -> None:
    """Stop the server (and so its kernels): SIGTERM, then SIGKILL if it hangs."""
    proc = server.process
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
