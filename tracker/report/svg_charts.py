"""Bar charts as inline SVG for the html report: each bar named, its total and every segment that has
room counted in text, a table of all the numbers beside it.

SVG rather than CSS boxes or a script: it prints as drawn (a browser drops CSS backgrounds when
printing, not SVG fills), it scales with the width of a phone screen (``viewBox``, width 100 %), and its
labels are text a reader can select and a test can read. The name of a group sits above its bar, so the
bar can take the whole width of a narrow screen. All text is escaped; the font list is the report's,
with Chinese fonts first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

#: Chinese-capable fonts first, as on the page, so a chart opened on its own reads the same.
FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
#: Width of the drawing in SVG units; the browser scales it to the column it is in.
WIDTH = 360
_NAME_SIZE = 14
_COUNT_SIZE = 12
_BAR = 20
_ROW = 46  # a name line, its bar and the gap under it
_NAME_LINE = 15


@dataclass(frozen=True)
class Series:
    """One kind of segment: its key in the counts, its label, its fill and the colour of text on it."""

    key: str
    label: str
    fill: str
    ink: str


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is set at ``size``: a CJK character one em, anything else 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def fitted(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it takes at most ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def stacked_bars(title: str, rows: Sequence[tuple[str, Mapping[str, int]]], series: Sequence[Series]) -> str:
    """One bar per row, its length relative to the largest total, in segments by series.

    Args:
        title: what the chart shows, the SVG's accessible name.
        rows: (name, key -> count) per bar, drawn in this order.
        series: the segments, in stacking order; keys no row counts are left out.
    """
    largest = max((sum(counts.values()) for _name, counts in rows), default=0) or 1
    height = len(rows) * _ROW + 4
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{escape(FONT_FAMILY)}"><title>{escape(title)}</title>'
    ]
    for index, (name, counts) in enumerate(rows):
        top = index * _ROW
        total = sum(counts.values())
        total_text = str(total)
        room = WIDTH - text_width(total_text, _NAME_SIZE) - 12
        out.append(
            f'<text class="name" x="0" y="{top + _NAME_LINE}" font-size="{_NAME_SIZE}" fill="#1f2328">'
            f"<title>{escape(name)}</title>{escape(fitted(name, room, _NAME_SIZE))}</text>"
            f'<text class="total" x="{WIDTH}" y="{top + _NAME_LINE}" font-size="{_NAME_SIZE}" '
            f'font-weight="bold" text-anchor="end" fill="#1f2328">{total_text}</text>'
        )
        x = 0.0
        bar_top = top + _NAME_LINE + 6
        for s in series:
            n = counts.get(s.key, 0)
            if not n:
                continue
            width = max(WIDTH * n / largest, 1.5)
            out.append(
                f'<rect x="{x:.1f}" y="{bar_top}" width="{width:.1f}" height="{_BAR}" fill="{s.fill}">'
                f"<title>{escape(f'{name}：{s.label} {n}')}</title></rect>"
            )
            if width >= text_width(str(n), _COUNT_SIZE) + 6:
                out.append(
                    f'<text class="count" x="{x + width / 2:.1f}" y="{bar_top + 14.5}" '
                    f'font-size="{_COUNT_SIZE}" text-anchor="middle" fill="{s.ink}">{n}</text>'
                )
            x += width
    out.append("</svg>")
    return "".join(out)


def counts_table(
    first: str, rows: Sequence[tuple[str, Mapping[str, int]]], series: Sequence[Series], *, total: bool = True
) -> str:
    """The chart's numbers as a table: a row per bar, a column per series (and the total), so that a
    segment too narrow for its number, or a chart printed in grey, loses nothing."""
    head = "".join(
        f'<th><span class="swatch" style="background:{s.fill}"></span><span class="nw">{escape(s.label)}</span></th>'
        for s in series
    )
    body = []
    for name, counts in rows:
        cells = "".join(f'<td class="num">{counts.get(s.key, 0)}</td>' for s in series)
        if total:
            cells += f'<td class="num"><b>{sum(counts.values())}</b></td>'
        body.append(f"<tr><th>{escape(name)}</th>{cells}</tr>")
    return (
        f'<div class="scroll"><table class="data"><thead><tr><th>{escape(first)}</th>{head}'
        + ('<th class="nw">合计</th>' if total else "")
        + f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
