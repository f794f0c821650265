"""What page furniture looks like: the lines and the page elements of a government web page that are never
document content (breadcrumbs, publication and share bars, related-article lists, footers).

One home for the rule, read in two places: :func:`is_furniture_line` by the cleaning of every document's
lines (``cleaning.py``), whatever file it came from, and :func:`is_furniture_element` while an HTML page
is flattened (``reading.html_to_text``), where the page's own markup says what a block is before its
lines are mixed with the text. A saved page and the same page fetched from its address go through both.

The publication line (发布时间/发表时间/发布日期) is furniture for the paragraphs but is the document's date:
dates are read in the flattened page, before cleaning (``dates.document_date``), so an element that
states it is never dropped whole (its date line goes on to the cleaning, which drops it there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import NavigableString, PageElement, Tag

# Whole lines that are page furniture, never document content.
_LINES = [
    r"^当前位置",
    r"^您现在的位置",
    r"^您的位置",
    r"^首页\s*(>|>>|»|/|›)",
    r"^(发表|发布|更新|来源|文章来源|信息来源|作者|编辑|责任编辑|审核|校对|浏览次数|点击数|阅读数|阅读量|访问量|点击量|字号|字体)\s*[:：]",
    r"^(发表时间|发布时间|发布日期)",
    r"^(采写|采访|撰文|文|图|摄影|摄像|通讯员|记者)\s*[:：]",
    r"^(本报记者|记者)\s*\S{2,4}(\s|$)",
    r"(Copyright|版权所有|All Rights? Reserved|ICP备|ICP证|公网安备|网站标识码|技术支持)",
    r"^((主办|承办|协办|主管)(单位)?|(运维|维护|管理)单位)\s*[:：]",
    r"^(地址|邮编|电话|传真|联系电话|电子邮箱)\s*[:：]",
    r"^(网站地图|联系我们|网站声明|隐私声明|使用帮助|无障碍浏览|长者模式|关怀版|繁体版|简体版|返回首页)(\s|$)",
    r"^-*\s*我已经到底线啦\s*-*$",
    r"^暂时没有评论",
    r"^(关联稿件|相关附件|相关链接|相关文章|相关阅读|相关新闻|相关信息|相关稿件|推荐阅读|延伸阅读|热点推荐|附件)\s*[:：]?\s*$",
    r"^[【\[]?\s*(打印本页|打印此页|关闭窗口|关闭本页|打印|关闭|返回顶部|分享到|扫一扫)",
    r"^[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*[大中小]",
    r"^[【\[]\s*[大中小]\s+[大中小]",
    r"^(上一篇|下一篇|上一条|下一条)",
    r"^(图为|图片来源|(图|图片)\s*[:：])",
    r"\s(摄|供图)$",
]
# The patterns in two: those tied to the line's start are tried there only, the others anywhere
# (one pattern of both kinds tried at every character cost a tenth of reading a long document).
_AT_START = re.compile("|".join(p for p in _LINES if p.startswith("^")), re.IGNORECASE)
_ANYWHERE = re.compile("|".join(p for p in _LINES if not p.startswith("^")), re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")


_SITE_SEPARATOR = re.compile(r"\s*[_|｜]\s*|\s+[-–—]+\s+|\s*——\s*")


def page_title(title: str) -> str:
    """A page's <title> without the site's name after it (``…2024年工作计划_佛山市民政局``,
    ``… - 广州市人民政府门户网站``), which would otherwise be read as part of the document's title."""
    first = _SITE_SEPARATOR.split(title.strip(), maxsplit=1)[0]
    return first if _CJK.search(first) else title


def is_furniture_line(line: str) -> bool:
    """Whether a whole (NFKC-normalised, stripped) line is furniture: one of the patterns above, or a line
    with no Chinese at all (English banners, page numbers, addresses)."""
    return bool(_AT_START.match(line) or _ANYWHERE.search(line)) or not _CJK.search(line)


# Page elements, named by the class and id words of the content systems government sites run on
# (TRS, 拓尔思 WCM, 大汉 JCMS, 政府网站集约化 templates): 当前位置 -> "position"/"dqwz", 分享 -> "share"/"bdshare",
# 相关文章 -> "xgwz", 版权 -> "copyright"/"banquan". A word matches anywhere in a class or id (``bdsharebuttonbox``);
# a short word only as a whole token (``foot`` is not ``footnote``).
_ELEMENT_WORDS = ("breadcrumb", "crumb", "share", "copyright", "banquan", "footer", "related", "fenxiang")
_ELEMENT_TOKENS = {
    "foot",
    "position",
    "location",
    "weizhi",
    "dqwz",
    "xgwz",
    "xglj",
    "xgxx",
    "prevnext",
    "print",
}
_TOKEN_SPLIT = re.compile(r"[^a-z]+")
#: The elements ``html_to_text`` drops by their tag alone (navigation, forms, scripts).
DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select"}
#: Tags that are furniture of the page, but of the article itself inside <article> or <main> (its title
#: and date in a <header>).
_PAGE_LEVEL_TAGS = {"header", "footer"}
_PUBLISHED = re.compile(r"(发布|发表|发文|成文)\s*(时间|日期)")
#: The heading of a list of links to other pages, standing alone in its block.
_RELATED_HEADING = re.compile(
    r"^[【\[]?\s*(相关链接|相关文章|相关阅读|相关新闻|相关信息|相关稿件|推荐阅读|延伸阅读|热点推荐|热点新闻|猜你喜欢)\s*[:：】\]]?\s*$"
)
#: Share of an element's visible characters inside links from which it is a list of links.
LINK_DENSE = 0.6


