"""Page and image rules of the knowledge base.

Every rule is a plain function over text (a page's Markdown, an image's bytes) that returns
findings. The MkDocs hook and the command line both call `check_site`, so a contributor sees the
same messages in `mkdocs build`, in pre-commit and on the pull request.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pymdownx.slugs import slugify as _pymdownx_slugify

Severity = Literal["error", "warning"]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: 10× faster


@dataclass(frozen=True)
class Rule:
    """A rule and its documentation: the catalogue page (docs/contributing/rules.md) is generated
    from these fields, and a test runs each `bad`/`good` example through the checker."""

    id: str
    severity: Severity
    title: str
    doc: str = ""  # what the rule asks and how to fix a finding, for the catalogue
    bad: str = ""  # an example the rule reports
    good: str = ""  # its nearest harmless look-alike, which passes every rule
    syntax: Literal["markdown", "yaml"] = "markdown"  # examples are a page, or mkdocs.yml


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    rule: str
    message: str

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def format(self) -> str:
        level = "错误" if self.severity == "error" else "警告"
        return _printable(f"{self.path}:{self.line}:{self.col}: {level} {self.rule} {self.message}")

    def github(self) -> str:
        """A workflow command that annotates the line on the pull request's diff; its text is the
        whole `format()` line, so the log reads the same as a local check.

        Paths and messages carry text from the pull request: escaped so that nothing in them can
        end the annotation early or start a workflow command of its own.
        """
        def data(text: str) -> str:
            return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(text: str) -> str:
            return data(text).replace(":", "%3A").replace(",", "%2C")

        kind = "error" if self.severity == "error" else "warning"
        where = f"file={prop(self.path)},line={self.line},col={self.col},title={prop(self.rule)}"
        return _printable(f"::{kind} {where}::{data(self.format())}")

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col, "rule": self.rule,
                "severity": self.severity, "message": self.message}


def _printable(text: str) -> str:
    """Control characters (a newline in a file name) shown as escapes: one finding, one line."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


