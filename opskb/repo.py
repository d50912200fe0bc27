"""Where the site's source lives, for the edit button: derived, never guessed."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

_SCP_LIKE = re.compile(r"^[\w.-]+@([\w.-]+):(.+)$")  # git@github.com:owner/repo.git


def normalize_remote(remote: str) -> str | None:
    """A git remote (https, ssh or scp-like) as the repository's web URL; None if not a web host."""
    remote = remote.strip()
    if match := _SCP_LIKE.match(remote):
        host, path = match.groups()
    elif match := re.match(r"^(?:https?|ssh|git)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+)$", remote):
        host, path = match.groups()
    else:
        return None
    path = path.removesuffix("/").removesuffix(".git").strip("/")
    if not path or "/" not in path:
        return None
    return f"https://{host}/{path}"


def repo_url(env: Mapping[str, str], root: Path) -> str | None:
    """OPSKB_REPO_URL, else the Actions repository, else the `origin` remote, else None."""
    if explicit := env.get("OPSKB_REPO_URL", "").strip():
        return explicit.rstrip("/")
    if repository := env.get("GITHUB_REPOSITORY", "").strip():
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        return f"{server}/{repository}"
    try:
        remote = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return normalize_remote(remote) if remote else None
