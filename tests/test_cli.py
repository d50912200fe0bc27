"""`python -m opskb`: one command line for contributors on Windows, macOS and Linux."""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from opskb.launcher import COMMANDS, STAMP, venv_python
from test_contributing import site_copy

DOCUMENTED = {"serve", "check", "fix", "build", "test", "bench"}


def test_every_command_is_one_table_entry_that_points_at_a_function() -> None:
    assert DOCUMENTED <= set(COMMANDS)
    for name, command in COMMANDS.items():
        module, function = command.target.split(":")
        target = getattr(import_module(module), function)
        assert list(inspect.signature(target).parameters)[:1], f"{name}: the function takes the arguments"
        assert command.help.strip(), name


def test_the_environments_python_is_found_on_windows_and_elsewhere(tmp_path: Path) -> None:
    assert venv_python(tmp_path, "nt") == tmp_path / "Scripts/python.exe"
    assert venv_python(tmp_path, "posix") == tmp_path / "bin/python"


def test_usage_and_an_unknown_command_answer_in_chinese(root: Path) -> None:
    usage = subprocess.run([sys.executable, "-m", "opskb"], cwd=root, capture_output=True, text=True)
    assert usage.returncode == 2 and "用法：python -m opskb <命令>" in usage.stdout
    assert all(f"  {name}" in usage.stdout for name in COMMANDS)
    typo = subprocess.run([sys.executable, "-m", "opskb", "chek"], cwd=root, capture_output=True, text=True)
    assert typo.returncode == 2 and "没有「chek」这个命令。是否想用 check？" in typo.stderr


def test_a_fresh_clone_with_only_python_installs_itself_and_checks(root: Path, tmp_path: Path) -> None:
    """No .venv, no make: `python -m opskb check` with the plain interpreter creates the environment
    from the hash-checked lock (pip may use its local cache), then runs the check inside it."""
    copy = site_copy(root, tmp_path / "clone")
    python = getattr(sys, "_base_executable", sys.executable)  # the interpreter this environment was made from
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "OPSKB_RELAUNCHED", "GITHUB_ACTIONS")}
    first = subprocess.run([python, "-m", "opskb", "check"], cwd=copy, env=env, capture_output=True, text=True, timeout=1500)
    output = first.stdout + first.stderr
    assert first.returncode == 0, output[-3000:]
    assert "正在准备 .venv" in output and "依赖已安装。" in output and "校验通过" in output
    assert "Traceback" not in output
    assert venv_python(copy / ".venv").is_file()
    lock = hashlib.sha256((copy / "requirements.lock").read_bytes()).hexdigest()
    assert (copy / ".venv" / STAMP).read_text(encoding="utf-8").strip() == lock
    again = subprocess.run([python, "-m", "opskb", "check"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "正在准备" not in again.stdout and "校验通过" in again.stdout


def test_the_docs_give_one_set_of_commands(root: Path) -> None:
    """The fix command is the same wherever a contributor reads about it, and no retired command is left."""
    docs = ["README.md", "CONTRIBUTING.md", "docs/contributing/style-guide.md", "docs/contributing/index.md"]
    for name in docs:
        text = (root / name).read_text(encoding="utf-8")
        assert "python -m opskb fix" in text, name
    for path in [*map(root.joinpath, docs), root / ".pre-commit-config.yaml", root / "Makefile",
                 *(root / "docs").rglob("*.md"), *(root / ".github").rglob("*.*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"opskb-(check|typeset|bench)\b(?!\.)|\.venv/bin/", text.replace("id: opskb-check", "")), path
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme  # the two set-up commands stay true
