"""The studio's page ships inside the fnplan wheel: pyproject's package data covers every file
the page loads, and the page loads nothing from elsewhere."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import fnplan
from fnplan.studio.web.routes import STATIC

ROOT = Path(__file__).resolve().parents[3]


def test_package_data_covers_every_static_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["fnplan"]
    package = Path(fnplan.__file__).parent
    files = [path.relative_to(package).as_posix() for path in STATIC.rglob("*") if path.is_file()]
    assert {"studio/web/static/index.html", "studio/web/static/studio.js"} <= set(files)
    assert all(any(fnmatch(f, pattern) for pattern in patterns) for f in files), files


def test_the_page_refers_only_to_its_own_files() -> None:
    texts = [path.read_text() for path in STATIC.iterdir() if path.suffix in (".html", ".js")]
    urls = {url for text in texts for url in re.findall(r"https?://[^\s\"'`)]+", text)}
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    imports = {name for text in texts for name in re.findall(r'from "\./([^"]+)"', text)}
    assert imports and all((STATIC / name).is_file() for name in imports)
