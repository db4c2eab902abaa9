"""Fetch the pinned npm packages that folium 0.20 loads from CDNs and vendor them.

Re-runnable: ``python tools/vendor_assets.py`` (needs ``npm`` and network access to the
npm registry). For each package it runs ``npm pack NAME@VERSION`` in a temporary folder,
copies the few files the offline maps inline, plus the package's licence, into
``peninsula/assets/NAME@VERSION/`` and rewrites ``peninsula/assets/manifest.json`` with
the SHA-256 of every vendored file.

The versions match the CDN URLs hard-coded in folium 0.20 (``folium.folium._default_js``
and ``folium.plugins.timeline``). Keep them in step when folium is upgraded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "peninsula" / "assets"

# package -> (version, {path inside the tarball's "package/" folder: vendored file name})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "leaflet": (
        "1.9.3",
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
            "LICENSE": "LICENSE",
        },
    ),
    "jquery": ("3.7.1", {"dist/jquery.min.js": "jquery.min.js", "LICENSE.txt": "LICENSE.txt"}),
    # jsdelivr serves an auto-minified "leaflet.timeline.min.js"; the npm file is already minified.
    "leaflet.timeline": (
        "1.6.0",
        {"dist/leaflet.timeline.js": "leaflet.timeline.min.js", "LICENSE": "LICENSE"},
    ),
    "moment": ("2.18.1", {"min/moment.min.js": "moment.min.js", "LICENSE": "LICENSE"}),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor_package(name: str, version: str, files: dict[str, str], workdir: Path) -> dict:
    """Pack one npm package and copy the selected files; return its manifest entry."""
    spec = f"{name}@{version}"
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    target = ASSETS / spec
    if target.exists():
        shutil.rmtree(target)
    entry: dict = {"name": name, "version": version, "files": {}}
    with tarfile.open(tarball, "r:gz") as tar:
        for inner, out_name in files.items():
            member = tar.getmember(f"package/{inner}")
            data = tar.extractfile(member)
            if data is None:
                raise FileNotFoundError(f"{spec}: {inner} is not a regular file in {tarball.name}")
            out = target / out_name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data.read())
            entry["files"][out_name] = {"from": inner, "sha256": _sha256(out)}
    return entry


def main() -> int:
    """Vendor every package in PACKAGES and write the manifest."""
    ASSETS.mkdir(parents=True, exist_ok=True)
    manifest = {"source": "npm registry via `npm pack`", "packages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, files) in PACKAGES.items():
            manifest["packages"][name] = vendor_package(name, version, files, Path(tmp))
            print(f"vendored {name}@{version}")
    (ASSETS / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
