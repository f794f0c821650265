"""Turning a file's bytes into text: encoding detection, HTML to plain text, Word and Excel files
(:mod:`tracker.ingest.word`, :mod:`tracker.ingest.sheets`), and the task tables they hold, without
interpretation."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import os
import re
import stat
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.exceptions import ParserRejectedMarkup

from tracker.errors import InputFileError
from tracker.ingest.furniture import (
    ARTICLE_TAGS,
    DROP_TAGS,
    is_dropped_tag,
    is_furniture_element,
    page_title,
    related_lists,
)
from tracker.ingest.html_tables import task_table_tags
from tracker.ingest.packages import OLD_FORMATS, convert_hint
from tracker.ingest.pdf import pdf_text
from tracker.ingest.task_tables import FoundTable

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".xlsx")
#: Larger files are refused without being read whole. The longest real plan or summary is well under
#: 1 MB and a web page saved with its pictures inlined a few MB; the cap bounds the memory and time one
#: file can take (a runaway file, a disk image renamed .txt) at about a minute of parsing.
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
#: Pages with more tags are refused before parsing: BeautifulSoup keeps about half a kilobyte and
#: spends about 20 µs per tag, so this bounds a page at some 10 s and 300 MB, while a long real page
#: has a few tens of thousands of tags.
MAX_HTML_TAGS = 500_000
_TAG_START = re.compile(r"<[a-zA-Z]")
_CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CJK = re.compile(r"[\u3400-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# Characters that end a line for str.splitlines (form feed, the Unicode line and paragraph separators …)
# become plain newlines; the other control characters are dropped.
_LINE_BREAKS = re.compile(r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


@dataclass(frozen=True)
class RawText:
    """The decoded text of one file and how it was decoded."""

    text: str
    encoding: str
    sha256: str
    #: The task tables of a Word, Excel or HTML file (:mod:`tracker.ingest.task_tables`); the text holds
    #: the rest of the file.
    tables: tuple[FoundTable, ...] = ()


def read_file(path: Path, display_path: str) -> RawText:
    """Read, decode and (for HTML, PDF, Word and Excel) flatten one file.

    Raises:
        InputFileError: missing, unreadable, empty, binary or undecodable file; an old binary office
            file (with the command that converts it); a damaged Word or Excel file.
    """
    if not path.exists():
        raise InputFileError(display_path, "no such file or folder")
    _check_type(path.suffix, display_path)  # before reading: an unsupported file is never read
    return _read_known(_read_bytes(path, display_path), path.suffix.lower(), display_path, ())


def read_data(
    data: bytes, suffix: str, display_path: str, declared: Sequence[tuple[str, str]] = ()
) -> RawText:
    """The text (and task tables) of a document's bytes of type ``suffix``, from a file or a web page:
    decoded and flattened for text types (:data:`TEXT_SUFFIXES`), the text layer of a PDF, the
    paragraphs and tables of a Word or Excel file.

    Args:
        declared: ``(charset, where)`` pairs the document's sender declared (a web server's
            Content-Type); an HTML page's own ``<meta charset>`` is added after them.

    Raises:
        InputFileError: a type that is not read, empty bytes, or what its reader refuses.
    """
    _check_type(suffix, display_path)
    return _read_known(data, suffix.lower(), display_path, declared)


def _read_known(data: bytes, suffix: str, display_path: str, declared: Sequence[tuple[str, str]]) -> RawText:
    """:func:`read_data` of a type that is read (``suffix`` in lower case)."""
    if not data.strip():
        raise InputFileError(display_path, "file is empty")
    if suffix == ".pdf":
        text, pages = pdf_text(data, display_path)
        return _finished(text, f"PDF, {pages} page{'s' if pages > 1 else ''}", data, display_path)
    if suffix in (".docx", ".xlsx"):
        text, found, encoding = _office_text(data, suffix, display_path)
        if not text.strip() and not found:
            raise InputFileError(display_path, "holds no text", "is this the right file?")
        return _finished(text, encoding, data, display_path, found)
    if suffix in (".html", ".htm"):
        declared = [*declared, *meta_charsets(data)]
    text, encoding = decode_bytes(data, display_path, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tables: tuple[FoundTable, ...] = ()
    if suffix in (".html", ".htm"):
        text, tables = html_document(text, display_path)
    elif suffix == ".md":
        text = markdown_to_text(text)
    return _finished(text, encoding, data, display_path, tables)


def _check_type(suffix: str, display_path: str) -> None:
    """Refuse a type that is not read: an old binary office file with the command that converts it,
    any other with the types that are read (``suffix`` as the file or page gives it)."""
    if suffix.lower() in OLD_FORMATS:
        what, target = OLD_FORMATS[suffix.lower()]
        raise InputFileError(display_path, f"{what} cannot be read", convert_hint(display_path, target))
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputFileError(display_path, f"unsupported file type '{suffix}'", f"use {suffix_list()}")


def suffix_list() -> str:
    """``.txt, .md, .html, .htm, .pdf, .docx or .xlsx``: the file types read, for messages."""
    *first, last = SUPPORTED_SUFFIXES
    return f"{', '.join(first)} or {last}"


#: The suffixes whose bytes are text (the others have a reader of their own).
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def _finished(
    text: str, encoding: str, data: bytes, display_path: str, tables: tuple[FoundTable, ...] = ()
) -> RawText:
    """The document's text and tables without control characters, refused when they hold no Chinese."""
    text = without_controls(text)
    tables = tuple(_without_controls_in(table) for table in tables)
    if not _CJK.search(text) and not any(_CJK.search(cell) for t in tables for row in t.rows for cell in row):
        raise InputFileError(
            display_path, "no Chinese text found", "tracker reads Chinese plans and summaries"
        )
    return RawText(text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), tables=tables)


