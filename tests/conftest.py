"""Shared fixtures: the repository, one strict build of the site, and a local server for it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from opskb.reader_bench import serve

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    output: str


def mkdocs_build(root: Path, site: Path, *extra: str, env: dict[str, str] | None = None) -> Build:
    """`mkdocs build --strict` as a contributor runs it; never combined with -q (it hides warnings)."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
        cwd=root, capture_output=True, text=True, env=environment, timeout=600,
    )
    return Build(site, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site = tmp_path_factory.mktemp("site")
    shutil.rmtree(site)
    return mkdocs_build(ROOT, site)


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    assert build.returncode == 0, build.output
    return build.site


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 (an ephemeral port), as a static host serves it: gzip, 404.html."""
    with serve(site) as url:
        yield url