_PAGE = "# 页面标题\n\n正文。\n\n"
_SITE = "site_name: 示例\nnav:\n  - 首页: index.md\n"
_RULE_LIST = [
    Rule("F001", "error", "文件无法按 UTF-8 文本读取",
         "页面必须是 UTF-8 编码的纯文本。用某些编辑器以 GBK 保存，或误把图片、Word 文档改名为 .md，都会触发这条规则。"
         "修正方法：在编辑器中选择「以 UTF-8 编码保存」，或换回正确的文件。"),
    Rule("F002", "error", "页首元数据（front matter）格式错误",
         "页面开头 `---` 之间的元数据必须是合法的 YAML，且以 `---` 结束。",
         bad="---\ndescription: [未闭合的方括号\n---\n\n# 页面标题\n\n正文。",
         good="---\ndescription: 一句话说明本页内容。\n---\n\n# 页面标题\n\n正文。"),
    Rule("F003", "error", "引用的文件片段不存在",
         "`--8<-- \"rfm.py\"` 会把 includes/ 或 examples/ 中的文件（路径相对于这两个目录）嵌入页面，常用于展示 examples/ 中的代码；"
         "其他目录、隐藏文件、网址和绝对路径都不能嵌入。文件不存在或不在这两个目录中时会报告这条规则。修正方法：核对路径和大小写。"),
    Rule("H001", "error", "页面没有一级标题", "每个页面都以一个一级标题（页面标题）开头：在第一行写「# 页面标题」，页首元数据之后也一样。",
         bad="正文直接开始，没有标题。", good="# 页面标题\n\n正文。"),
    Rule("H002", "error", "页面有多个一级标题",
         "一级标题就是页面标题，一页只能有一个；其余改为二级标题，或拆成新页面。",
         bad="# 用户运营\n\n正文。\n\n# 内容运营\n\n正文。", good="# 用户运营\n\n正文。\n\n## 与内容运营的关系\n\n正文。"),
    Rule("H003", "error", "第一个标题不是一级标题", "页面的第一个标题必须是一级标题（页面标题）：把一级标题移到最前面，或把它前面的标题改为二级。",
         bad="## 概念\n\n正文。\n\n# 页面标题\n\n正文。", good="# 页面标题\n\n正文。\n\n## 概念\n\n正文。"),
    Rule("H004", "error", "标题跳级", "标题一次只能加深一级（二级之下是三级），跳级会让目录和读屏软件的大纲出错。",
         bad=_PAGE + "#### 细节\n\n正文。", good=_PAGE + "## 细节\n\n正文。"),
    Rule("H005", "error", "标题层级过深", "最多使用四级标题；更深的层级说明这一节该拆分，或改用列表。",
         bad="# 一\n\n正文。\n\n## 二\n\n正文。\n\n### 三\n\n正文。\n\n#### 四\n\n正文。\n\n##### 五\n\n正文。",
         good="# 一\n\n正文。\n\n## 二\n\n正文。\n\n### 三\n\n正文。\n\n#### 四\n\n正文。"),
    Rule("H006", "error", "标题为空或只有符号", "标题必须说明这一节讲什么，不能为空，也不能只由符号组成。",
         bad=_PAGE + "## ➤➤➤\n\n正文。", good=_PAGE + "## 用户分层\n\n正文。"),
    Rule("H007", "error", "标题含手写编号",
         "不要在标题里手写「1.」「1.1.」「（1）」「二、」「第 3 章」「Step 1」之类的编号：章节顺序由导航和标题层级决定，"
         "手写编号在调整顺序后必然出错。",
         bad=_PAGE + "## 1.1.概念\n\n正文。", good=_PAGE + "## 概念\n\n正文。"),
    Rule("H008", "error", "同页标题锚点重复",
         "每个标题都会生成一个锚点（小写、去掉标点、空格变为连字符），供链接和目录使用。同一页面两个标题生成相同锚点时，"
         "链接只能指向其中一个；请改写其中一个标题。",
         bad=_PAGE + "## 留存\n\n正文。\n\n## 留存\n\n正文。", good=_PAGE + "## 留存\n\n正文。\n\n## 留存率的计算\n\n正文。"),
    Rule("H009", "error", "空章节",
         "标题之后直到下一个同级或更高级标题（或页面结尾）之间必须有正文；只有注释也算空。子标题下有正文时，上级标题可以直接接子标题。",
         bad=_PAGE + "## 待写的小节\n\n## 下一节\n\n正文。", good=_PAGE + "## 上一节\n\n### 子节\n\n正文。"),
    Rule("H010", "error", "标题含装饰符号", "标题中不要使用 ➤、★、◆ 或表情符号等装饰；强调靠标题层级和正文表达。",
         bad=_PAGE + "## ★ 重点 ★\n\n正文。", good=_PAGE + "## 重点\n\n正文。"),
    Rule("I001", "error", "图片文件不存在",
         "图片路径必须指向 img/ 中真实存在的文件，文件名大小写也必须一致（macOS 和 Windows 默认不区分大小写，发布网站的 Linux 区分）。"
         "路径中的中文和百分号编码都可以识别，`?v=2` 之类的查询参数和 `#` 片段会被忽略。报错会给出最接近的现有图片。",
         bad="# 页面标题\n\n![用户生命周期曲线](../img/User-Lifecycle.svg)",
         good="# 页面标题\n\n![用户生命周期曲线](../img/user-lifecycle.svg?v=2)"),
    Rule("I002", "error", "图片路径不在顶层 img/ 目录",
         "所有图片都放在仓库顶层的 img/ 目录，用相对路径引用：docs/ 下的页面写 `../img/文件名`，docs/ 下一层目录中的页面写 "
         "`../../img/文件名`，以此类推。这样在 GitHub 上直接查看 Markdown 时图片也能显示。不允许绝对路径（以 / 开头）和指向仓库之外的路径。",
         bad="# 页面标题\n\n![用户生命周期曲线](/img/user-lifecycle.svg)",
         good="# 页面标题\n\n![用户生命周期曲线](../img/user-lifecycle.svg)"),
    Rule("I003", "error", "外部或内嵌图片",
         "不允许引用其他网站的图片（http、https 或 // 开头），也不允许 data: 内嵌图片：许多读者在中国大陆或离线环境中阅读，"
         "外部图片可能无法加载。请把图片文件存入 img/。普通的外部链接不受影响。",
         bad="# 页面标题\n\n![用户生命周期曲线](https://cdn.example.com/lifecycle.png)",
         good="# 页面标题\n\n![用户生命周期曲线](../img/user-lifecycle.svg)\n\n图片改绘自[这篇文章](https://example.com/article)。"),
    Rule("I004", "error", "图片缺少替代文字",
         "`![替代文字](路径)` 中的替代文字供读屏软件朗读，图片加载失败时也会显示，必须用一句话描述图片内容，不能留空，也不能只写文件名。",
         bad="# 页面标题\n\n![](../img/user-lifecycle.svg)",
         good="# 页面标题\n\n![用户生命周期五个阶段的活跃度曲线](../img/user-lifecycle.svg)"),
    Rule("I005", "error", "图片格式不允许",
         "img/ 中只接受 .svg、.png、.jpg、.jpeg、.webp、.gif、.avif 文件。示意图优先用 SVG（体积小、放大不失真），照片和截图用 WebP 或 JPEG。"),
    Rule("I006", "error", "图片文件过大",
         "每个图片文件不超过 500 KB：手机读者要为每个字节付流量。请缩小尺寸、转为 WebP 或压缩后再提交。"),
    Rule("I007", "error", "img/ 中的符号链接指向仓库外",
         "img/ 中的符号链接如果指向仓库之外，发布时会把仓库外的文件公开出去，因此不允许。请把真实文件复制进 img/。"),
    Rule("I008", "warning", "图片未被任何页面使用",
         "img/ 中没有页面引用的文件会被报告，提醒删除多余文件或补上引用。某个页面把这张图片的文件名写错时（I001 已建议改用它），"
         "不再报告这一条。"),
    Rule("I009", "error", "SVG 含不允许的元素或属性",
         "SVG 是可以包含脚本的文本文件，读者直接打开图片地址时脚本会执行。SVG 只能用 SVG 命名空间中的绘图元素（path、rect、text、g、"
         "marker、渐变等）和它们的外观属性：`<script>`、`<foreignObject>`、`<a>`、`<use>`、`<image>`、`<animate>`/`<set>`、"
         "其他命名空间的元素、`onload=` 等事件属性、`href`、`style=`、`<!DOCTYPE>` 和外部 `url()` 都不允许；`<style>` 只能写普通的 CSS"
         "（如深色模式的配色），不能有 `@import`、`@font-face`、反斜杠转义和指向文件外的 `url()`。"
         "用绘图软件导出 SVG 时请选择「不嵌入脚本」「样式写成属性」「字体使用系统字体」。"),
    Rule("S001", "error", "页面含危险 HTML 标签",
         "页面来自公开的拉取请求，因此不允许 `<script>`、`<iframe>`、`<object>`、`<embed>`、`<form>` 等可执行代码或嵌入外部内容的标签。"
         "写在代码块里作为示例则没有问题。",
         bad="# 页面标题\n\n<script>alert(1)</script>", good="# 页面标题\n\n在正文中提到 `<script>` 标签时，用行内代码书写。"),
    Rule("S002", "error", "HTML 含事件处理属性", "`onclick=`、`onerror=` 等事件属性会执行脚本，不允许出现在页面的 HTML 中。",
         bad='# 页面标题\n\n<img src="../img/user-lifecycle.svg" alt="用户生命周期曲线" onerror="alert(1)">',
         good='# 页面标题\n\n<img src="../img/user-lifecycle.svg" alt="用户生命周期曲线">'),
    Rule("S003", "error", "javascript: 链接", "链接和图片地址不允许使用 `javascript:` 协议。",
         bad="# 页面标题\n\n[点这里](javascript:alert(1))", good="# 页面标题\n\n[点这里](index.md)"),
    Rule("N001", "error", "页面不在导航中",
         "docs/ 中的每个页面都要列在 mkdocs.yml 的 `nav:` 中，否则读者在导航里找不到它。报错会写出要加的那一行和位置："
         "通常加在同一目录其他页面的最后一行之后，与它左边对齐，写作 `- 中文标题: 目录/文件名.md`（路径相对于 docs/）。"
         "只给维护者看的页面可以列入 mkdocs.yml 的 `not_in_nav:`，但仍要从所在目录的 index.md 链接。",
         bad=_SITE, good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("N002", "error", "导航指向不存在的页面",
         "`nav:` 中的路径必须是 docs/ 中真实存在的 .md 文件，大小写也要一致；路径相对于 docs/。报错会给出最接近的现有页面。"
         "页面改名或移动后，导航、链接和重定向（`redirects`）要一起改。",
         bad=_SITE + "  - 页面: pgae.md\n", good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("N003", "error", "导航条目写法错误",
         "导航的每个条目占一行，写作 `- 标题: 路径`：冒号用半角，后面加一个空格（写成全角「：」或漏掉空格，整行会被当作文件名）；"
         "路径相对于 docs/，用 / 分隔，不以 docs/ 或 / 开头；一个条目只写一对 `标题: 路径`；分组写作 `- 组名:`，组内条目比它多缩进一级。"
         "导航只列本站的页面，不放外部网址。",
         bad=_SITE + "  - 页面：page.md\n", good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("N004", "error", "页面在导航中出现多次",
         "一个页面在 `nav:` 中只能出现一次，否则导航高亮和「上一页」「下一页」都会错乱。请删去多余的一行；需要在别处提到它时，在正文中加链接。",
         bad=_SITE + "  - 页面: page.md\n  - 再次列出: page.md\n", good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("N005", "error", "页面没有从所在目录的 index.md 链接",
         "每个目录的 index.md 是这一章的目录页，读者从它进入本章的每个页面（下一级目录的 index.md 也算本章的页面）。"
         "新页面除了加入 `nav:`，还要在同一目录的 index.md 中加一行链接，例如 `- [北极星指标](north-star-metric.md)：一句话介绍。`"),
    Rule("N006", "error", "目录缺少 index.md",
         "含有页面的每个目录都要有 index.md：它介绍这一章、链接本目录的每个页面，在导航中是这一章的首页。"),
    Rule("N007", "error", "图片放在了 docs/ 中",
         "图片只放在仓库顶层的 img/ 目录。放进 docs/ 的图片会被原样发布，却不经过图片规则（格式、大小、SVG 安全）的检查。"
         "请把文件移到 img/，再在页面中用相对路径引用（docs/ 下的页面写 `../img/文件名`）。"
         "页面引用了 docs/ 中的图片时，由 I002 在引用处报告；图片以外的非页面文件由 docs/ 的文件类型允许清单把关。"),
    Rule("N008", "error", "链接指向不存在的页面或文件",
         "站内链接写目标源文件的相对路径，目标必须存在，大小写一致：同一目录写 `rfm.md`，上一级写 `../glossary.md`。"
         "报错会给出最接近的现有页面。",
         bad="# 页面标题\n\n详见[RFM 模型](rfm.md)。", good="# 页面标题\n\n详见[首页](index.md)。"),
    Rule("N009", "error", "链接指向不存在的锚点",
         "`页面.md#锚点` 中的锚点必须由目标页面的某个标题生成：英文转为小写，去掉标点（包括全角括号、顿号和斜线），空格变为 -。"
         "标题改名后，指向它的链接也要一起改。报错会给出目标页面中最接近的锚点。",
         bad="# 页面标题\n\n详见[首页](index.md#不存在的小节)。", good="# 页面标题\n\n详见[首页](index.md#首页)。"),
    Rule("N010", "error", "站内链接没有写成 .md 文件路径",
         "站内链接写源文件的相对路径（如 `../glossary.md#ltv`），不写构建后的网址（`/glossary/`、`rfm/`、`rfm.html`）："
         "源文件路径在 GitHub 上和网站上都有效，页面改名时也能被检查出来。",
         bad="# 页面标题\n\n回到[首页](/)。", good="# 页面标题\n\n回到[首页](index.md)。"),
    Rule("Y001", "error", "mkdocs.yml 不是合法的 YAML",
         "mkdocs.yml 的层级由缩进决定：只用空格，不用 Tab；同一层的条目左边对齐，子条目比上一级多缩进；标题含「: 」或 # 时加引号。"
         "这类错误会让 MkDocs 在读取配置时就停下，所以由 `python -m opskb check` 和 `python -m opskb build` 在 MkDocs 运行之前报告行、列和可能的原因。",
         bad=_SITE + " - 页面: page.md\n", good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("Y002", "error", "mkdocs.yml 中有重复的键",
         "同一层级中一个键只能出现一次。例如写了两个 `nav:`，后一个会悄悄覆盖前一个，前一个里的页面就从导航中消失了。请把两处合并为一处。",
         bad=_SITE + "nav:\n  - 页面: page.md\n", good=_SITE + "  - 页面: page.md\n", syntax="yaml"),
    Rule("T001", "error", "中英文排版不规范",
         "中文与英文字母、数字之间加一个空格，中文句子中用全角标点（，。：；？！），规则见写作规范，由 autocorrect 检查。"
         "报错给出位置和修正后的文字。运行 `python -m opskb fix` 一次修正全部页面（后面加文件名则只修正这几页），再用 `git diff` 看一遍改动。",
         bad="# 页面标题\n\n用户运营,是运营工作的核心。", good="# 页面标题\n\n用户运营是运营工作的核心，LTV 是它的衡量指标。"),
    Rule("E001", "error", "计算块与脚本的计算结果不一致",
         "`<!-- computed: 名称 -->` 与 `<!-- /computed -->` 之间的内容由 examples/ 中的脚本根据数据算出，不要手改，哪怕只是四舍五入。"
         "要改数字，请修改数据（如 examples/orders.csv）或脚本，再运行 `python -m opskb fix` 重新生成所有页面中的计算块。报错会写明生成这一块的脚本和数据。"),
    Rule("E002", "error", "计算块标记有误",
         "计算块的起止标记各占一行：以 `<!-- computed: 名称 -->` 开始，以 `<!-- /computed -->` 结束，不嵌套，不漏写结束标记；"
         "名称必须是 examples/ 中某个脚本给出的块名，写错时报错会给出最接近的名称。"),
    Rule("E003", "error", "原始笔记的主题在网站中找不到",
         "本站由一份原始笔记整理而来，tests/fixtures/seed-map.yml 记录笔记的每个标题（主题）在网站中对应的页面和锚点。"
         "笔记中的句子可以修改和改进，但每个主题都要有归宿：改了页面标题，锚点也随之改变，请把 seed-map.yml 中对应条目的 anchor 改为新锚点"
         "（报错会给出最接近的现有锚点）；删除或合并页面时，把条目改为指向承接这部分内容的页面。"),
    Rule("G001", "error", "术语数据文件无法读取或不是合法的 YAML",
         "`includes/terms.yml` 缺失、不是 UTF-8 编码，或者 YAML 语法有误（常见的是用了 Tab 缩进、冒号后没有空格、引号不成对）。"
         "报错会指出出错的行；术语表和所有悬停提示都由这个文件生成，修好之前无法构建。字段的写法见写作规范的「术语数据」一节。"),
    Rule("G002", "error", "术语数据结构错误",
         "文件顶层只能有 `groups:`（分组）和 `terms:`（术语列表）两项，每个术语是 `terms:` 下以 `- id: …` 开头的一段。"),
    Rule("G003", "error", "术语缺少必填字段或字段类型错误",
         "每个术语都要有 `id`、`name`、`definition`、`see` 和 `group`；除 `aliases` 和 `formula` 可以写成列表外，其余字段都是一行文字。"),
    Rule("G004", "error", "术语有未知字段", "字段名拼错时（例如把 `definition` 写成 `defintion`），报错会给出最接近的正确字段名。"),
    Rule("G005", "error", "术语文字跨行或含尖括号", "释义等字段只写一行；也不能含 `<` `>`，它们会被当作网页代码插入悬停提示。"),
    Rule("G006", "error", "术语 id 格式错误",
         "`id` 是术语表中的固定锚点（如 `glossary/#ltv`），只用小写英文字母、数字和连字符，不能以 `index-` 开头（首字母索引占用了这些锚点）。"),
    Rule("G007", "error", "术语的分组不存在", "`group` 必须是文件开头 `groups:` 中列出的分组之一，报错会给出最接近的分组名。"),
    Rule("G008", "error", "术语的详解链接格式错误",
         "`see` 写 `docs/` 下的页面路径，可带锚点，例如 `modules/user-operations/ltv.md#ltv-的计算公式`，不写网址。"),
    Rule("G009", "error", "术语 id、名称、缩写或别称重复",
         "每个 `id` 只能用一次；名称、缩写和别称在全站只能指向一个术语（比较时不区分大小写、全角半角和空格），否则搜索和筛选不知道该给哪一个。"),
    Rule("G010", "error", "术语的详解页面或锚点不存在", "`see` 指向的页面或小节不存在，常见于页面改名或标题修改之后；报错会给出最接近的页面或锚点。"),
    Rule("G011", "error", "页面自行定义缩写",
         "页面里的 `*[缩写]: 释义` 会在这一页生成另一份释义。缩写的释义只写在 `includes/terms.yml` 中，请删去这一行，改为补充术语数据。"),
    Rule("G012", "error", "页面公式与术语表口径不一致",
         "页面里写出的公式（行内代码、`text` 代码块、表格中的公式列和「指标：公式」式的定义）与术语表中同一指标的公式结构不同，"
         "例如把按订单计算的结果叫客单价，或 ROI 的分子用了收入而不是毛利。报错会给出术语表的写法；意思相同而措辞不同时，也请改成术语表的写法。"),
    Rule("G013", "error", "术语表公式无法解析或左边不是该术语",
         "`formula` 要写成「术语 = 表达式」，左边是这个术语的名称、缩写或别称，右边只用 × ÷ + − 和成对的括号。"),
    Rule("G014", "error", "术语表页面缺少生成位置标记",
         "`docs/glossary.md` 中单独成行的 `<!-- glossary: includes/terms.yml -->` 标记了术语列表生成的位置，必须保留且只保留一行。"),
    Rule("K001", "error", "未知的计算器",
         "「工具」一章的计算器用一行占位符嵌入页面，`data-calculator` 只能是 `rfm`、`ltv`、`cohort`、`ab-test` 之一，构建时据此只在这一页加载对应的脚本。"
         "写错名称时计算器不会出现，所以构建会停下来提示。修正方法：改成上面四个名称之一。",
         bad='# 页面标题\n\n<div class="opskb-calculator" data-calculator="rfm-tool"></div>\n\n正文。',
         good='# 页面标题\n\n<div class="opskb-calculator" data-calculator="rfm"></div>\n\n正文。'),
    Rule("S004", "error", "渲染后的页面含不允许的 HTML",
         "构建时，每个页面渲染出的 HTML 都要经过安全清理：只允许 Markdown 及其扩展、术语链接、计算器占位符和图片灯箱生成的标签、属性和地址"
         "（链接只能是本站页面、https、http 或 mailto，图片只能来自本站）。清理时要删掉的任何内容（脚本、事件属性、`<style>`、`<meta>`、"
         "`<svg>`、远程图片、`srcset`、`style=` 中的外部地址、灯箱的 `data-title` 说明、主题保留的 class 和 id 等）都会让构建失败，"
         "报错指出页面和能追溯到的源文件行。标题（页面、导航和目录中的）也不能含 `<` `>` `\"`。"
         "这条规则在构建时检查 Markdown 真正渲染出的结果，片段、脚注、提示框里的内容也一样。修正方法：改用 Markdown 写法，或删除这段 HTML。"),
    Rule("S005", "error", "页首元数据的键或值不允许",
         "页首元数据（页面开头 `---` 之间，或第一行起的「键: 值」）只能写 `title`、`description`、`hide`、`search`："
         "`template`、`scripts`、`styles` 等会改变页面加载内容的键不允许（构建钩子自己设置的项也不能由页面写）。"
         "`title` 和 `description` 是一行纯文字，不含 `<` `>` `\"`；`hide` 是 navigation、toc、footer 等的列表。",
         bad="---\ndescription: 简介\ntemplate: ../../etc/passwd\n---\n\n# 页面标题\n\n正文。",
         good="---\ndescription: 一句话说明本页内容。\n---\n\n# 页面标题\n\n正文。"),
    Rule("S006", "error", "attr_list 属性不允许",
         "`{: #锚点 .类名 }` 只能给元素加 id、class 和图片的 width、height。`{: onclick=… }`、`{: href=… }`、`{: style=… }`、"
         "灯箱说明 `data-title`/`data-description` 等其他属性都不允许。修正方法：删去这些属性。",
         bad="# 页面标题\n\n正文。\n{: data-title=\"说明\" }",
         good="# 页面标题\n\n正文。\n{: #intro .lead }"),
    Rule("F004", "error", "docs/ 中有不允许的文件",
         "docs/ 只放 Markdown 页面（.md）和 mkdocs.yml 中 `extra_css` 列出的样式表：其他文件（.html、.js、.svg、.txt……）会被原样发布，"
         "不经过任何检查；与主题文件同名的文件（如 assets/javascripts/bundle.*.js、assets/stylesheets/main.*.css、search/ 下的文件）"
         "会替换主题的文件。图片放在 img/，下载用的数据放在 examples/。"),
    Rule("F005", "error", "符号链接",
         "docs/、img/、includes/、examples/ 中不允许符号链接（包括 git 中以符号链接模式 120000 提交的文件）："
         "它可能指向仓库外的文件（如 /etc/passwd、/proc/self/environ 或 .git），在构建时被发布或嵌入页面。请提交真实的文件。"),
    Rule("F006", "error", "隐藏文件",
         "docs/、img/、includes/、examples/ 中不允许以 . 开头的文件或目录：它们不显示在多数文件管理器里，审阅时容易漏看。请删除，或改成正常的文件名。"),
    Rule("F007", "error", "页面过大、行过长或嵌套过深",
         "为了让检查和构建始终快速、不会崩溃：每个页面不超过 200 KB，每行不超过 4000 个字符，列表和引用最多嵌套 16 层，"
         "方括号 [ 每段不超过 200 个、每页不超过 2000 个，尖括号 < 每页不超过 2000 个。"
         "超出时请拆分页面、给长段落分行，或减少嵌套层级。"),
    Rule("F008", "error", "样式表从外部加载资源",
         "docs/ 中的样式表（mkdocs.yml 的 `extra_css`）不能用 `@import`，`url()` 也只能是本站的相对路径：网站不从其他网站加载任何内容。"),
    Rule("N011", "error", "重定向目标不是站内页面",
         "mkdocs.yml 中 `redirects` 的 `redirect_maps` 把旧地址（已删除或改名的 .md 路径）指向 docs/ 中现有的页面（.md 路径，可带 #锚点）："
         "不能指向外部网址或不存在的页面，旧地址也不能是现有页面。"),
    Rule("K002", "error", "计算器占位符写法不对",
         "占位符要顶格、单独占一行，前后各空一行，并且正好写成 `<div class=\"opskb-calculator\" data-calculator=\"名称\"></div>`："
         "不加其他属性，标签之间不写内容，也不放进提示框（`!!!`）里。否则 Markdown 会把它当成普通文字，或者安全检查会去掉它。修正方法：照正确示例重写这一行。",
         bad='# 页面标题\n\n试试计算器：<div class="opskb-calculator" data-calculator="ltv"></div>',
         good='# 页面标题\n\n试试计算器：\n\n<div class="opskb-calculator" data-calculator="ltv"></div>'),
]
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}

IMAGE_FORMATS = frozenset({".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"})
IMAGE_MAX_BYTES = 500 * 1024
MAX_HEADING_LEVEL = 4
# The 工具 chapter's calculators: a page embeds one with exactly this line (hooks/calculators.py loads
# overrides/assets/javascripts/tools/NAME.js for it).
CALCULATORS = ("rfm", "ltv", "cohort", "ab-test")
CALCULATOR_PLACEHOLDER = '<div class="opskb-calculator" data-calculator="{}"></div>'
UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "form", "frame", "frameset", "base"})

# Inline parsing is half the cost of a page; `_inline_tokens` runs it only where a rule can look.
# Tables need no rule of their own (as paragraphs they are content all the same), and the table
# rule, tried on every line, costs a fifth of the parse.
_md = MarkdownIt("commonmark", {"html": True}).disable("inline")
# Python-Markdown renders javascript: links that markdown-it would silently drop: keep them to flag.
_md.validateLink = lambda url: True
_HAND_NUMBERING = re.compile(
    r"""^(?:
        \d+(?:[.．]\d+)*\s*[.．、)）]        # 1.  1.1.  1、  1)
      | \d+(?:[.．]\d+)+(?=\s|[^\d.．])    # 1.1 标题
      | [（(]\s*[\d一二三四五六七八九十]+\s*[)）]   # （1） (一)
      | [一二三四五六七八九十百]+\s*[、.．]        # 二、
      | 第\s*[\d一二三四五六七八九十百]+\s*[章节部篇条步讲课]   # 第 3 章
      | (?:step|part|chapter|section)\s*\d+     # Step 1
      | [\u2460-\u2473\u2776-\u277f]           # ① ❶
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# Linear-time patterns only (a page may hold 4,000-character lines of `{`, `[` or `<`): a brace group
# never spans another brace, a tag never spans another angle bracket, and an id is searched for inside
# the group found, not by one pattern that backtracks over the whole line.
_BRACES = re.compile(r"\{([^{}\n]*)\}")
_TRAILING_BRACES = re.compile(r"\{([^{}]*)\}\s*$")
_ID_IN_BRACES = re.compile(r"#([\w\-\u00a0-\uffff]+)")


def _heading_id(raw: str) -> tuple[str | None, str]:
    """A heading's attr_list id (`## 标题 {#id}`) and its title without the braces; (None, raw) without one."""
    group = _TRAILING_BRACES.search(raw)
    ident = _ID_IN_BRACES.search(group.group(1)) if group else None
    if group is None or ident is None:
        return None, raw
    return ident.group(1), raw[: group.start()].rstrip()
_CONTAINER_OPENER = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?|===)\s")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
# Python-Markdown's abbr syntax: `*[LTV]: …` defines a tooltip for the page (G011: terms.yml does).
_ABBR_DEFINITION = re.compile(r"^\s*\*\[[^\]]+\]\s*:")
# pymdownx.snippets: `--8<-- "examples/rfm.py"` pulls a file (relative to the repository root) in.
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])([^"']+)\1""")
_SNIPPET_FENCE = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
SNIPPET_FOLDERS = ("includes", "examples")  # mkdocs.yml: pymdownx.snippets base_path


def default_slugify(text: str) -> str:
    """The site's heading ids (mkdocs.yml: pymdownx.slugs.slugify, case lower)."""
    return _pymdownx_slugify(case="lower")(text, "-")


@dataclass(frozen=True)
class ImageRef:
    """An image a page uses, resolved to a path relative to the repository root."""

    path: str


@dataclass(frozen=True)
class Link:
    """A link on a page, as written (`../glossary.md#ltv`), with where it is."""

    href: str
    line: int
    col: int


@dataclass
class PageResult:
    findings: list[Finding]
    images: list[ImageRef]
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)  # ids a link may point at: headings, {#id}, id="…"
    title: str | None = None  # the H1's text
    title_line: int = 1
    near_misses: list[str] = field(default_factory=list)  # img/ files an I001 suggests instead
    misplaced: list[str] = field(default_factory=list)  # images used from outside img/ (I002)


