"""Turning a file's bytes into text: encoding detection and HTML to plain text, without interpretation."""

from __future__ import annotations

import codecs
import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

from tracker.errors import InputFileError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
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


def read_file(path: Path, display_path: str) -> RawText:
    """Read, decode and (for HTML) flatten one file.

    Raises:
        InputFileError: missing, unreadable, empty, binary or undecodable file.
    """
    if not path.exists():
        raise InputFileError(display_path, "no such file or folder")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            display_path, f"unsupported file type '{path.suffix}'", "use .txt, .md, .html or .htm"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(display_path, f"cannot be read ({error.strerror})") from error
    if not data.strip():
        raise InputFileError(display_path, "file is empty")
    text, encoding = decode_bytes(data, display_path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    elif path.suffix.lower() == ".md":
        text = markdown_to_text(text)
    text = without_controls(text)
    if not _CJK.search(text):
        raise InputFileError(
            display_path, "no Chinese text found", "tracker reads Chinese plans and summaries"
        )
    return RawText(text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest())


def without_controls(text: str) -> str:
    """The text without control characters: a stray ESC sequence in a document must not reach the
    terminal through ``tracker report`` or the ingest printout, nor a stored statement."""
    return _STRAY_CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def decode_bytes(data: bytes, display_path: str) -> tuple[str, str]:
    """Decode bytes, trying byte-order marks, strict UTF-8, then the Chinese encodings by likelihood."""
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
    best = charset_normalizer.from_bytes(data, cp_isolation=_CHINESE_ENCODINGS).best()
    if best is None:
        raise InputFileError(
            display_path,
            "cannot decode: not UTF-8, UTF-16, GB18030 or Big5",
            "re-save the file as UTF-8",
        )
    return _checked(str(best), display_path), _label(best.encoding, bom=False)


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
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select"]


def html_to_text(html: str) -> str:
    """Flatten HTML to lines of text: scripts, styles and navigation removed, one line per block.

    BeautifulSoup's advice about input that looks like a URL or like XML is not for our users: it
    would print a dozen lines on stderr, where the command line promises one line per problem.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.name in _BLOCK_TAGS:
            tag.insert_before("\n")
            tag.insert_after("\n")
    text = soup.get_text()
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n")]
    # Block boundaries are the only line structure HTML has; blank lines there mean nothing.
    return "\n".join(line for line in lines if line)


_MARKDOWN_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+(?=[^\d]))")
_MARKDOWN_INLINE = re.compile(r"(\*\*|__|\*|`)(.+?)\1")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def markdown_to_text(text: str) -> str:
    """Markdown to plain lines: heading marks, quote marks, bullets, emphasis and link targets removed.

    Numbered list markers ("1. ") are removed only when followed by text, so "2024. " years survive;
    Chinese enumerations ("一、", "(一)") are content and stay.
    """
    lines = []
    for line in text.split("\n"):
        line = _MARKDOWN_LINE.sub("", line)
        line = _MARKDOWN_LINK.sub(r"\1", line)
        lines.append(_MARKDOWN_INLINE.sub(r"\2", line))
    return "\n".join(lines)
