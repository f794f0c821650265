"""Task tables (重点工作任务分解表, 落实情况表): recognising one among a file's tables by its header row,
and reading it row by row into tasks with their unit, deadline, progress and section.

A table is a task table when one of its first rows names a task column (工作任务, 任务内容, 重点任务 …)
and at least one of a unit (牵头单位, 责任单位 …), a deadline (完成时限 …) or a progress column (进展情况 …).
Rows are read as offices lay them out: a 序号 of 一/二 (or a row merged across, 一、养老服务) opens a
group, the section of the rows under it; a blank row, a repeated header row and a 合计 or 注 row are
skipped; a cell merged over rows gives its text to every row it spans (each reader lays a merged cell
in every place it covers). Every other table is text: its cells in order, each merged cell once
(:func:`split_blocks`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tracker.ingest.units import cell_lead
from tracker.textnorm import to_simplified

#: Column roles by header name. A header cell takes the role of the name it equals, else of the name it
#: ends with (``年度任务``), else of a name of four characters or more it contains (``工作进展及成效``), in
#: this order of roles (``任务完成情况`` is progress).
ROLE_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "progress",
        (
            "进展情况",
            "完成情况",
            "落实情况",
            "推进情况",
            "进度情况",
            "执行情况",
            "工作进展",
            "目前进展",
            "完成进度",
            "进展",
        ),
    ),
    (
        "deadline",
        ("完成时限", "时间节点", "完成时间", "完成期限", "时限要求", "时间要求", "时间安排", "时限"),
    ),
    ("lead", ("牵头单位", "牵头部门", "牵头处室", "主责单位", "主责部门")),
    ("unit", ("责任单位", "责任部门", "责任处室", "承办单位", "责任主体", "实施单位")),
    ("helper", ("配合单位", "配合部门", "协办单位", "参与单位", "协作单位")),
    (
        "detail",
        ("具体任务", "任务内容", "具体内容", "工作内容", "具体措施", "工作措施", "主要措施", "工作事项"),
    ),
    ("target", ("目标任务", "工作目标", "预期目标", "目标")),
    ("heading", ("工作任务", "重点任务", "主要任务", "重点工作", "任务名称", "任务")),
    ("group", ("类别", "分类", "领域", "板块", "方面")),
    ("number", ("序号", "编号", "序")),
)
_TASK_ROLES = ("detail", "heading", "target")
_FACT_ROLES = ("lead", "unit", "deadline", "progress")
#: Header rows are looked for among a table's first rows (a title row or two may come first).
HEADER_SEARCH_ROWS = 8
_MAX_HEADER_CELL = 16
_BRACKETED = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]")
_SPACE = re.compile(r"\s+")
_CN = "一二三四五六七八九十"
_GROUP_NUMBER = re.compile(rf"^(?:[{_CN}]+[、.．]?|第[{_CN}]+[部分类项]?)$")
_SUBGROUP_NUMBER = re.compile(rf"^[(（][{_CN}]+[)）]$")
_GROUP_MARK = re.compile(
    rf"^(?:(?P<top>[{_CN}]+[、.．]|第[{_CN}]+[、.．]|第[{_CN}]+(?:部分|类|项)[、.．:：]?)|(?P<sub>[(（][{_CN}]+[)）]))\s*"
)
_SKIPPED = re.compile(r"^(?:合计|小计|总计|注|备注|说明|填表说明)(?:[:：\s]|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_EMPTY = re.compile(r"^[-—－/／\\、.。·…\s无]*$")


@dataclass(frozen=True)
class Grid:
    """A table as read from a file: each row's cell texts, a merged cell repeated in every grid place it
    covers, and for each place the key of the cell that fills it (equal keys: one merged cell)."""

    rows: tuple[tuple[str, ...], ...]
    keys: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class FoundTable:
    """A task table of a file, with the lines of text just above it (its title, nearest last)."""

    rows: tuple[tuple[str, ...], ...]
    above: tuple[str, ...] = ()
    sheet: str = ""  # the sheet's title, for a spreadsheet


@dataclass(frozen=True)
class Header:
    row: int
    roles: dict[int, str]  # column -> role

    def columns(self, role: str) -> list[int]:
        return [column for column, r in sorted(self.roles.items()) if r == role]


@dataclass
class TaskRow:
    """One task of a task table: what it commits to, who leads, by when, and what was done."""

    task: str
    section: tuple[str, ...]
    lead_unit: str | None = None
    deadline: str = ""
    progress: str = ""
    number: str = ""
    row: int = 0  # its row in the table
    more_progress: list[str] = field(default_factory=list)  # progress of rows merged into this task


def clean_cell(text: str) -> str:
    """A cell's text in the normal form of the ingest rules (NFKC), each line stripped, blank lines gone."""
    lines = (_SPACE.sub(" ", unicodedata.normalize("NFKC", line)).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _role(cell: str) -> str | None:
    name = _SPACE.sub("", _BRACKETED.sub("", unicodedata.normalize("NFKC", cell)))
    if not name or len(name) > _MAX_HEADER_CELL:
        return None
    name = to_simplified(name)  # 序號, 牽頭單位
    for test, shortest in ((str.__eq__, 1), (str.endswith, 2), (str.__contains__, 4)):
        for role, names in ROLE_NAMES:
            if any(test(name, n) for n in names if len(n) >= shortest):
                return role
    return None


def header_roles(row: Sequence[str]) -> dict[int, str]:
    return {column: role for column, cell in enumerate(row) if (role := _role(cell))}


def _is_header(roles: dict[int, str]) -> bool:
    found = set(roles.values())
    return bool(found & set(_TASK_ROLES)) and bool(found & set(_FACT_ROLES))


def find_header(rows: Sequence[Sequence[str]]) -> Header | None:
    """The header row of a task table among its first rows, or None when the table is no task table."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = header_roles(row)
        if _is_header(roles):
            return Header(index, roles)
    return None


def split_blocks(blocks: Iterable[str | Grid], *, sheet: str = "") -> tuple[list[str], list[FoundTable]]:
    """The lines of text of a file's blocks (paragraphs and tables in document order) and its task
    tables, each with the lines just above it. A table that is no task table becomes lines: each cell
    once, in order, row by row."""
    lines: list[str] = []
    tables: list[FoundTable] = []
    since_table = 0
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            continue
        if find_header(block.rows) is not None:
            above = tuple(line for line in lines[since_table:] if line.strip())[-3:]
            tables.append(FoundTable(block.rows, above, sheet))
            since_table = len(lines)
        else:
            lines.extend(_cells_in_order(block))
    return lines, tables


def _cells_in_order(grid: Grid) -> list[str]:
    seen: set[int] = set()
    lines: list[str] = []
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            key = grid.keys[r][c] if grid.keys else hash((r, c))
            if key in seen:
                continue
            seen.add(key)
            lines.extend(line for line in cell.splitlines() if line.strip())
    return lines


def title_lines(table: FoundTable) -> list[str]:
    """The text above a task table's header, nearest last: the lines above it in the file, then the rows
    above the header inside it (a title row merged across, 填报时间 …)."""
    header = find_header(table.rows)
    inside: list[str] = []
    for row in table.rows[: header.row if header else 0]:
        for cell in dict.fromkeys(clean_cell(c) for c in row):
            if cell:
                inside.append(cell.replace("\n", " "))
    return [clean_cell(line).replace("\n", " ") for line in table.above] + inside


def header_texts(table: FoundTable) -> list[str]:
    """The header row's cells (a progress column may carry its date: 进展情况（截至6月底）)."""
    header = find_header(table.rows)
    return [clean_cell(c) for c in table.rows[header.row]] if header else []


def task_rows(table: FoundTable) -> list[TaskRow]:
    """The tasks of a task table, in order."""
    header = find_header(table.rows)
    if header is None:
        return []
    reader = _Reader(header)
    for index in range(header.row + 1, len(table.rows)):
        reader.read(index, [clean_cell(cell) for cell in table.rows[index]])
    return reader.tasks


class _Reader:
    """The state of reading a task table row after row: the groups open and the tasks so far."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.groups: dict[int, str] = {}
        self.tasks: list[TaskRow] = []
        detail = header.columns("detail")
        self.task_columns = detail or header.columns("heading") or header.columns("target")
        # Heading and category columns beside a detail column head its rows (重点任务 | 具体措施).
        context = ("group", "heading") if detail else ("group",)
        self.context_columns = [c for c in sorted(header.roles) if header.roles[c] in context]
        self.target_columns = (
            header.columns("target") if self.task_columns != header.columns("target") else []
        )

    def cell(self, cells: list[str], role: str) -> str:
        """The row's cell of a role; of several progress columns the last one filled (the latest)."""
        values = [self._value(cells, c) for c in self.header.columns(role)]
        values = [v for v in values if v]
        if not values:
            return ""
        return values[-1] if role == "progress" else values[0]

    def _value(self, cells: list[str], column: int) -> str:
        value = cells[column] if column < len(cells) else ""
        return "" if _EMPTY.match(value) else value

    def read(self, index: int, cells: list[str]) -> None:
        filled = [c for c in cells if c and not _EMPTY.match(c)]
        if not filled or _SKIPPED.match(filled[0]):
            return
        if header_roles(cells) == self.header.roles:
            return  # the header repeated (a table continued on the next page)
        if self._group(cells, filled):
            return
        task = "\n".join(v for c in self.task_columns if (v := self._value(cells, c)))
        targets = [v for c in self.target_columns if (v := self._value(cells, c))]
        progress = self.cell(cells, "progress")
        if not task:
            if progress and self.tasks:
                self.tasks[-1].more_progress.append(progress)
            return
        context = tuple(dict.fromkeys(v for c in self.context_columns if (v := self._value(cells, c))))
        section = tuple(self.groups[level] for level in sorted(self.groups)) + context
        text = "\n".join([task, *targets])
        last = self.tasks[-1] if self.tasks else None
        if last is not None and last.task == text and last.section == section:
            if progress:
                last.more_progress.append(progress)  # a task cell merged over rows
            return
        lead = self.cell(cells, "lead") or self.cell(cells, "unit")
        self.tasks.append(
            TaskRow(
                task=text,
                section=section,
                lead_unit=cell_lead(lead) if lead else None,
                deadline=self.cell(cells, "deadline").replace("\n", " "),
                progress=progress,
                number=self.cell(cells, "number"),
                row=index,
            )
        )

    def _group(self, cells: list[str], filled: list[str]) -> bool:
        """Open a group when the row is one (一、养老服务 merged across; 一 | 养老服务 with no unit,
        deadline or progress); whether it was."""
        number = self.cell(cells, "number")
        facts = any(
            not _EMPTY.match(cells[c])
            for role in _FACT_ROLES
            for c in self.header.columns(role)
            if c < len(cells)
        )
        distinct = list(dict.fromkeys(filled))
        if len(distinct) == 1 and not _GROUP_NUMBER.match(distinct[0]) and len(filled) > 1:
            text = distinct[0]  # one cell merged across the row
        elif number and (_GROUP_NUMBER.match(number) or _SUBGROUP_NUMBER.match(number)) and not facts:
            rest = [c for c in distinct if c != number]
            joiner = "、" if number[-1] in _CN else ""
            text = number + joiner + (rest[0] if rest else "")
        elif len(filled) == 1 and _GROUP_MARK.match(filled[0]) and not facts:
            text = filled[0]
        else:
            return False
        mark = _GROUP_MARK.match(text)
        level = 2 if mark and mark.group("sub") else 1
        title = (text[mark.end() :] if mark else text).strip().rstrip("。:：")
        if not _CJK.search(title):
            return False
        for deeper in [lv for lv in self.groups if lv >= level]:
            del self.groups[deeper]
        self.groups[level] = title.replace("\n", " ")
        return True