# --------------------------------------------------------------------------- reading


def decode(data: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """Bytes of a page to text, or a finding saying why it cannot be read."""
    if b"\x00" in data:
        return None, [Finding(path, 1, 1, "F001", "文件含二进制内容（NUL 字节），不是 Markdown 文本；请检查是否误存了图片或文档。")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Finding(path, line, 1, "F001", "文件不是 UTF-8 编码；请在编辑器中以 UTF-8 重新保存。")]


def _split_front_matter(text: str, path: str) -> tuple[str, list[Finding]]:
    """Blank out YAML front matter (keeping line numbers) and check that it parses."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return text, []
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return text, [Finding(path, 1, 1, "F002", "页首元数据以 --- 开始却没有结束的 ---；请在元数据后补一行 ---。")]
    source = "\n".join(lines[1:end])
    body = "\n" * end + "\n" + "\n".join(lines[end + 1 :])  # blanked even when broken: no phantom headings
    try:
        meta = yaml.load(source, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        try:  # rare: ask the pure-Python parser, whose marks point at the offending line
            yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = (mark.line + 2) if mark is not None else 1
            return body, [Finding(path, line, 1, "F002", "页首元数据不是合法的 YAML；请检查冒号、引号和缩进。")]
        meta = None
    if meta is not None and not isinstance(meta, dict):
        return body, [Finding(path, 2, 1, "F002", "页首元数据应是「键: 值」形式，例如 description: 一句话简介。")]
    return body, []


def _dedent_containers(text: str) -> tuple[str, list[int]]:
    """Unindent admonition/details/tab bodies so they parse as the Markdown they render as.

    Python-Markdown renders the 4-space-indented body of `!!! note` as Markdown, whereas
    CommonMark would see an indented code block and hide its images from the rules. Returns the
    new text and, for each line, how many columns were removed (to report true columns).
    """
    out: list[str] = []
    shifts: list[int] = []
    stack: list[int] = []  # indents of open containers
    fence: tuple[str, int] | None = None
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped and fence is None:
            while stack and indent < stack[-1] + 4:
                stack.pop()
        shift = min(4 * len(stack), indent) if stripped else 0
        body = line[shift:]
        out.append(body)
        shifts.append(shift)
        fence_match = _FENCE.match(body)
        if fence is not None:
            if fence_match and fence_match.group(2)[0] == fence[0][0] and len(fence_match.group(2)) >= len(fence[0]):
                fence = None
        elif fence_match:
            fence = (fence_match.group(2), indent)
        elif _CONTAINER_OPENER.match(body):
            stack.append(indent)
    return "\n".join(out), shifts


# --------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class _Heading:
    level: int
    line: int
    col: int
    text: str
    anchor: str


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _is_decoration(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk", "Co") or char in "➤►▶▸◆◇★☆●○■□▲△※"


def check_headings(
    headings: list[_Heading], content_after: list[bool], path: str
) -> list[Finding]:
    findings: list[Finding] = []
    h1s = [h for h in headings if h.level == 1]
    if not headings or not h1s:
        findings.append(Finding(path, 1, 1, "H001", "页面没有一级标题；请在第一行写「# 页面标题」。"))
    elif headings[0].level != 1:
        first = headings[0]
        findings.append(Finding(path, first.line, first.col, "H003", f"第一个标题是 {first.level} 级；页面应以一级标题「# 页面标题」开头。"))
    for extra in h1s[1:]:
        findings.append(Finding(path, extra.line, extra.col, "H002", "一页只能有一个一级标题；请把它改为「## 」二级标题，或拆成新页面。"))
    seen: dict[str, int] = {}
    previous = 0
    for index, h in enumerate(headings):
        bare = h.text.strip()
        if not any(ch.isalnum() for ch in bare):
            findings.append(Finding(path, h.line, h.col, "H006", "标题为空或只有符号；请写出这一节讲什么。"))
        else:
            if _HAND_NUMBERING.match(bare):
                findings.append(Finding(path, h.line, h.col, "H007", f"标题「{bare}」含手写编号；请删去编号，顺序由导航和标题层级决定。"))
            if any(_is_decoration(ch) for ch in bare):
                findings.append(Finding(path, h.line, h.col, "H010", f"标题「{bare}」含装饰符号；请只保留文字。"))
        if previous and h.level > previous + 1:
            findings.append(Finding(path, h.line, h.col, "H004", f"标题从 {previous} 级跳到 {h.level} 级；请改为 {previous + 1} 级（{'#' * (previous + 1)} ）。"))
        if h.level > MAX_HEADING_LEVEL:
            findings.append(Finding(path, h.line, h.col, "H005", f"{h.level} 级标题过深；最多用到 {MAX_HEADING_LEVEL} 级，请合并或拆分章节。"))
        if h.anchor and h.anchor in seen:
            findings.append(Finding(path, h.line, h.col, "H008", f"标题锚点「#{h.anchor}」与第 {seen[h.anchor]} 行的标题重复；请改写其中一个标题。"))
        seen.setdefault(h.anchor, h.line)
        following = headings[index + 1] if index + 1 < len(headings) else None
        if not content_after[index] and (following is None or following.level <= h.level):
            findings.append(Finding(path, h.line, h.col, "H009", "这一节没有内容；请补写正文，或删去这个标题。"))
        previous = h.level
    return findings


# --------------------------------------------------------------------------- html safety


class _HtmlScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs, self.getpos()[0]))


def _scan_html(html: str) -> list[tuple[str, list[tuple[str, str | None]], int]]:
    parser = _HtmlScan()
    parser.feed(html)
    parser.close()
    return parser.tags


def _is_javascript_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) > 31).lower()
    return cleaned.startswith(("javascript:", "vbscript:"))


# --------------------------------------------------------------------------- images


def resolve_image(src: str, page_path: str) -> tuple[str | None, str | None, str | None]:
    """Resolve an image `src` used on `page_path` (both relative to the repository root).

    Returns (rule id, message) for a bad reference, or the repository path of the image.
    """
    url = src.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") or url.startswith("//"):
        return None, "I003", f"远程图片 {url}：中国大陆与离线读者可能无法加载；请把文件存入 img/ 并用相对路径引用。"
    if parts.scheme.lower() == "data":
        return None, "I003", "内嵌的 data: 图片无法复用和审阅；请把文件存入 img/ 并用相对路径引用。"
    if _is_javascript_url(url):
        return None, "S003", "图片地址是 javascript: 链接；请删除。"
    if parts.scheme or parts.netloc:
        return None, "I003", f"图片地址 {url} 不是仓库内的相对路径；请把文件存入 img/ 并用相对路径引用。"
    target = unquote(parts.path)
    if not target:
        return None, "I001", "图片地址为空；请填写 img/ 中的文件路径。"
    depth = page_path.count("/")
    hint = "../" * depth + "img/文件名"
    if target.startswith(("/", "\\")):
        return None, "I002", f"图片用了绝对路径 {target}；请改为相对路径，例如 {hint}。"
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))
    if resolved == ".." or resolved.startswith("../"):
        return None, "I002", f"图片路径 {target} 指向仓库之外；请把文件存入 img/，并写作 {hint}。"
    if not resolved.startswith("img/"):
        return None, "I002", f"图片路径 {target} 指向 {resolved}，不在顶层 img/ 目录；请把文件移入 img/，并写作 {hint}。"
    return resolved, None, None


def closest(wanted: str, names: Iterable[str]) -> str | None:
    """The name a contributor most likely meant: same but for case, else the closest spelling."""
    names = list(names)
    same_but_case = [name for name in names if name.lower() == wanted.lower()]
    if same_but_case:
        return same_but_case[0]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    return close[0] if close else None


def _missing_image_message(resolved: str, suggestion: str | None) -> str:
    if suggestion and suggestion.lower() == resolved.lower():
        return f"找不到 {resolved}：文件名大小写不符，实际文件是 {suggestion}（Linux 上区分大小写）。"
    tip = f"是否想用 {suggestion}？" if suggestion else "请把图片文件放入 img/，或修正路径。"
    return f"找不到图片 {resolved}；{tip}"


def _alt_problem(alt: str, src: str) -> str | None:
    text = alt.strip()
    if not text:
        return "图片缺少替代文字；请在 ![ ] 中用一句话描述图片内容，供读屏软件和加载失败时显示。"
    name = posixpath.basename(unquote(urlsplit(src).path))
    if text in (name, posixpath.splitext(name)[0]):
        return f"替代文字「{text}」只是文件名；请描述图片内容。"
    return None


# --------------------------------------------------------------------------- pages


def _locate(lines: list[str], start: int, end: int, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` within lines[start:end]; the block start if absent."""
    for number in range(start, min(end, len(lines))):
        col = lines[number].find(needle) if needle else -1
        if col >= 0:
            return number + 1, col + 1
    return start + 1, 1


def check_page(
    text: str,
    path: str,
    images: Iterable[str] = (),
    slugify: Callable[[str], str] = default_slugify,
    exists: Callable[[str], bool] = lambda path: True,
) -> PageResult:
    """All page rules for one Markdown page.

    `path` is the page's path relative to the repository root (e.g. docs/modules/rfm.md);
    `images` are the files under img/ as repository paths (e.g. img/rfm-segments.svg);
    `exists` tells whether a repository path is a file (for snippet includes).
    """
    if (limit := check_limits(text, path)) is not None:
        return PageResult([limit], [])  # nothing else is parsed: no rule may hang or overflow
    image_set = set(images)
    body, findings = _split_front_matter(text, path)
    findings += check_front_matter(text, path)
    findings += check_attr_lists(body, path)
    body, shifts = _dedent_containers(body)
    lines = body.split("\n")
    tokens = _inline_tokens(body)
    headings: list[_Heading] = []
    content_after: list[bool] = []
    used: list[ImageRef] = []
    links: list[Link] = []
    near_misses: list[str] = []
    misplaced: list[str] = []

    def col_of(line_no: int, col: int) -> int:
        return col + (shifts[line_no - 1] if 0 < line_no <= len(shifts) else 0)

    def image(src: str, alt: str | None, line_no: int, col: int) -> None:
        resolved, rule, message = resolve_image(src, path)
        where = (line_no, col_of(line_no, col))
        if rule and message:
            findings.append(Finding(path, *where, rule, message))
            if rule == "I002" and (target := _outside_img(src, path)):
                misplaced.append(target)
        elif resolved is not None:
            used.append(ImageRef(resolved))
            if resolved not in image_set:
                suggestion = closest(resolved, image_set)
                if suggestion:
                    near_misses.append(suggestion)
                findings.append(Finding(path, *where, "I001", _missing_image_message(resolved, suggestion)))
        if alt is not None and (problem := _alt_problem(alt, src)):
            findings.append(Finding(path, *where, "I004", problem))

    def calculator(attrs: list[tuple[str, str | None]], line_no: int, col: int, block: bool) -> None:
        values = dict(attrs)
        name = values.get("data-calculator") or ""
        where = (line_no, col_of(line_no, col))
        if name not in CALCULATORS:
            known = "、".join(CALCULATORS)
            findings.append(Finding(path, *where, "K001", f"没有名为「{name}」的计算器；data-calculator 只能是 {known} 之一。"))
            return
        exact = CALCULATOR_PLACEHOLDER.format(name)
        # Top level only: Python-Markdown passes raw HTML through there, not inside an admonition.
        alone = block and lines[line_no - 1] == exact and not shifts[line_no - 1]
        spaced = all(not (0 <= n < len(lines)) or not lines[n].strip() for n in (line_no - 2, line_no))
        if not (alone and spaced):
            findings.append(Finding(path, *where, "K002", f"计算器占位符要单独占一行、前后各空一行，并且正好写成 {exact}（顶格，不放进提示框，不加其他属性或内容）。"))

    def html(fragment: str, first_line: int, block: bool = False) -> None:
        for tag, attrs, offset in _scan_html(fragment):
            line_no = first_line + offset - 1
            snippet = f"<{tag}"
            line_no, col = _locate(lines, line_no - 1, line_no + fragment.count("\n"), snippet)
            where = (line_no, col_of(line_no, col))
            if tag in UNSAFE_TAGS:
                findings.append(Finding(path, *where, "S001", f"页面不允许使用 <{tag}> 标签（安全原因）；请改用 Markdown，或删除它。"))
            for name, value in attrs:
                if name.startswith("on"):
                    findings.append(Finding(path, *where, "S002", f"HTML 属性 {name}= 会执行脚本；请删除它。"))
                elif value and name in ("href", "src", "action", "formaction", "xlink:href", "data") and _is_javascript_url(value):
                    findings.append(Finding(path, *where, "S003", f"{name}= 使用了 javascript: 地址；请改为普通链接。"))
            if tag == "img":
                values = dict(attrs)
                image(values.get("src") or "", values.get("alt") or "", line_no, col)
            elif tag == "a" and (href := dict(attrs).get("href")):
                links.append(Link(href, line_no, col_of(line_no, col)))
            classes = (dict(attrs).get("class") or "").split()
            if "opskb-calculator" in classes or any(name == "data-calculator" for name, _ in attrs):
                calculator(attrs, line_no, col, block)

    def mark_content() -> None:
        if content_after:
            content_after[-1] = True

    for index, token in enumerate(tokens):
        start, end = token.map if token.map else (0, 1)
        if token.type == "heading_open":
            raw = _inline_text(tokens[index + 1])
            custom, title = _heading_id(raw)
            anchor = custom if custom else slugify(title)
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            headings.append(_Heading(int(token.tag[1:]), start + 1, col_of(start + 1, indent + 1), title, anchor))
            content_after.append(False)
        elif token.type == "html_block":
            html(token.content, start + 1, block=True)
            if not _only_comments(token.content):
                mark_content()
        elif token.type == "inline":
            for offset, text_line in enumerate(token.content.split("\n")):
                if _ABBR_DEFINITION.match(text_line):
                    line_no = start + 1 + offset
                    findings.append(Finding(path, line_no, col_of(line_no, 1), "G011", "缩写的释义只写在 includes/terms.yml 中（全站的悬停提示由它生成）；请删去这一行，把释义加入或改进术语数据。"))
            for child in token.children or []:
                if child.type == "image":
                    src = str(child.attrs.get("src", ""))
                    alt = "".join(c.content for c in child.children or [])
                    line_no, col = _locate(lines, start, end, src or f"![{alt}")
                    col = lines[line_no - 1].rfind("![", 0, col) + 1 or col  # point at the image, not its src
                    image(src, alt, line_no, col)
                elif child.type == "link_open" and _is_javascript_url(str(child.attrs.get("href", ""))):
                    line_no, col = _locate(lines, start, end, "javascript:")
                    findings.append(Finding(path, line_no, col_of(line_no, col), "S003", "链接使用了 javascript: 地址；请改为普通链接。"))
                elif child.type == "link_open" and child.markup != "autolink":
                    href = str(child.attrs.get("href", ""))
                    written = unquote(href)  # markdown-it percent-encodes: find the text as written
                    line_no, col = _locate(lines, start, end, f"]({written}")
                    if lines[line_no - 1].find(f"]({written}", col - 1) == col - 1:
                        col += 2  # point at the destination
                    else:  # a reference link, or a destination written <…> or escaped
                        line_no, col = _locate(lines, start, end, written)
                    links.append(Link(written, line_no, col_of(line_no, col)))
                elif child.type == "html_inline":
                    line_no, _ = _locate(lines, start, end, child.content)
                    html(child.content, line_no)
        elif token.nesting >= 0:
            mark_content()

    for number, col, target in snippet_targets(lines):
        if (problem := _snippet_problem(target, exists)) is not None:
            findings.append(Finding(path, number, col_of(number, col), "F003", problem))
    findings.extend(check_headings(headings, content_after, path))
    h1 = next((h for h in headings if h.level == 1), None)
    anchors = {h.anchor for h in headings if h.anchor} | _explicit_ids(body) | set(_HTML_ID.findall(body))
    return PageResult(
        sorted(set(findings)), used, links, anchors,
        title=h1.text.strip() if h1 else None, title_line=h1.line if h1 else 1,
        near_misses=near_misses, misplaced=misplaced,
    )


_HTML_ID = re.compile(r"""<[a-zA-Z][^<>]*?\s(?:id|name)\s*=\s*["']([^"'<>]+)["']""")


def _explicit_ids(body: str) -> set[str]:
    """attr_list ids anywhere on the page: {#id} {: #id .class }."""
    return {ident.group(1) for group in _BRACES.finditer(body) if (ident := _ID_IN_BRACES.search(group.group(1)))}


def _outside_img(src: str, page_path: str) -> str | None:
    """The repository path an image reference outside img/ points at (for the stray-file rule)."""
    target = unquote(urlsplit(src.strip()).path)
    if not target or target.startswith(("/", "\\")) or urlsplit(src.strip()).scheme:
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))
    return None if resolved.startswith("../") else resolved


