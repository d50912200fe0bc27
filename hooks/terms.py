"""Terms from includes/terms.yml: tooltips on every page, the glossary page's list, its filter script.

The logic lives in opskb.terms (data) and opskb.glossary (what pages show); errors in the data are
reported by the page rules (hooks/validate.py, rule IDs G001–G014) before anything is rendered.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from opskb.glossary import GLOSSARY_MARKER, GLOSSARY_PAGE, GLOSSARY_SCRIPT, TermLinks, render_glossary, see_title, tooltips
from opskb.terms import TERMS_FILE, Glossary, TermsError, load_terms

_state: dict[str, object] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    try:
        glossary = load_terms(root / TERMS_FILE)
    except TermsError as error:
        _state["error"] = error  # reported with file:line by the page rules; the build stops in on_pre_build
        return config
    _state.pop("error", None)
    _state["glossary"] = glossary
    # Python-Markdown's abbr extension, fed from the data: every acronym on every page gets its tooltip.
    config.mdx_configs.setdefault("abbr", {})["glossary"] = tooltips(glossary)
    links = TermLinks(glossary)
    _state["links"] = links
    config.markdown_extensions.append(links)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    if "error" in _state:
        raise PluginError(f"{TERMS_FILE} 有错误（见上方 文件:行:列）；修正后再构建。")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    links = _state.get("links")
    if isinstance(links, TermLinks):
        links.page = page.file.src_uri
    glossary = _state.get("glossary")
    if page.file.src_uri != GLOSSARY_PAGE or not isinstance(glossary, Glossary):
        return markdown
    docs = Path(config.docs_dir)
    titles = {term.id: see_title("", term.see, lambda path: (docs / path).read_text(encoding="utf-8")) for term in glossary.terms}
    generated = render_glossary(glossary, lambda term: titles[term.id])
    page.meta["scripts"] = [*page.meta.get("scripts", []), GLOSSARY_SCRIPT]
    return "\n".join(generated if line.strip() == GLOSSARY_MARKER else line for line in markdown.split("\n"))
