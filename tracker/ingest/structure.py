"""Headings and sentences: which heading path every sentence sits under, and where parts begin."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.ingest.cleaning import Paragraph
from tracker.ingest.splitting import SENTENCE_ENDS, enumerated_items, sentences_with_stops

_NUM = "一二三四五六七八九十"
# (pattern, level); lower level = larger section.
_MARKERS = [
    (re.compile(rf"^第[{_NUM}]+(部分|章|节)[、.．:：\s]*"), 1),
    (re.compile(rf"^[{_NUM}]+[、.．]\s*"), 1),
    (re.compile(rf"^[{_NUM}]+(?=\d{{4}}年)"), 1),
    (re.compile(rf"^[(（][{_NUM}]+[)）]\s*"), 2),
    (re.compile(r"^\d{1,2}[、.．]\s*(?!\d)"), 3),
    (re.compile(r"^\d{1,2}\s+(?=[\u4e00-\u9fff“])"), 3),
    (re.compile(r"^[(（]\d{1,2}[)）]\s*"), 4),
]
UNMARKED_LEVEL = 1
LEAD_LEVEL = 5
ITEM_LEVEL = 6
_MAX_HEADING = 60
_MAX_INLINE_TITLE = 30
_MAX_LEAD_TITLE = 22

_YEAR = r"((?:19|20)\d{2})\s*年"
_PLAN_HEADING = re.compile(
    rf"{_YEAR}[^,。]{{0,8}}?(工作)?(计划|要点|安排|打算|思路|重点工作|主要任务|工作任务)"
    r"|(今后|下一步|下步|明年)[^,。]{0,4}(工作)?(计划|打算|思路|安排|重点|任务)"
)
_SUMMARY_HEADING = re.compile(
    rf"{_YEAR}[^,。]{{0,8}}?(工作)?(总结|情况|回顾|成效|成绩|完成情况)"
    r"|(主要)?(做法(及|和|与)成效|工作成效|主要成效|主要成绩|工作回顾|工作总结|完成情况|取得的成效|工作开展情况)"
)


@dataclass
class Heading:
    level: int
    title: str
    part_kind: str | None = None
    part_year: int | None = None


@dataclass
class SentenceUnit:
    """A sentence with its place in the document."""

    text: str
    section: tuple[str, ...]
    paragraph: int
    count: int
    part_index: int | None
    numbered_section: bool
    full_sentence: int = 0  # number of the 。-sentence: pieces of one ;-list share it
    years: list[int] = field(default_factory=list)
    # The title sentence a paragraph opens with ("加快…建设。…"): a heading of the sentences after it,
    # and a commitment of its own where it names an action. It is read as the sentence after it is.
    lead_title: bool = False


@dataclass
class Structure:
    title: str
    title_years: list[int]
    part_headings: list[Heading]
    units: list[SentenceUnit]


def part_of_heading(title: str) -> tuple[str | None, int | None]:
    """(kind, year) when a heading opens a plan or summary part; (None, None) for both or neither."""
    plan = _PLAN_HEADING.search(title)
    summary = _SUMMARY_HEADING.search(title)
    if bool(plan) == bool(summary):
        return None, None
    match = plan or summary
    assert match is not None
    year = match.group(1)
    return ("plan" if plan else "summary"), (int(year) if year else None)


def _strip_marker(text: str) -> tuple[int | None, str]:
    for pattern, level in _MARKERS:
        match = pattern.match(text)
        if match:
            return level, text[match.end() :].strip()
    return None, text


def _is_standalone_heading(text: str, marked: bool = True) -> bool:
    """A line with no sentence punctuation, or (after a numbering mark) a short full-stopped phrase
    without comma or figures. An unnumbered "推进居家适老化改造。" is a statement, not a heading."""
    if len(text) > _MAX_HEADING or text.endswith((":", "：", ";", "；")):
        return False
    if text.endswith("。") and marked:
        body = text[:-1]
        return (
            len(body) <= _MAX_LEAD_TITLE
            and not any(c in body for c in SENTENCE_ENDS + ",，")
            and not re.search(r"\d", body)  # "全年新建长者饭堂12家。" reports a result
        )
    return not any(char in SENTENCE_ENDS for char in text)


def analyse(paragraphs: list[Paragraph]) -> Structure:
    """Walk the paragraphs keeping a heading stack; emit every sentence with its section path."""
    walk = _Walk()
    for index, paragraph in enumerate(paragraphs):
        level, body = _strip_marker(paragraph.text)
        if index == 0 and level is None and _is_standalone_heading(body, marked=False):
            walk.set_title(body)
        elif _is_standalone_heading(body, marked=level is not None):
            walk.open_heading(level or UNMARKED_LEVEL, body.rstrip("。"), level is not None)
        else:
            walk.add_body(index, paragraph, level, body)
    return Structure(
        title=walk.title, title_years=walk.title_years, part_headings=walk.part_headings, units=walk.units
    )


class _Walk:
    """The state of :func:`analyse` as it reads paragraph after paragraph."""

    def __init__(self) -> None:
        self.stack: dict[int, str] = {}
        self.units: list[SentenceUnit] = []
        self.part_headings: list[Heading] = []
        self.title = ""
        self.title_years: list[int] = []
        self.numbered_seen = False
        self.full_sentences = 0

    def set_title(self, body: str) -> None:
        self.title = body
        self.title_years = [int(y) for y in re.findall(_YEAR, body)]
        kind, year = part_of_heading(body)
        if kind:
            self.part_headings.append(Heading(0, body, kind, year))

    def open_heading(self, level: int, text: str, marked: bool) -> None:
        for deeper in [lv for lv in self.stack if lv >= level]:
            del self.stack[deeper]
        self.stack[level] = text
        if marked:
            self.numbered_seen = True
        kind, year = part_of_heading(text)
        if kind:
            self.part_headings.append(Heading(level, text, kind, year))
            self.stack.clear()
            self.numbered_seen = False

    def add_body(self, index: int, paragraph: Paragraph, level: int | None, body: str) -> None:
        local: list[str] = []
        first = True
        items = enumerated_items(body)
        for enumerated, item in items:
            item_sentences = sentences_with_stops(item)
            item_title: list[str] = []
            lead: tuple[str, int] | None = None
            if item_sentences:
                head = item_sentences[0][0]
                if first and level is not None and len(head) <= _MAX_INLINE_TITLE:
                    self.open_heading(level, head, True)
                    item_sentences = item_sentences[1:]
                elif len(item_sentences) > 1 and _is_lead_title(head):
                    (local if not enumerated else item_title).append(head)
                    # The titles of a run of items in one paragraph (一是…。…二是…。…) head their items;
                    # the title of a paragraph of its own may also be what the paragraph commits to.
                    lead = item_sentences[0] if len(items) == 1 else None
                    item_sentences = item_sentences[1:]
            first = False
            section = tuple(self.stack[lv] for lv in sorted(self.stack)) + tuple(local) + tuple(item_title)
            rows = [(text, stop, False) for text, stop in item_sentences]
            for sentence, stop, is_title in ([(*lead, True)] if lead else []) + rows:
                self.units.append(
                    SentenceUnit(
                        text=sentence,
                        full_sentence=self.full_sentences + stop,
                        section=section,
                        paragraph=index,
                        count=paragraph.count,
                        part_index=len(self.part_headings) - 1 if self.part_headings else None,
                        numbered_section=self.numbered_seen,
                        years=[int(y) for y in re.findall(_YEAR, sentence)],
                        lead_title=is_title,
                    )
                )
            self.full_sentences += 1 + max((stop for _text, stop in item_sentences), default=0)


def _is_lead_title(sentence: str) -> bool:
    """A short first sentence without commas or figures that names what the paragraph is about
    ("擦亮长者饭堂招牌。"); "全年创建高标准支部品牌61个。" is a result, not a title."""
    return (
        len(sentence) <= _MAX_LEAD_TITLE
        and not any(c in sentence for c in ",，:：")
        and not re.search(r"\d", sentence)
    )