def page_headings(text: str, slugify: Callable[[str], str] = default_slugify) -> list[tuple[int, str, str]]:
    """(level, title, anchor) of every heading of a page's Markdown, with the ids the site gives them."""
    body, _findings = _split_front_matter(text, "")
    tokens = _inline_tokens(_dedent_containers(body)[0])
    found: list[tuple[int, str, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            raw = _inline_text(tokens[index + 1])
            custom, title = _heading_id(raw)
            title = title.strip()
            found.append((int(token.tag[1:]), title, custom if custom else slugify(title)))
    return found


def _inline_tokens(body: str) -> list[Token]:
    """Block tokens, with inline children for headings and for text that may hold an image, a link
    or HTML (`[`, `<`, or an entity that could spell either)."""
    env: dict[str, object] = {}
    tokens = _md.parse(body, env)
    for index, token in enumerate(tokens):
        if token.type == "inline" and (tokens[index - 1].type == "heading_open" or any(c in token.content for c in "[<&")):
            token.children = []
            _md.inline.parse(token.content, _md, env, token.children)
    return tokens


def snippet_targets(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, column, file) of every file `--8<--` pulls in: `--8<-- "file"` on one line, or one file
    per line between two lines of `--8<--` (the block form)."""
    found: list[tuple[int, int, str]] = []
    block = False
    for number, line in enumerate(lines, start=1):
        if _SNIPPET_FENCE.match(line):
            block = not block
            continue
        if block:
            name = line.strip()
            if name and not name.startswith(";"):
                found.append((number, len(line) - len(line.lstrip()) + 1, name))
        elif match := _SNIPPET.match(line):
            found.append((number, match.start(2) + 1, match.group(2)))
    return found  # an unclosed block: pymdownx reads to the end of the page, and so did the loop


def _snippet_problem(target: str, exists: Callable[[str], bool]) -> str | None:
    """Why a snippet's file cannot be embedded; files come from includes/ or examples/ only
    (mkdocs.yml: pymdownx.snippets base_path, restrict_base_path), named relative to that folder."""
    name = re.sub(r"(:-?\d*)+$", "", target.strip())  # drop a line range like :10:20
    name = re.sub(r":[A-Za-z_][\w-]*$", "", name)  # or a section name
    folders = "、".join(f"{folder}/" for folder in SNIPPET_FOLDERS)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name) or name.startswith(("/", "\\")) or "\\" in name:
        return f"--8<-- 只能嵌入 {folders} 中的文件，不能是网址或绝对路径「{name}」；请把内容放进 examples/ 或 includes/。"
    normalized = posixpath.normpath(name)
    if normalized == ".." or normalized.startswith("../") or any(part.startswith(".") for part in normalized.split("/")):
        return f"--8<-- 只能嵌入 {folders} 中的文件（不含隐藏文件），「{name}」不在其中；请写相对于这两个目录的路径，如 rfm.py。"
    if not any(exists(f"{folder}/{normalized}") for folder in SNIPPET_FOLDERS):
        meant = f"；路径写相对于 {folders} 的部分，如「{normalized.split('/', 1)[1]}」" if normalized.startswith(tuple(f"{f}/" for f in SNIPPET_FOLDERS)) else ""
        return f"找不到要嵌入的文件 {name}（在 {folders} 中查找）{meant}；请修正路径或补上文件。"
    return None


# --------------------------------------------------------------------------- limits, front matter, attr_list

MAX_PAGE_BYTES = 200 * 1024
MAX_LINE = 4000
MAX_NESTING = 16
# `[` in one paragraph and on one page: both parsers match link labels in quadratic time (the site's
# busiest page has 28).
MAX_BRACKETS = 200
MAX_PAGE_BRACKETS = 2000
MAX_PAGE_TAGS = 2000  # `<` on one page: Python-Markdown's raw-HTML pass slows down with the square of open tags
_CONTAINER_PREFIX = re.compile(r"[ \t]*(?:>|[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")


def check_limits(text: str, path: str) -> Finding | None:
    """F007: a page too large, a line too long or containers nested too deep for the parsers."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_PAGE_BYTES:
        return Finding(path, 1, 1, "F007", f"页面有 {size // 1024} KB，超过 {MAX_PAGE_BYTES // 1024} KB 的上限；请拆成几个页面。")
    if (total := text.count("[")) > MAX_PAGE_BRACKETS:
        return Finding(path, 1, 1, "F007", f"页面有 {total} 个方括号 [，超过 {MAX_PAGE_BRACKETS} 的上限；请拆分页面。")
    if (total := text.count("<")) > MAX_PAGE_TAGS:
        return Finding(path, 1, 1, "F007", f"页面有 {total} 个尖括号 <，超过 {MAX_PAGE_TAGS} 的上限；页面中不写原始 HTML，请删去或拆分页面。")
    brackets, first = 0, 1
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            brackets, first = 0, number + 1
        brackets += line.count("[")
        if brackets > MAX_BRACKETS:
            return Finding(path, first, 1, "F007", f"这一段有超过 {MAX_BRACKETS} 个方括号 [；请拆分段落。")
        if len(line) > MAX_LINE:
            return Finding(path, number, 1, "F007", f"这一行有 {len(line)} 个字符，超过 {MAX_LINE} 的上限；请分段或换行。")
        depth, at = 0, 0
        while depth <= MAX_NESTING and (match := _CONTAINER_PREFIX.match(line, at)) and match.end() > at:
            depth, at = depth + 1, match.end()
        indent = len(line) - len(line.lstrip(" \t"))
        if depth > MAX_NESTING or indent // 4 > MAX_NESTING * 2:
            return Finding(path, number, 1, "F007", f"列表或引用嵌套超过 {MAX_NESTING} 层（或缩进过深）；请减少嵌套层级。")
    return None


def check_front_matter(text: str, path: str) -> list[Finding]:
    """S005: the metadata MkDocs itself reads (YAML between ---, or MultiMarkdown `key: value` lines
    at the top), keys from a list and plain values."""
    from mkdocs.utils.meta import get_data  # what the build reads, opener quirks included

    from opskb.sanitize import front_matter_problems

    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        _, meta = get_data(normalized)
    except Exception:  # malformed YAML is F002's; MkDocs then ignores the block
        return []
    lines = normalized.split("\n")
    findings = []
    for key, message in front_matter_problems(meta if isinstance(meta, dict) else {}):
        number = next((n for n, line in enumerate(lines[:200], start=1) if line.lstrip().lower().startswith(f"{key.lower()}:")), 1)
        findings.append(Finding(path, number, 1, "S005", message))
    return findings


_ATTR_LIST = re.compile(r"\{(:?)[ ]*([^{}\n ][^{}\n]*)\}")
_ATTR_TOKEN = re.compile(r"""([^\s=}]+)=(?:"[^"]*"|'[^']*'|[^\s}]*)|(\S+)""")
ATTR_LIST_KEYS = ("width", "height")


def check_attr_lists(body: str, path: str) -> list[Finding]:
    """S006: `{: … }` may give an element an id, classes and (images) a width and height, nothing else."""
    findings = []
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        stripped = line.strip()
        if (match := _FENCE.match(line)) is not None:
            marker = match.group(2)
            if fence is None:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
                continue
        if fence is not None or "{" not in line or not stripped:
            continue
        visible = re.sub(r"(`+).*?\1", lambda m: " " * len(m.group(0)), line)
        for group in _ATTR_LIST.finditer(visible):
            colon, inner = group.group(1), group.group(2)
            for token in _ATTR_TOKEN.finditer(inner):
                key, word = token.group(1), token.group(2)
                if key is not None and key.lower() in ATTR_LIST_KEYS:
                    continue
                if word is not None and (word.startswith(("#", ".")) or not (colon or "=" in inner)):
                    continue
                name = key or word
                findings.append(Finding(path, number, group.start() + 1, "S006",
                                        f"{{: }} 中的「{name}」不允许：attr_list 只能写 #锚点、.类名、width= 和 height=；请删去它。"))
                break
    return findings


def _only_comments(html: str) -> bool:
    return not re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL).strip()


# --------------------------------------------------------------------------- image files


def check_image_file(path: str, data: bytes, *, symlink_outside: bool = False) -> list[Finding]:
    """Rules for one file under img/ (path relative to the repository root)."""
    if symlink_outside:
        return [Finding(path, 1, 1, "I007", "这是指向仓库外的符号链接，不能发布；请把真实文件复制进 img/。")]
    findings: list[Finding] = []
    ext = posixpath.splitext(path)[1].lower()
    if ext not in IMAGE_FORMATS:
        allowed = "、".join(sorted(IMAGE_FORMATS))
        findings.append(Finding(path, 1, 1, "I005", f"不支持的图片格式 {ext or '（无扩展名）'}；请转换为 {allowed} 之一。"))
    if len(data) > IMAGE_MAX_BYTES:
        findings.append(Finding(path, 1, 1, "I006", f"图片 {len(data) // 1024} KB，超过每张 {IMAGE_MAX_BYTES // 1024} KB 的上限；请压缩（如转 WebP、缩小尺寸）后再提交。"))
    if ext == ".svg":
        findings.extend(_check_svg(path, data))
    return findings


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Drawing elements and presentation attributes only: nothing that runs, animates, links, embeds or
# loads (no script, foreignObject, a, use, image, animate/set, style, iframe, feImage, …).
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "marker", "lineargradient", "radialgradient", "stop", "clippath", "mask", "pattern", "symbol",
    "style",  # CSS only (a dark-scheme palette): no @import, no url() but #local ids, no escapes
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "width", "height",
    "viewbox", "preserveaspectratio", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
    "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "alignment-baseline", "letter-spacing", "dx", "dy", "role", "aria-labelledby", "aria-label", "aria-hidden",
    "marker-start", "marker-mid", "marker-end", "refx", "refy", "markerwidth", "markerheight", "markerunits", "orient",
    "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform", "patternunits", "clip-path",
    "clippathunits", "mask", "version", "xml:space", "lang", "xml:lang", "visibility", "display", "type", "media",
})
_SVG_CSS = re.compile(r"@import|@font-face|@namespace|expression\s*\(|-moz-binding|behavior\s*:|\\|<|url\(\s*['\"]?(?!#)",
                      re.IGNORECASE)
