"""From raw page text to the document's own paragraphs: web furniture, broken lines and repeats removed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.textnorm import normalize

# Whole lines that are page furniture, never document content.
_FURNITURE = [
    r"^当前位置",
    r"^您现在的位置",
    r"^首页\s*(>|>>|»|/)",
    r"^(发表|发布|更新|来源|文章来源|信息来源|作者|编辑|责任编辑|审核|校对|浏览次数|点击数|阅读数|字号|字体)\s*[:：]",
    r"^(发表时间|发布时间|发布日期)",
    r"^(采写|采访|撰文|文|图|摄影|摄像|通讯员|记者)\s*[:：]",
    r"^(本报记者|记者)\s*\S{2,4}(\s|$)",
    r"(Copyright|版权所有|All Rights? Reserved|ICP备|ICP证|公网安备|网站标识码|技术支持)",
    r"^(地址|邮编|电话|传真|联系电话|电子邮箱)\s*[:：]",
    r"^-*\s*我已经到底线啦\s*-*$",
    r"^暂时没有评论",
    r"^(关联稿件|相关附件|相关链接|相关阅读|相关新闻|附件)\s*[:：]?\s*$",
    r"^(打印本页|关闭窗口|打印|关闭|返回顶部|分享到|扫一扫|【\s*字[体号]|【打印】|【关闭】)",
    r"^(上一篇|下一篇)\s*[:：]",
    r"^(图为|图片来源|(图|图片)\s*[:：])",
    r"\s(摄|供图)$",
]
_FURNITURE_RE = re.compile("|".join(_FURNITURE), re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = "。！？!?；;:：”」』)）】…"
_HEADING_START = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．\s]|第[一二三四五六七八九十]+)"
)


@dataclass
class Paragraph:
    """One paragraph of the document's own text, with how many times the document states it."""

    text: str
    count: int = 1
    isolated: bool = False


@dataclass
class CleanText:
    paragraphs: list[Paragraph]
    removed_lines: int
    repeated_paragraphs: int


def clean_text(text: str) -> CleanText:
    """Remove furniture lines, re-join lines broken mid-sentence, and fold repeated paragraphs."""
    lines = [unicodedata.normalize("NFKC", line).strip() for line in text.split("\n")]
    kept: list[tuple[str, int]] = []  # (line, blank lines before it)
    removed = 0
    blanks = 0
    for line in lines:
        if not line:
            blanks += 1
            continue
        if _is_furniture(line):
            removed += 1
            continue
        kept.append((line, blanks))
        blanks = 0
    paragraphs = _rejoin_broken_lines(kept)
    removed += _drop_captions(paragraphs)
    folded, repeats = _fold_repeats(paragraphs)
    return CleanText(paragraphs=folded, removed_lines=removed, repeated_paragraphs=repeats)


def _is_furniture(line: str) -> bool:
    if _FURNITURE_RE.search(line):
        return True
    # Lines with no Chinese at all (English banners, page numbers, URLs) are furniture.
    return not _CJK.search(line)


def _rejoin_broken_lines(lines: list[tuple[str, int]]) -> list[Paragraph]:
    """Join a long line that stops mid-sentence with the next line (page-layout breaks)."""
    paragraphs: list[Paragraph] = []
    for line, blanks in lines:
        if paragraphs and _continues(paragraphs[-1].text, line):
            paragraphs[-1].text += line
            continue
        paragraphs.append(Paragraph(text=line, isolated=blanks >= 2))
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    if len(previous) < 40 or previous[-1] in _SENTENCE_END or previous[-1] in ",，、":
        return False
    return not _HEADING_START.match(line)


def _drop_captions(paragraphs: list[Paragraph]) -> int:
    """Photo captions: a short single sentence standing alone after a gap, in a page with such gaps."""
    dropped = 0
    for index in range(len(paragraphs) - 1, -1, -1):
        paragraph = paragraphs[index]
        text = paragraph.text
        single_sentence = text.count("。") <= 1 and text.endswith("。") and ";" not in text
        if (
            paragraph.isolated
            and single_sentence
            and len(text) <= 60
            and _is_caption_context(paragraphs, index)
        ):
            del paragraphs[index]
            dropped += 1
    return dropped


def _is_caption_context(paragraphs: list[Paragraph], index: int) -> bool:
    """A caption sits between longer passages, not inside a list of short headed items."""
    after = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
    return after is None or after.isolated or _HEADING_START.match(after.text) is not None


def _fold_repeats(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], int]:
    """Keep the first occurrence of every paragraph; later identical ones only raise its count."""
    seen: dict[str, Paragraph] = {}
    result: list[Paragraph] = []
    repeats = 0
    for paragraph in paragraphs:
        key = normalize(paragraph.text)
        if len(key) >= 8 and key in seen:
            seen[key].count += 1
            repeats += 1
            continue
        seen[key] = paragraph
        result.append(paragraph)
    return result, repeats
