"""Tables drawn as ``rich.table.Table`` draws them (widths, wrapping, box), line by line and fast.

Rich measures each cell as a renderable and renders it through its segment pipeline: for the report's
100,000 commitments that took 140 of 200 s. The cells here are plain strings with a style, so the same
layout can be computed directly: each column as wide as its widest cell (within its ``max_width`` and
the console), the widest wrappable columns narrowed first when the table is too wide (rich's
``_collapse_widths``), each cell wrapped with rich's own line divider (``divide_line``, so a line
breaks where rich breaks it) and padded by one space each side, in rich's heavy-headed box. Without
colour the text is the same, character for character, as ``Console.print(Table(...))``; with colour
each cell carries its style as ANSI codes (an old Windows console, which rich drives through the
Win32 API, gets each line through :meth:`rich.console.Console.print` instead).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich import box, errors
from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.console import COLOR_SYSTEMS, Console
from rich.style import Style
from rich.text import Text

#: A cell: its text and its style (a rich style name or definition; None: plain).
Cell = tuple[str, str | None]
#: A line of output as pieces of text and their styles.
Line = list[Cell]


@dataclass(frozen=True)
class Column:
    """A column as ``rich.table.Column`` takes it (the options the report uses)."""

    header: str
    header_style: str | None = None
    justify: str = "left"  # left or right
    no_wrap: bool = False
    overflow: str = "ellipsis"  # fold or ellipsis
    max_width: int | None = None


#: One space of padding each side of every cell (rich's default ``padding=(0, 1)``).
_PADDING = 2


def _measure(text: str) -> int:
    """The widest line of ``text`` in cells (rich's ``Text.__rich_measure__`` maximum)."""
    lines = text.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], max_width: int) -> list[int]:
    """Each column's width with its padding, the table at most ``max_width`` wide without its borders,
    as ``Table._calculate_column_widths`` finds them (not expanded, no minimum width)."""
    widths = []
    for index, column in enumerate(columns):
        widest = max(
            [_cell_width(column.header, max_width), *(_cell_width(row[index][0], max_width) for row in rows)]
        )
        widest = min(widest, max_width)
        if column.max_width is not None:
            widest = min(widest, column.max_width + _PADDING)
        widths.append(widest or 1)
    if sum(widths) > max_width:
        widths = _collapse(widths, [not c.no_wrap for c in columns], max_width)
        if sum(widths) > max_width:  # last resort: narrow every column evenly
            widths = _ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
    return widths


def _cell_width(text: str, max_width: int) -> int:
    """The widest a padded cell wants to be (rich's ``Padding`` measured through ``Measurement.get``)."""
    if max_width - _PADDING < 1:
        return max_width
    inner = min(_measure(text), max_width - _PADDING)
    return min((inner if inner >= 1 else 0) + _PADDING, max_width)


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """Narrow the widest wrappable columns towards the next widest until the table fits (rich's
    ``Table._collapse_widths``)."""
    total = sum(widths)
    excess = total - max_width
    if not any(wrapable):
        return widths
    while total and excess > 0:
        widest = max(width for width, wraps in zip(widths, wrapable, strict=True) if wraps)
        second = max(
            width if wraps and width != widest else 0 for width, wraps in zip(widths, wrapable, strict=True)
        )
        difference = widest - second
        ratios = [
            1 if (width == widest and wraps) else 0 for width, wraps in zip(widths, wrapable, strict=True)
        ]
        if not any(ratios) or not difference:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take ``total`` off ``values`` in proportion to ``ratios``, at most ``maximums`` each (rich's
    ``_ratio.ratio_reduce``)."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def wrap(
    text: str, width: int, *, justify: str = "left", overflow: str = "fold", no_wrap: bool = False
) -> list[str]:
    """``text`` in lines of exactly ``width`` cells, as ``Text.wrap`` lays it out (then padded); with
    ``overflow="ignore"`` its lines as they are."""
    if width < 1:  # a column squeezed under its padding on a very narrow console shows nothing
        return [""]
    lines: list[str] = []
    for line in text.split("\n"):
        if "\t" in line:
            expanded = Text(line)
            expanded.expand_tabs(8)
            line = expanded.plain
        if no_wrap or overflow == "ignore" or cell_len(line) <= width:  # divide_line would not break it
            pieces = [line]
        else:
            offsets = divide_line(line, width, fold=overflow == "fold")
            pieces = [
                line[start:end] for start, end in zip([0, *offsets], [*offsets, len(line)], strict=True)
            ]
        for piece in pieces:
            piece = _rstrip_end(piece, width)
            lines.append(_justified(piece, width, justify, overflow))
    return lines