def _office_text(data: bytes, suffix: str, display_path: str) -> tuple[str, tuple[FoundTable, ...], str]:
    """The text and task tables of a Word or Excel file, and how it was read."""
    if suffix == ".docx":
        from tracker.ingest.word import read_docx

        return (*read_docx(data, display_path), "Word .docx")
    from tracker.ingest.sheets import read_xlsx

    return (*read_xlsx(data, display_path), "Excel .xlsx")


def _without_controls_in(table: FoundTable) -> FoundTable:
    return dataclasses.replace(
        table,
        rows=tuple(tuple(without_controls(cell) for cell in row) for row in table.rows),
        above=tuple(without_controls(line) for line in table.above),
        sheet=without_controls(table.sheet),
    )


def _read_bytes(path: Path, display_path: str) -> bytes:
    """The file's bytes, from a regular file of at most ``MAX_FILE_BYTES``.

    A FIFO would block the whole run on open, and a device (a ``.txt`` symlink to /dev/zero) never
    ends: only regular files are read. The name is opened without blocking and checked again on the
    open descriptor, since it may have been swapped for a FIFO after the first look; at most one byte
    past the cap is read, so a file that grows (or a /proc file that reports no size) is refused too.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise _not_regular(display_path)
        with open(os.open(path, os.O_RDONLY | _NONBLOCKING), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise _not_regular(display_path)
            if status.st_size > MAX_FILE_BYTES:
                raise too_large(display_path)
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputFileError(display_path, f"cannot be read ({error.strerror or error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise too_large(display_path)
    return data


_NONBLOCKING = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _not_regular(display_path: str) -> InputFileError:
    return InputFileError(
        display_path, "not a regular file (a pipe, device or socket)", f"give a {suffix_list()} file"
    )


def too_large(display_path: str) -> InputFileError:
    """The error of a file or page over ``MAX_FILE_BYTES`` (read at the call, so a test can lower it)."""
    return InputFileError(
        display_path, f"larger than {size_limit()}", "split the document or give only its text"
    )


def size_limit() -> str:
    """``MAX_FILE_BYTES`` as a user reads it: ``50 MB``."""
    megabytes, rest = divmod(MAX_FILE_BYTES, 1024 * 1024)
    return f"{megabytes} MB" if megabytes and not rest else f"{MAX_FILE_BYTES:,} bytes"


def without_controls(text: str) -> str:
    """The text without control characters: a stray ESC sequence in a document must not reach the
    terminal through ``tracker report`` or the ingest printout, nor a stored statement."""
    return _STRAY_CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def decode_bytes(data: bytes, display_path: str, declared: Sequence[tuple[str, str]] = ()) -> tuple[str, str]:
    """Decode bytes, trying byte-order marks, strict UTF-8, the encodings ``declared`` (a web server's
    Content-Type charset, an HTML page's ``<meta charset>``), then the Chinese encodings by likelihood.

    Strict UTF-8 comes before a declaration: GBK text is almost never valid UTF-8, while a page saved
    again as UTF-8 often keeps its old ``<meta charset=gb2312>`` (and UTF-8 bytes decode as GB18030
    without an error, into nonsense). A declaration decides among the legacy encodings, where guessing
    from a short page is weakest; one that fails to decode strictly, or gives no Chinese (a server's
    default ``ISO-8859-1``), is passed over.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec, errors="strict")
            except UnicodeDecodeError as error:
                # The mark promises one encoding and the bytes after it break it (a GB18030 file saved
                # behind a UTF-8 mark, a truncated UTF-16 file): guessing another would be a lie.
                name = "UTF-8" if codec == "utf-8-sig" else "UTF-16"
                raise InputFileError(
                    display_path,
                    f"starts with a {name} byte-order mark but is not {name}",
                    "re-save the file as UTF-8",
                ) from error
            return _checked(text, display_path), _label(codec, bom=True)
    if b"\x00" in data:
        # UTF-16 without a byte-order mark has NUL bytes only beside ASCII characters.
        for codec in ("utf_16_le", "utf_16_be"):
            decoded = _try_decode(data, codec)
            if decoded is not None and _mostly_text(decoded):
                return decoded, _label(codec, bom=False)
        raise InputFileError(display_path, "binary file (contains NUL bytes)", "give a text or HTML file")
    try:
        return _checked(data.decode("utf-8"), display_path), "UTF-8"
    except UnicodeDecodeError:
        pass
    for charset, where in declared:
        found = _declared_decode(data, charset)
        if found is not None:
            text, codec = found
            return _checked(text, display_path), f"{_label(codec, bom=False)} ({where}: {charset})"
    best = charset_normalizer.from_bytes(data, cp_isolation=_CHINESE_ENCODINGS).best()
    if best is None:
        raise InputFileError(
            display_path,
            "cannot decode: not UTF-8, UTF-16, GB18030 or Big5",
            "re-save the file as UTF-8",
        )
    return _checked(str(best), display_path), _label(best.encoding, bom=False)