_SVG_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)  # only url(#local-id) may be referenced


def _check_svg(path: str, data: bytes) -> list[Finding]:
    """I009: one namespace (SVG), drawing elements and presentation attributes from a list."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return [Finding(path, 1, 1, "I009", "SVG 含 <!DOCTYPE> 或 <!ENTITY>；请删除（用绘图软件重新导出为普通 SVG）。")]
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return [Finding(path, 1, 1, "I009", "SVG 不是合法的 XML；请用编辑器重新导出。")]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        namespace, _, local = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", element.tag)
        tag = local.lower()
        if namespace != SVG_NAMESPACE:
            return [Finding(path, 1, 1, "I009", f"SVG 中的 <{local}> 不属于 SVG 命名空间（{namespace or '无命名空间'}）；只允许 SVG 的绘图元素，请删除它。")]
        if tag not in SVG_ELEMENTS:
            return [Finding(path, 1, 1, "I009", f"SVG 含 <{local}>，不在允许的绘图元素之列（不允许脚本、动画、链接和嵌入）；请删除后再提交。")]
        if tag == "style" and (len(element) or _SVG_CSS.search("".join(element.itertext()))):
            return [Finding(path, 1, 1, "I009", "SVG 的 <style> 只能写普通的 CSS：不能用 @import、@font-face、反斜杠转义，url() 只能引用本文件中的 #id；请删除这些写法。")]
        for name, value in element.attrib.items():
            attr_ns, _, attr_local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
            key = attr_local.lower() if not attr_ns else ("xml:" + attr_local.lower() if attr_ns.endswith("XML/1998/namespace") else "")
            if key.startswith("on"):
                return [Finding(path, 1, 1, "I009", f"SVG 含事件属性 {attr_local}=，打开图片时会执行代码；请删除。")]
            if key not in SVG_ATTRIBUTES:
                return [Finding(path, 1, 1, "I009", f"SVG 的 <{local}> 有不允许的属性 {attr_local}=（不允许链接、样式和外部引用）；请删除。")]
            if _SVG_URL.search(value) or "javascript:" in value.lower():
                return [Finding(path, 1, 1, "I009", f"SVG 的 {attr_local}= 引用了外部资源；只能引用本文件中的 #id。")]
    return []


def check_unused_images(images: Iterable[str], used: Iterable[ImageRef], suggested: Iterable[str] = ()) -> list[Finding]:
    """I008 for images no page uses. An image an I001 already suggests (the page misspelled its
    name) is not reported: telling the contributor to delete the image they meant would be wrong."""
    referenced = {ref.path for ref in used} | set(suggested)
    return [
        Finding(name, 1, 1, "I008", "没有页面使用这张图片；请在页面中引用它，或删除文件。")
        for name in sorted(set(images) - referenced)
    ]


def check_pages(
    pages: Mapping[str, bytes],
    images: Mapping[str, tuple[bytes, bool]],
    exists: Callable[[str], bool] = lambda path: True,
) -> list[Finding]:
    """The page and image rules over a whole site: pages (path → bytes) and img/ files (path → bytes, symlink-outside)."""
    return page_results(pages, images, exists)[0]


def page_results(
    pages: Mapping[str, bytes],
    images: Mapping[str, tuple[bytes, bool]],
    exists: Callable[[str], bool] = lambda path: True,
) -> tuple[list[Finding], dict[str, PageResult]]:
    """`check_pages`, plus each readable page's result (links, anchors, title) for the site rules."""
    findings: list[Finding] = []
    results: dict[str, PageResult] = {}
    for name, (data, outside) in images.items():
        findings.extend(check_image_file(name, data, symlink_outside=outside))
    for path, data in pages.items():
        text, problems = decode(data, path)
        findings.extend(problems)
        if text is not None:
            results[path] = check_page(text, path, images.keys(), exists=exists)
            findings.extend(results[path].findings)
    used = [ref for result in results.values() for ref in result.images]
    suggested = [name for result in results.values() for name in result.near_misses]
    findings.extend(check_unused_images(images.keys(), used, suggested))
    return sorted(set(findings)), results
