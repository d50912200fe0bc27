"""`python -m opskb <命令>`: one way to install, preview, check and fix, on Windows, macOS and Linux.

Stage one needs nothing but Python 3.11.5+ and its standard library: on first use (and whenever
requirements.lock changes) it creates `.venv`, installs the pinned, hash-checked lock into it
and runs the command again with the environment's Python (`.venv/bin/python`, on Windows
`.venv\\Scripts\\python.exe`). Stage two, inside the environment, calls the command's function.

A command is one line in COMMANDS: its name, "module:function" (the function takes the remaining
arguments and returns the exit status) and a line of help. This module imports nothing outside
the standard library.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11, 5)
STAMP = ".opskb-installed"  # in the environment: which lock (and Python) it was installed from
PTH = "opskb-checkout.pth"  # in the environment's site-packages: makes this checkout importable
_RELAUNCHED = "OPSKB_RELAUNCHED"  # set for the second stage: never relaunch twice


@dataclass(frozen=True)
class Command:
    target: str  # "module:function"
    help: str


COMMANDS: dict[str, Command] = {
    "serve": Command("opskb.commands:serve", "安装依赖，在 http://127.0.0.1:8000 预览网站，保存即重建"),
    "check": Command("opskb.cli:main", "运行全部校验规则（页面、图片、导航、链接、排版、计算块）"),
    "fix": Command("opskb.commands:fix", "自动修正中英文排版，并重新生成计算块"),
    "build": Command("opskb.commands:build", "严格构建网站到 site/（出错时不生成任何文件）"),
    "pdf": Command("opskb.pdf:main", "把全书打印成 site/yunying-zhishiku.pdf（需先 build；用 Chromium）"),
    "test": Command("opskb.commands:test", "运行全部测试"),
    "bench": Command("opskb.bench:main", "性能基准：打印速度与体积的实测数字"),
    "setup": Command("opskb.commands:setup", "只安装依赖（开发容器创建时运行）"),
    "lock": Command("opskb.commands:lock", "维护者：按 pyproject.toml 重新生成 requirements.lock"),
    "gate": Command("opskb.gate:main", "持续集成：用本检出的规则检查拉取请求的内容"),
    "summary": Command("opskb.gate:summary", "持续集成：把检查报告写成中文摘要"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["用法：python -m opskb <命令> [参数]", "", "命令："]
    lines += [f"  {name.ljust(width)}  {command.help}" for name, command in COMMANDS.items()]
    lines += ["", "每个命令加 --help 查看参数。第一次运行会创建 .venv 并安装锁定版本的依赖。"]
    return "\n".join(lines)


def venv_python(venv_dir: Path, os_name: str = os.name) -> Path:
    return venv_dir / ("Scripts/python.exe" if os_name == "nt" else "bin/python")


def wanted_stamp(root: Path = ROOT) -> str:
    return hashlib.sha256((root / "requirements.lock").read_bytes()).hexdigest()


def _stamp(prefix: Path) -> str:
    try:
        return (prefix / STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def install(root: Path = ROOT) -> int:
    """Create root/.venv if needed and install the lock into it; 0 on success."""
    env_dir = root / ".venv"
    python = venv_python(env_dir)
    print("正在准备 .venv：安装锁定版本的依赖（第一次需要几分钟，之后只在依赖变化时重装）……", flush=True)
    try:
        if not python.exists():
            venv.EnvBuilder(with_pip=True, clear=env_dir.exists()).create(env_dir)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"无法创建虚拟环境 .venv（{error}）。Debian/Ubuntu 请先安装：sudo apt install python3-venv；"
              "Windows 和 macOS 请从 python.org 安装 Python 3.11.5 或更新版本。", file=sys.stderr)
        return 1
    (env_dir / STAMP).unlink(missing_ok=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
           "--require-hashes", "-r", str(root / "requirements.lock")]
    if subprocess.run(pip, check=False).returncode != 0:
        print("安装依赖失败（原因见上方 pip 的输出）；请检查网络后重新运行同一命令。", file=sys.stderr)
        return 1
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / PTH).write_text(str(root) + "\n", encoding="utf-8")
    (env_dir / STAMP).write_text(wanted_stamp(root) + "\n", encoding="utf-8")
    print("依赖已安装。", flush=True)
    return 0


def hand_over(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Run `command` in place of this process where the system allows it (POSIX), so that stopping
    it (Ctrl+C, or a terminal or editor ending it) stops everything; on Windows as a child."""
    if cwd is not None:
        os.chdir(cwd)
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, dict(os.environ if env is None else env))
    return subprocess.run(command, env=env, check=False).returncode


def _speak_utf8() -> None:
    """Chinese output even where the terminal's or pipe's encoding cannot hold it (a Windows pipe)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    os.environ.setdefault("PYTHONUTF8", "1")  # and in every process the commands start


def main(argv: list[str] | None = None) -> int:
    _speak_utf8()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if args else 2
    name = args[0]
    if name not in COMMANDS:
        close = difflib.get_close_matches(name, COMMANDS, n=1)
        tip = f"是否想用 {close[0]}？" if close else ""
        print(f"没有「{name}」这个命令。{tip}\n\n{usage()}", file=sys.stderr)
        return 2
    if sys.version_info < MIN_PYTHON:
        print(f"需要 Python {'.'.join(map(str, MIN_PYTHON))} 或更新版本，当前是 {sys.version.split()[0]}；"
              "请从 python.org 安装新版本后再运行。", file=sys.stderr)
        return 2
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    try:
        # Any environment installed from this lock will do (a test's copy of the checkout uses the
        # project's own); otherwise the checkout's .venv, created or updated first.
        if _stamp(Path(sys.prefix)) != wanted_stamp():
            if os.environ.get(_RELAUNCHED):
                print(f"{sys.executable} 不是按 requirements.lock 安装的环境；请删除 .venv 后重新运行。", file=sys.stderr)
                return 1
            env_dir = ROOT / ".venv"
            if _stamp(env_dir) != wanted_stamp() and (status := install()) != 0:
                return status
            path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "PYTHONPATH": path, _RELAUNCHED: "1"}
            return hand_over([str(venv_python(env_dir)), "-m", "opskb", *args], env)
        os.environ.pop(_RELAUNCHED, None)  # commands may start other checkouts' launchers
        module, function = COMMANDS[name].target.split(":")
        return int(getattr(import_module(module), function)(args[1:]) or 0)
    except KeyboardInterrupt:
        return 130