#: Names of GB2312 and GBK, which GB18030 extends: pages labelled GB2312 use GBK's characters (and
#: browsers decode all three as GB18030), so decoding them strictly as GB2312 would fail on real pages.
_GB_FAMILY = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn"}
_GB_FAMILY |= {"csgb2312", "chinese", "iso-ir-58", "gb18030"}
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
#: How far into a page its ``<meta charset>`` is looked for (the HTML standard says 1,024 bytes; Chinese
#: CMS pages put comments and scripts before it).
META_SCAN_BYTES = 16 * 1024


def meta_charsets(data: bytes) -> list[tuple[str, str]]:
    """The charset an HTML page declares in ``<meta charset>`` or ``<meta http-equiv="Content-Type"
    content="…; charset=…">``, as a ``declared`` pair for :func:`decode_bytes` (empty: none)."""
    found = _META_CHARSET.search(data[:META_SCAN_BYTES])
    return [(found.group(1).decode("ascii").lower(), "meta")] if found else []


def _declared_decode(data: bytes, charset: str) -> tuple[str, str] | None:
    """``(text, codec)`` when ``data`` decodes strictly in the declared ``charset`` into Chinese text."""
    name = charset.strip().lower()
    codec = "gb18030" if name in _GB_FAMILY else name
    try:
        codec = codecs.lookup(codec).name
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return (text, codec) if _CJK.search(text) else None


