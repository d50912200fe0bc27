"""The commands of `python -m opskb` that drive MkDocs, pytest and the fixers (see opskb/launcher.py)."""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from opskb.cli import _wanted, conclusion, emit
from opskb.computed import load_sources, regenerate
from opskb.config import CONFIG_FILE, parse_config
from opskb.launcher import ROOT, hand_over
from opskb.rules import decode
from opskb.site import check_loaded, load_site, skip_from_env, summarize
from opskb.typeset import fix_typesetting

ENGINES = ("mkdocs", "properdocs")  # ProperDocs: the maintained MkDocs 1.x fork, our fallback engine


def precheck_config(root: Path = ROOT) -> bool:
    """mkdocs.yml's own rules (Y001, Y002, N003) before MkDocs parses the file, when no hook could
    speak yet. If they find anything, every rule runs, so the contributor gets the whole list at once."""
    path = root / CONFIG_FILE
    if not path.is_file():
        print(f"找不到 {path}；请在仓库根目录运行。", file=sys.stderr)
        return False
    if not parse_config(path.read_text(encoding="utf-8", errors="replace")).findings:
        return True
    site = load_site(root, skip=skip_from_env())
    findings = check_loaded(site, skip_from_env())
    emit(findings)
    print(conclusion(findings, summarize(site)), flush=True)
    print("没有开始构建：先修正上面的问题（mkdocs.yml 有误时 MkDocs 无法读取配置）。", flush=True)
    return False


def serve(argv: list[str]) -> int:
    """Preview on 127.0.0.1:8000, rebuilt on save; extra arguments go to `mkdocs serve`."""
    if not precheck_config():
        return 1
    address = [] if any(arg.startswith(("--dev-addr", "-a")) for arg in argv) else ["--dev-addr", "127.0.0.1:8000"]
    return hand_over([sys.executable, "-m", "mkdocs", "serve", *address, *argv], cwd=ROOT)


def build(argv: list[str]) -> int:
    """Strict build into a temporary folder that replaces site/ only when the build succeeded."""
    parser = argparse.ArgumentParser(prog="python -m opskb build", description="严格构建网站；出错时不生成任何文件。")
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="输出目录（默认 site/）")
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs", help="构建引擎（默认 mkdocs；properdocs 是备用引擎）")
    args = parser.parse_args(argv)
    if not precheck_config():
        return 1
    site = args.site_dir.resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site.parent))
    try:
        command = [sys.executable, "-m", args.engine, "build", "--strict", "--site-dir", str(staging)]
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            print(f"构建失败，没有生成网站（{site.name}/ 保持原样）；请按上方以「文件:行:列」开头的提示修正后重试。", flush=True)
            return 1
        if site.exists():
            shutil.rmtree(site)
        staging.rename(site)
        print(f"构建成功（{args.engine}，严格模式）：网站在 {site}。", flush=True)
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fix(argv: list[str]) -> int:
    """Typesetting (T001) and computed blocks (E001) rewritten in place; everything else is left alone."""
    parser = argparse.ArgumentParser(prog="python -m opskb fix", description="自动修正中英文排版，并重新生成计算块。")
    parser.add_argument("files", nargs="*", help="只修正这些页面或目录（默认 docs/ 下全部页面）")
    args = parser.parse_args(argv)
    docs = ROOT / parse_config((ROOT / CONFIG_FILE).read_text(encoding="utf-8")).docs_dir
    wanted, problems = _wanted(args.files, ROOT)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    sources, failures = load_sources(ROOT)
    emit(failures)
    changed = 0
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        if args.files and not any(rel == w or (w.endswith("/") and rel.startswith(w)) for w in wanted):
            continue
        original, _ = decode(path.read_bytes(), rel)
        if original is None:
            print(f"{rel}：不是 UTF-8 文本，没有修改（见规则 F001）。")
            continue
        typeset = fix_typesetting(original)
        text, blocks = regenerate(typeset, sources)  # after typesetting: a block is exactly what its script says
        if text != original:
            path.write_text(text, encoding="utf-8")
            changed += 1
            what = ["排版"] if typeset != original else []
            what += [f"计算块 {'、'.join(blocks)}"] if blocks else []
            print(f"已修正 {rel}：{'，'.join(what) or '排版'}。")
    print(f"共修正 {changed} 个页面；请用 git diff 看一遍改动。" if changed else "没有需要修正的内容。")
    return 1 if failures else 0


def _npm_ready(root: Path = ROOT) -> None:
    """node_modules from package-lock.json (workflow linting, Lighthouse, axe), when npm exists."""
    lock = root / "package-lock.json"
    stamp = root / "node_modules" / ".opskb-installed"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        print("没有找到 npm：跳过 Node.js 依赖；需要它的测试会说明原因并跳过（CI 中则会失败）。", flush=True)
        return
    if subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=root, check=False).returncode == 0:
        stamp.write_text(wanted + "\n", encoding="utf-8")


def test(argv: list[str]) -> int:
    """The whole suite; extra arguments go to pytest (e.g. -k nav, tests/test_rules.py)."""
    _npm_ready()
    return subprocess.run([sys.executable, "-m", "pytest", *argv], cwd=ROOT, check=False).returncode


def setup(argv: list[str]) -> int:
    print("依赖已安装在 .venv。预览网站：python -m opskb serve；检查：python -m opskb check。")
    return 0


def lock(argv: list[str]) -> int:
    """requirements.lock from the pins in pyproject.toml, with hashes (uv, installed on demand)."""
    steps = [
        [sys.executable, "-m", "pip", "install", "--quiet", "uv"],
        [sys.executable, "-m", "uv", "pip", "compile", "pyproject.toml", "--extra", "test", "--generate-hashes",
         "--python-version", "3.11.5", "-o", "requirements.lock"],
    ]
    for step in steps:
        if (status := subprocess.run(step, cwd=ROOT, check=False).returncode) != 0:
            return status
    return 0