def _rstrip_end(text: str, size: int) -> str:
    """Trailing white space beyond ``size`` characters removed (``Text.rstrip_end``)."""
    excess = len(text) - size
    if excess <= 0:
        return text
    stripped = text.rstrip()
    return text[: len(text) - min(len(text) - len(stripped), excess)]


def _justified(text: str, width: int, justify: str, overflow: str) -> str:
    """One line cut to ``width`` (with an ellipsis unless folding) and padded to it."""
    if justify == "right":
        text = _truncated(text.rstrip(), width, overflow)
        return " " * (width - cell_len(text)) + text
    return _truncated(text, width, overflow, pad=True)


def _truncated(text: str, width: int, overflow: str, pad: bool = False) -> str:
    if overflow == "ignore":
        return text
    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(text, width)
        length = cell_len(text)
    return text + " " * (width - length) if pad and length < width else text


class TablePrinter:
    """Prints tables on a console as rich would, a line at a time."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.box = box.HEAVY_HEAD.substitute(console.options, safe=console.safe_box)
        self._codes: dict[str | None, tuple[str, str]] = {None: ("", "")}
        self._plain = console.color_system is None

    def print(
        self, title: str, title_style: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
    ) -> None:
        """One table, then the empty line ``console.print()`` would add after it."""
        self._write(self.lines(title, title_style, columns, rows))

    def lines(
        self, title: str, title_style: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
    ) -> Iterator[Line]:
        extra = len(columns) + 1  # the borders: both edges and between columns
        widths = column_widths(columns, rows, self.console.width - extra)
        table_width = sum(widths) + extra
        if title:  # a soft-wrapping console prints it whole, as a terminal would wrap it
            for line in wrap(title, table_width, overflow="ignore" if self.console.soft_wrap else "fold"):
                yield [(line, title_style)]
        b = self.box
        yield [(b.get_top(widths), None)]
        header = [(column.header, column.header_style or "table.header") for column in columns]
        yield from self._row(
            header, columns, widths, (b.head_left, b.head_vertical, b.head_right), bottom=True
        )
        yield [(b.get_row(widths, "head", edge=True), None)]
        for row in rows:
            yield from self._row(row, columns, widths, (b.mid_left, b.mid_vertical, b.mid_right))
        yield [(b.get_bottom(widths), None)]
        yield []

    def _row(
        self,
        cells: Sequence[Cell],
        columns: Sequence[Column],
        widths: list[int],
        edges: tuple[str, str, str],
        *,
        bottom: bool = False,
    ) -> Iterator[Line]:
        """A row's lines; a cell shorter than the row at its top, or with ``bottom`` (the header, as
        rich sets it) at its bottom."""
        wrapped = [
            wrap(
                text,
                width - _PADDING,
                justify=column.justify,
                overflow=column.overflow,
                no_wrap=column.no_wrap,
            )
            for (text, _style), column, width in zip(cells, columns, widths, strict=True)
        ]
        left, middle, right = edges
        height = max(len(lines) for lines in wrapped)
        if bottom:
            wrapped = [
                [" " * (width - _PADDING)] * (height - len(lines)) + lines
                for lines, width in zip(wrapped, widths, strict=True)
            ]
        for index in range(height):
            line: Line = [(left + " ", None)]
            for column_index, ((_text, style), lines, width) in enumerate(
                zip(cells, wrapped, widths, strict=True)
            ):
                if column_index:
                    line.append((" " + middle + " ", None))
                line.append((lines[index] if index < len(lines) else " " * (width - _PADDING), style))
            line.append((" " + right, None))
            yield line

    def _write(self, lines: Iterator[Line]) -> None:
        console = self.console
        if console.legacy_windows and not self._plain:
            for line in lines:
                console.print(Text.assemble(*((t, s or "") for t, s in line)), soft_wrap=True, crop=False)
            return
        if self._plain:
            text = "".join("".join(t for t, _s in line) + "\n" for line in lines)
        else:
            text = "".join("".join(self._styled(t, s) for t, s in line) + "\n" for line in lines)
        console.file.write(text)

    def _style(self, name: str) -> Style:
        """A style by theme name (``table.title``) or definition (``bold red``), or both in one string
        (``table.header green``)."""
        try:
            return self.console.get_style(name)
        except errors.MissingStyle:
            return sum((self.console.get_style(word) for word in name.split()), Style())

    def _styled(self, text: str, style: str | None) -> str:
        codes = self._codes.get(style)
        if codes is None:
            parsed = self._style(style or "")
            if self.console.no_color:
                parsed = parsed.without_color
            color_system = COLOR_SYSTEMS[self.console.color_system or "standard"]
            before, _, after = parsed.render("\x00", color_system=color_system).partition("\x00")
            codes = self._codes[style] = (before, after)
        return codes[0] + text + codes[1] if codes[0] else text
