"""The unit responsible for a commitment (牵头单位): read from a task table's unit cell or from the words a
plan writes inside or right after a commitment (由市民政局牵头, （牵头单位：市民政局；配合单位：…）,
责任单位：市民政局（市财政局配合）).

One rule for both paths, so a unit reads the same whether it came from a table or from prose:

- A list of units names its lead by 牵头 (``市卫健局、市民政局（牵头）``); otherwise the first unit listed
  leads, as government task lists order them.
- Supporting units (配合单位, 市财政局配合) are recognised, so a sentence that only assigns units is no
  commitment, but never taken for the lead.
"""

from __future__ import annotations

import re

# A unit's name: a few characters ending as bodies' names end (市民政局, 各区人民政府, 市残联, 团市委).
_ORG = (
    r"[\u4e00-\u9fff]{1,20}?(?:委员会|办公室|管委会|联合会|人民政府|政府|法院|检察院|公司|集团|中心|部门|单位"
    r"|局|委|办|厅|部|院|联|队|处|科|站|所|馆|团)"
)
_ORGS = rf"{_ORG}(?:[、和及与]{_ORG})*"
_LEAD_LABEL = (
    r"(?:牵头单位|牵头部门|牵头处室|责任单位|责任部门|责任处室|主责单位|主责部门|责任主体|牵头|责任)"
)
_HELP_LABEL = r"(?:配合单位|配合部门|协办单位|协作单位|参与单位|配合)"
_UNITS_TEXT = r"[^；;。,，)）(（]+(?:[（(][^（）()]*[）)][^；;。,，)）(（]*)*"
#: 牵头单位：市民政局、市财政局 / 责任单位：市民政局（市财政局配合）
_LABELLED = re.compile(rf"{_LEAD_LABEL}\s*[:：]\s*(?P<units>{_UNITS_TEXT})")
_HELPERS = re.compile(rf"{_HELP_LABEL}\s*[:：]\s*{_UNITS_TEXT}")
#: 由市民政局牵头 / 由市民政局、市财政局负责
_LED_BY = re.compile(rf"由(?P<units>{_ORGS})(?:牵头|负责)")
#: （市民政局牵头，市财政局配合）
_BRACKETED = re.compile(rf"[（(](?P<units>{_ORGS})牵头[^（）()]*[）)]")
#: A clause that is only a unit and its role: 市民政局牵头 / 市财政局、市卫健局配合
_ROLE_ONLY = re.compile(rf"^(?:由)?{_ORGS}(?:牵头|负责|配合|协助|参与|协同)(?:负责|落实|实施)?$")
_LIST_BREAKS = re.compile(r"[、,，;；/\s]+|(?<=[局委办厅部院队处])(?:和|及|与)")
_BRACKET = re.compile(r"[（(][^（）()]*[）)]")
_MARK = re.compile(r"[（(]?\s*(?:牵头|负责)\s*[）)]?|等$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCTUATION = re.compile(r"[\s,，、;；:：。()（）\[\]【】]")


def cell_lead(cell: str) -> str | None:
    """The lead unit of a task table's unit cell: labelled (牵头：市民政局 配合：…) or a list of units."""
    return lead_unit_in(cell) or lead_of(cell)


def lead_of(units: str) -> str | None:
    """The lead of a list of units (``市卫健局、市民政局（牵头）``, one per line, or after a label): the
    one marked 牵头, else the first. ``None`` when the text names no unit."""
    items = [item for item in _split(units) if _PUNCTUATION.sub("", item)]
    marked = [item for item in items if "牵头" in item]
    chosen = (marked or items or [""])[0]
    name = _MARK.sub("", _BRACKET.sub(lambda m: "" if "牵头" not in m.group() else m.group(), chosen))
    name = _PUNCTUATION.sub("", name)
    return name if _CJK.search(name) else None


def _split(units: str) -> list[str]:
    """The units of a list, split outside brackets (``市民政局（市财政局配合）`` is one item)."""
    items: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(units):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and _LIST_BREAKS.match(units, index):
            items.append(units[start:index])
            start = index + len(_LIST_BREAKS.match(units, index).group())  # type: ignore[union-attr]
    items.append(units[start:])
    return [item.strip() for item in items]


def lead_unit_in(text: str) -> str | None:
    """The lead unit a piece of plan text assigns (由市民政局牵头, 牵头单位：…, 责任单位：…, （…牵头）),
    or ``None``."""
    for pattern in (_LABELLED, _LED_BY, _BRACKETED):
        found = pattern.search(text)
        if found and (lead := lead_of(found.group("units"))):
            return lead
    return None


def only_assigns_units(text: str) -> bool:
    """Whether ``text`` (a clause or a sentence) does nothing but name units and their roles
    (责任单位：市民政局（市财政局配合）, 由市民政局牵头, 市财政局配合): no commitment of its own."""
    if not _PUNCTUATION.sub("", text):
        return False
    rest = _HELPERS.sub("", _LABELLED.sub("", _BRACKETED.sub("", text)))
    pieces = [bare for piece in re.split(r"[,，;；。]", rest) if (bare := _PUNCTUATION.sub("", piece))]
    return all(_ROLE_ONLY.match(piece) for piece in pieces)