def _try_decode(data: bytes, codec: str) -> str | None:
    if len(data) % 2:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _mostly_text(text: str) -> bool:
    """Chinese, ASCII and punctuation, with no control characters: what a real document decodes to."""
    if _CONTROL.search(text):
        return False
    visible = re.sub(r"\s", "", text)
    plain = sum(
        1 for c in visible if c.isascii() or _CJK.match(c) or "\u3000" <= c <= "\u303f" or c >= "\uff00"
    )
    return bool(visible) and plain / len(visible) > 0.95


def _checked(text: str, display_path: str) -> str:
    """Reject decodes that produced control characters or replacement marks: a sign of a wrong guess."""
    stripped = re.sub(r"\s", "", text)
    if not stripped:
        raise InputFileError(display_path, "file has no text")
    bad = len(_CONTROL.findall(stripped))
    if "\x00" in stripped or bad > max(2, len(stripped) // 200):
        raise InputFileError(display_path, "binary or undecodable content", "give a text or HTML file")
    return text.lstrip("\ufeff")


def _label(codec: str, *, bom: bool) -> str:
    names = {
        "utf-8-sig": "UTF-8 with BOM",
        "utf-16": "UTF-16 with BOM",
        "utf_8": "UTF-8",
        "gb18030": "GB18030",
        "big5": "Big5",
        "utf_16_le": "UTF-16-LE",
        "utf_16_be": "UTF-16-BE",
    }
    return names.get(codec, codec.upper())


_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "title",
}
_DROP_TAGS = DROP_TAGS


def html_to_text(html: str, display_path: str) -> str:
    """Flatten HTML to lines of text, one line per block, without the page's furniture: scripts, styles,
    navigation, the page's header and footer, the elements its classes name as breadcrumbs, share bars or
    footers, and lists of related links (``tracker.ingest.furniture``). A page that gives its publication
    date only in ``<meta name="PubDate">`` (the 政府网站 templates) gets it as a last ``发布时间：`` line,
    where ``dates.document_date`` reads it when the page shows none.

    Raises:
        InputFileError: more than ``MAX_HTML_TAGS`` tags, or markup the parser rejects.
    """
    return html_document(html, display_path)[0]


