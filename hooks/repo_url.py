"""Point the edit button at this repository, or leave it out when nobody can say which one."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from opskb.repo import repo_url


@event_priority(50)  # before the plugins: print-site makes its page (and edit link) in on_config
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not config.repo_url:
        config.repo_url = repo_url(os.environ, Path(config.config_file_path).parent)
    if config.repo_url:
        config.repo_name = config.repo_url.rstrip("/").rsplit("/", 2)[-2:][0] + "/" + config.repo_url.rstrip("/").rsplit("/", 1)[-1]
    else:
        config.edit_uri = None  # no repository known: no edit button, and no broken link
    return config