def is_furniture_element(tag: Tag) -> bool:
    """Whether the element is page furniture by its class or id, and states no publication date."""
    classes: object = tag.get("class") or []
    words = [str(word) for word in classes] if isinstance(classes, list) else [str(classes)]
    names = " ".join([*words, str(tag.get("id") or "")]).lower()
    if not names.strip():
        return False
    if not any(word in names for word in _ELEMENT_WORDS) and not _ELEMENT_TOKENS.intersection(
        _TOKEN_SPLIT.split(names)
    ):
        return False
    return not _states_date(tag)


def _states_date(tag: Tag) -> bool:
    """Whether the element's first strings state the publication date. A bar holding it is short: the
    look stops after ``_DATE_LOOK`` nodes, so nested furniture elements cost no walk of the page each."""
    text = "".join(
        node for node, _ in zip(_nodes(tag), range(_DATE_LOOK), strict=False) if type(node) is NavigableString
    )
    return bool(_PUBLISHED.search(text))


_DATE_LOOK = 200


def is_dropped_tag(tag: Tag, *, in_article: bool) -> bool:
    """Whether the tag alone makes the element furniture: scripts, forms and navigation; a <header> or
    <footer> of the page (not one inside an <article> or <main>, which holds the article's title and
    date: ``in_article``)."""
    if tag.name not in DROP_TAGS:
        return False
    return tag.name not in _PAGE_LEVEL_TAGS or not in_article


#: The elements whose <header> and <footer> are the article's own.
ARTICLE_TAGS = frozenset({"article", "main"})


def related_lists(root: Tag) -> set[int]:
    """The ``id()`` of every list of links to other pages in ``root`` (相关文章, 相关链接 …).

    Such a list starts with a string that is its heading alone; the list is the largest ancestor of that
    string holding nothing but the heading and links: ``<div><h3>相关文章</h3><ul><li><a>…</a></li></ul>
    </div>``, or an old table whose first row is the heading. The climb stops below an ancestor with
    other text (the article), so at worst the heading's own block goes, as the line rules would drop it.
    """
    found: set[int] = set()
    headings = (s for s in _strings(root) if s.parent is not None and _RELATED_HEADING.match(s.strip()))
    for string, _ in zip(headings, range(_MAX_RELATED), strict=False):
        heading = len(_visible(string))
        chosen: Tag = string.parent  # type: ignore[assignment]  # checked above
        for parent, _ in zip(chosen.parents, range(_MAX_CLIMB), strict=False):
            if parent.name in _CONTAINERS:
                break
            text = text_of(parent)
            total = len(_visible(text))
            links = sum(len(_visible(text_of(a))) for a in _descendant_tags(parent, "a"))
            if total > heading and links < LINK_DENSE * (total - heading):
                break
            chosen = parent
        found.add(id(chosen))
    return found


_CONTAINERS = {"body", "html", "article", "main", "[document]"}
#: A page has a few such lists, a few levels deep; the bounds keep a hostile page of thousands of
#: headings nested in links from costing a walk of the page per heading.
_MAX_RELATED = 20
_MAX_CLIMB = 8


def text_of(tag: Tag) -> str:
    """The element's strings joined (what ``get_text`` gives), read through ``.contents`` only: the
    reader's parse tree does not keep BeautifulSoup's element chain (``reading._ContentsOnlySoup``)."""
    return "".join(_strings(tag))


def _strings(tag: Tag) -> Iterator[NavigableString]:
    return (node for node in _nodes(tag) if type(node) is NavigableString)


def _nodes(tag: Tag) -> Iterator[PageElement]:
    """Every element and string inside ``tag`` in document order, not inside <script> or <style>."""
    stack: list[Iterator[PageElement]] = [iter(tag.contents)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        yield node
        if isinstance(node, Tag) and node.name not in ("script", "style"):
            stack.append(iter(node.contents))


def _descendant_tags(tag: Tag, name: str) -> Iterator[Tag]:
    stack: list[Iterator[PageElement]] = [iter(tag.contents)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            if node.name == name:
                yield node
            stack.append(iter(node.contents))


def _visible(text: str) -> str:
    return re.sub(r"\s", "", text)