def html_document(html: str, display_path: str) -> tuple[str, tuple[FoundTable, ...]]:
    """A page's lines of text (as :func:`html_to_text`) without its task tables, and the task tables,
    each with the lines just above it.

    BeautifulSoup's advice about input that looks like a URL or like XML is not for our users: it
    would print a dozen lines on stderr, where the command line promises one line per problem.

    Raises:
        InputFileError: more than ``MAX_HTML_TAGS`` tags, or markup the parser rejects.
    """
    if len(_TAG_START.findall(html)) > MAX_HTML_TAGS:
        raise InputFileError(
            display_path,
            f"HTML has more than {MAX_HTML_TAGS:,} tags",
            "save the page as text (.txt) and ingest that",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            soup = _ContentsOnlySoup(_without_unclosed_markup(html), "html.parser")
        except ParserRejectedMarkup as error:
            raise InputFileError(
                display_path, "HTML the parser rejects", "save the page as text (.txt) and ingest that"
            ) from error
    metas: dict[str, str] = {}
    found = task_table_tags(soup, _cell_text) if _TABLE_START.search(html) else []
    marks = {id(tag): index for index, (tag, _grid) in enumerate(found)}
    text = "".join(_block_text(soup, metas, marks))
    if metas.get("pubdate"):
        text += f"\n发布时间：{metas['pubdate']}"
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n")]
    # Block boundaries are the only line structure HTML has; blank lines there mean nothing.
    kept: list[str] = []
    tables: list[FoundTable] = []
    since_table = 0
    for line in lines:
        if line.startswith(_TABLE_MARK) and line[1:].isdigit() and int(line[1:]) < len(found):
            grid = found[int(line[1:])][1]
            tables.append(FoundTable(grid.rows, tuple(kept[since_table:][-3:])))
            since_table = len(kept)
        elif line:
            kept.append(line)
    return "\n".join(kept), tuple(tables)


_TABLE_START = re.compile(r"<table", re.IGNORECASE)
#: Where a task table was, in the flattened page: a NUL never survives decoding, so no page holds it.
_TABLE_MARK = "\x00"


def _cell_text(cell: Tag) -> str:
    """A table cell's text, flattened as the page is: a line per block inside it."""
    text = "".join(_block_text(cell, {}, {}))
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class _ContentsOnlySoup(BeautifulSoup):
    """A parse tree read only through ``.contents`` (see :func:`_block_text`), so without the upkeep
    of BeautifulSoup's ``next_element`` chain.

    That upkeep walks from the element receiving a string up through every open ancestor, each time a
    string lands after other children: quadratic in the nesting depth (``<p>一<b>二</b>三`` repeated
    with the ``<p>`` never closed, as old pages do, took 6 s to parse at 8,000 levels and 5 minutes at
    32,000). Parsing decisions never read the chain, so the tree's contents are the same.
    """

    def _linkage_fixer(self, el: Tag) -> None:
        return None


def _block_text(soup: Tag, metas: dict[str, str], tables: dict[int, int]) -> Iterator[str]:
    """The text ``soup.get_text()`` gives once the dropped tags are decomposed and every block tag has
    a newline inserted before and after it, in one walk of the tree.

    Inserting those newlines with BeautifulSoup costs a walk of the tag's whole subtree per insert (it
    looks for the last element inside), so deeply nested or unclosed tags took quadratic time: 8,000
    nested ``<div>`` 6.5 s, 20,000 unclosed ``<table><tr><td>`` four and a half minutes. This walk visits each
    element once, with an explicit stack (deep trees would exhaust recursion), and keeps the same
    strings get_text keeps: plain text and CDATA, not comments or the text of <script>, <rt>, <template>.
    The ``<meta name=… content=…>`` pairs it passes go into ``metas`` (names in lower case). A task
    table (its id in ``tables``) is a line of its own in place of its text: ``_TABLE_MARK`` and its
    number.
    """
    keep = soup.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    related = related_lists(soup)
    # Each level of the walk, and whether it lies inside an <article> or <main> (whose own <header> and
    # <footer> are kept): known on the way down, so no element looks up its ancestors.
    stack: list[tuple[Iterator[object], bool]] = [(iter(soup.contents), False)]
    while stack:
        level, in_article = stack[-1]
        node = next(level, None)
        if node is None:
            stack.pop()
        elif type(node) is str:  # a block's closing newline, pushed below its children
            yield node
        elif isinstance(node, Tag):
            if (
                is_dropped_tag(node, in_article=in_article)
                or id(node) in related
                or is_furniture_element(node)
            ):
                continue
            if node.name == "meta" and node.get("name") and node.get("content"):
                metas[str(node["name"]).lower()] = str(node["content"])
            if node.name == "title":
                yield f"\n{page_title(''.join(_title_strings(node)))}\n"
                continue
            if id(node) in tables:
                yield f"\n{_TABLE_MARK}{tables[id(node)]}\n"
                continue
            if node.name in _BLOCK_TAGS:
                yield "\n"
                stack.append((iter(("\n",)), in_article))
            stack.append((iter(node.contents), in_article or node.name in ARTICLE_TAGS))
        elif type(node) in keep:
            yield str(node)


def _title_strings(title: Tag) -> Iterator[str]:
    return (str(node) for node in title.contents if isinstance(node, str))


# The standard library's html.parser (3.11.7 here) re-scans to the end of the page from every construct
# it cannot close before passing it on as text: 20,000 ``<a `` with no ``>`` after them took 41 s.
_COMMENT_CLOSE = re.compile(r"--\s*>")
_SECTION_CLOSE = {"brackets": re.compile(r"]\s*]\s*>"), "bracket": re.compile(r"]\s*>")}
_SECTION_KINDS = {"temp": "brackets", "cdata": "brackets", "ignore": "brackets", "include": "brackets"}
_SECTION_KINDS |= {"rcdata": "brackets", "if": "bracket", "else": "bracket", "endif": "bracket"}
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
_MARKUP_START = re.compile(r"<(?=[a-zA-Z/!?])")


def _without_unclosed_markup(html: str) -> str:
    """The page with ``<`` escaped where it opens markup that can never close: after the page's last
    ``>``, a ``<!--`` after its last ``-->``, a ``<![CDATA[`` after its last ``]]>``.

    html.parser would re-scan to the end from each of them (quadratic) before keeping it as text (or
    reject an unknown ``<![name[`` section outright); escaped, it is text at once. A page whose markup
    all closes, as every real one does, is returned unchanged, so it parses exactly as before.
    """
    last_gt = html.rfind(">")
    comment_end = _last_start(_COMMENT_CLOSE, html)
    section_end = {kind: _last_start(pattern, html) for kind, pattern in _SECTION_CLOSE.items()}

    def escaped(match: re.Match[str]) -> str:
        start = match.start()
        if start > last_gt:
            return "&lt;"
        if html.startswith("<!--", start):
            return "&lt;" if comment_end < start + 4 else "<"
        if html.startswith("<![", start):
            name = _SECTION_NAME.match(html, start + 3)
            kind = _SECTION_KINDS.get(name.group().lower()) if name else None
            return "&lt;" if kind is None or section_end[kind] < start + 3 else "<"
        return "<"

    return _MARKUP_START.sub(escaped, html)


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` in ``text`` starts (-1: none); its matches never overlap."""
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


_MARKDOWN_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+(?=[^\d]))")
_MARKDOWN_INLINE = re.compile(r"(\*\*|__|\*|`)(.+?)\1")


def markdown_to_text(text: str) -> str:
    """Markdown to plain lines: heading marks, quote marks, bullets, emphasis and link targets removed.

    Numbered list markers ("1. ") are removed only when followed by text, so "2024. " years survive;
    Chinese enumerations ("一、", "(一)") are content and stay.
    """
    lines = []
    for line in text.split("\n"):
        line = _MARKDOWN_LINE.sub("", line)
        line = _without_link_targets(line)
        lines.append(_MARKDOWN_INLINE.sub(r"\2", line))
    return "\n".join(lines)


def _without_link_targets(line: str) -> str:
    """``[text](target)`` and ``![text](target)`` replaced by their text, in one pass.

    Gives what ``re.sub(r"!?\\[([^\\]]*)\\]\\([^)]*\\)", r"\\1", line)`` gave, without its quadratic time:
    the regex scanned from every ``[`` to the end of the line when no link followed (40,000 ``[`` took
    8 s, 270,000 four minutes). Every ``[`` before the same first ``]`` shares that ``]``'s fate, so one look at it decides
    them all, and no ``]`` (or no ``)``) left means no link is left.
    """
    out: list[str] = []
    done = 0  # line[:done] is settled
    start = line.find("[")
    while start >= 0:
        close = line.find("]", start + 1)
        if close < 0:
            break
        if not line.startswith("(", close + 1):
            start = line.find("[", close + 1)
            continue
        end = line.find(")", close + 2)
        if end < 0:
            break
        begin = start - 1 if start > done and line[start - 1] == "!" else start
        out += [line[done:begin], line[start + 1 : close]]
        done = end + 1
        start = line.find("[", done)
    out.append(line[done:])
    return "".join(out)
