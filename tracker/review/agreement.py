"""How far reviewers who code the same commitments independently agree: percent agreement, Cohen's κ
and Krippendorff's α over their statuses and link decisions, read from the log and rendered for reports.

The statistics are pure functions over plain pairs and rows, so they can be checked by hand; the reader
(:func:`read_agreement`) only gathers each counted coder's own decisions into such data.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, Final

from sqlmodel import Session, col, select

from tracker.statuses import EVIDENCE_STATE_LABELS, STATUSES, label, status_rank, with_label
from tracker.store.assignments import Coders, coders, own_links, own_statuses
from tracker.store.models import Commitment
from tracker.store.queries import in_chunks
from tracker.textnorm import md_escape, shown

if TYPE_CHECKING:
    from rich.console import Console

#: The coarse split of every status into whether the commitment was addressed at all. Coders often
#: agree that work was done and differ only on how far it went (fulfilled or partial, partial or in
#: progress), and often agree that nothing is shown and differ only on why (no evidence, not fulfilled,
#: unverifiable, pending); κ and α on this split tell those near misses from real disagreement.
COARSE_SPLIT: Final[dict[str, str]] = {
    status: "addressed" if status in ("fulfilled", "partial", "in_progress") else "not_addressed"
    for status in STATUSES
}
#: The coarse split's two categories, in report order, with how reports name them.
COARSE_LABELS: Final[dict[str, str]] = {"addressed": "已着手", "not_addressed": "未着手"}
#: A link decision's two values, in report order.
LINK_VALUES: Final[tuple[str, ...]] = ("confirmed", "rejected")
#: What a figure that cannot be computed shows as in a table.
MISSING: Final[str] = "–"


def coarse(status: str) -> str:
    """``addressed`` or ``not_addressed``; a status unknown to :data:`COARSE_SPLIT` is not addressed."""
    return COARSE_SPLIT.get(status, "not_addressed")


def percent_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """The share of pairs whose two values are equal; None without pairs."""
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]], categories: Sequence[Hashable]) -> float | None:
    """Cohen's κ = (p_o − p_e) / (1 − p_e), p_e from the two coders' marginal distributions.

    When p_e is 1 (both coders gave one and the same category to every unit) κ is 0/0; it is defined
    here as 1.0 if p_o is 1 (as it then always is) and 0.0 otherwise, so that two coders who agree on a
    uniform sample read as agreeing rather than as no figure. Computed in integers, so p_e == 1 is
    exact. None without pairs.

    Raises:
        ValueError: a value of ``pairs`` is not one of ``categories``.
    """
    if not pairs:
        return None
    _check(pairs, categories)
    n = len(pairs)
    agreed = sum(a == b for a, b in pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[c] * second[c] for c in categories)  # p_e · n²
    if chance == n * n:
        return 1.0 if agreed == n else 0.0
    return (agreed * n - chance) / (n * n - chance)


def confusion(pairs: Sequence[tuple[Hashable, Hashable]], categories: Sequence[Hashable]) -> list[list[int]]:
    """Counts of each (a, b) combination: rows are coder a's values, columns coder b's, both in the
    order of ``categories``.

    Raises:
        ValueError: a value of ``pairs`` is not one of ``categories``.
    """
    _check(pairs, categories)
    index = {c: i for i, c in enumerate(categories)}
    matrix = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        matrix[index[a]][index[b]] += 1
    return matrix


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's α (nominal) over reliability data: one row per unit, one value (None: missing)
    per coder, for any number of coders, through the ``krippendorff`` package.

    None when fewer than 2 values are pairable (no unit has two values), and when every pairable value
    is the same: then expected disagreement is 0 and α is 0/0, which Krippendorff leaves undefined and
    the package refuses (or answers nan); a report shows that as no figure.
    """
    pairable = [list(unit) for unit in units if sum(v is not None for v in unit) >= 2]
    values = {v for unit in pairable for v in unit if v is not None}
    if len(values) < 2:
        return None
    import krippendorff  # loaded on demand: commands that show no agreement start without numpy
    import numpy as np

    codes = {v: float(i) for i, v in enumerate(sorted(values, key=str))}
    data = np.array([[math.nan if v is None else codes[v] for v in unit] for unit in pairable]).T
    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return None if math.isnan(alpha) else alpha


def _check(pairs: Sequence[tuple[Hashable, Hashable]], categories: Sequence[Hashable]) -> None:
    unknown = {v for pair in pairs for v in pair} - set(categories)
    if unknown:
        raise ValueError(f"values not among the categories: {sorted(map(str, unknown))}")


@dataclass(frozen=True)
class Figures:
    """Two coders' agreement on one kind of decision, over the units both decided."""

    n: int
    percent: float | None
    kappa: float | None
    #: the categories that occur, in report order: the rows and columns of ``confusion``
    categories: tuple[str, ...]
    #: rows: the first coder's values, columns: the second's
    confusion: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class PairAgreement:
    """Two reviewers (``first`` < ``second`` by name) on the commitments both coded."""

    first: str
    second: str
    statuses: Figures
    coarse: Figures
    links: Figures


@dataclass(frozen=True)
class Overall:
    """All counted coders together on one kind of decision: pairwise agreement and α."""

    units: int
    percent: float | None
    alpha: float | None


@dataclass(frozen=True)
class Disagreement:
    """A double-coded commitment whose coders set different statuses (reviewer -> status)."""

    commitment_id: str
    statuses: dict[str, str]


@dataclass(frozen=True)
class Agreement:
    """Inter-coder agreement on the double-coded commitments of an agency and year (None: all)."""

    agency: str | None
    period: int | None
    reviewers: tuple[str, ...]
    statuses: Overall
    coarse: Overall
    links: Overall
    pairs: tuple[PairAgreement, ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def units(self) -> int:
        """The double-coded commitments: those with statuses of at least two counted coders."""
        return self.statuses.units


def read_agreement(session: Session, *, agency: str | None = None, period: int | None = None) -> Agreement:
    """Agreement among the reviewers who coded the same commitments, from their own latest decisions.

    On an assigned commitment only its assigned coders count (a third reviewer's look, or the
    adjudicator's, is not a coding); on one without assignments every reviewer who set a status does.
    A unit of the link figures is a (commitment, achievement) pair that two counted coders decided.
    Commitments no longer stored are left out, as are those outside ``agency`` and ``period``.
    """
    statuses, links = own_statuses(session), own_links(session)
    order = _commitment_order(session, set(statuses) | {cid for cid, _ in links}, agency, period)
    assigned = coders(session, list(order))
    units = {
        cid: counted
        for cid in sorted(statuses, key=lambda c: order.get(c, ()))
        if cid in order and len(counted := _counted(statuses[cid], assigned.get(cid))) >= 2
    }
    link_units = {
        pair: counted
        for pair, by in sorted(links.items())
        if pair[0] in order and len(counted := _counted(by, assigned.get(pair[0]))) >= 2
    }
    coarse_units = {cid: {r: coarse(s) for r, s in by.items()} for cid, by in units.items()}
    reviewers = sorted({r for by in (*units.values(), *link_units.values()) for r in by})
    pairs = []
    for first, second in combinations(reviewers, 2):
        both = [(by[first], by[second]) for by in units.values() if first in by and second in by]
        decided = [(by[first], by[second]) for by in link_units.values() if first in by and second in by]
        if both or decided:
            found = sorted({v for pair in both for v in pair}, key=lambda s: (status_rank(s), s))
            pairs.append(
                PairAgreement(
                    first,
                    second,
                    _figures(both, found),
                    _figures([(coarse(a), coarse(b)) for a, b in both], tuple(COARSE_LABELS)),
                    _figures(decided, LINK_VALUES),
                )
            )
    return Agreement(
        agency=agency,
        period=period,
        reviewers=tuple(reviewers),
        statuses=_overall(units.values()),
        coarse=_overall(coarse_units.values()),
        links=_overall(link_units.values()),
        pairs=tuple(pairs),
        disagreements=tuple(
            Disagreement(cid, dict(sorted(by.items())))
            for cid, by in units.items()
            if len(set(by.values())) > 1
        ),
    )


def _counted(by_reviewer: Mapping[str, str], assigned: Coders | None) -> dict[str, str]:
    if assigned is None:
        return dict(by_reviewer)
    return {r: v for r, v in by_reviewer.items() if r in assigned.names}


def _commitment_order(
    session: Session, ids: set[str], agency: str | None, period: int | None
) -> dict[str, tuple[str, int, str, int]]:
    """Id -> (agency, period, document, position) of the stored commitments of ``ids`` in the filter:
    the order disagreements are listed in, the order a reader meets them."""
    query = select(  # type: ignore[call-overload]  # five columns: more than sqlmodel's typed overloads
        Commitment.id, Commitment.agency, Commitment.period, Commitment.document_id, Commitment.position
    )
    if agency is not None:
        query = query.where(Commitment.agency == agency)
    if period is not None:
        query = query.where(Commitment.period == period)
    found: dict[str, tuple[str, int, str, int]] = {}
    for chunk in in_chunks(sorted(ids)):
        for cid, *place in session.exec(query.where(col(Commitment.id).in_(chunk))).all():
            found[cid] = tuple(place)  # type: ignore[assignment]
    return found


def _figures(pairs: list[tuple[str, str]], categories: Sequence[str]) -> Figures:
    """The figures of ``pairs``; without pairs there is no matrix to show (no categories)."""
    shown_categories = tuple(categories) if pairs else ()
    return Figures(
        n=len(pairs),
        percent=percent_agreement(pairs),
        kappa=cohen_kappa(pairs, shown_categories),
        categories=shown_categories,
        confusion=tuple(map(tuple, confusion(pairs, shown_categories))),
    )


def _overall(units: Iterable[Mapping[str, str]]) -> Overall:
    """Pairwise agreement over every pair of coders within each unit, and α over all of them."""
    rows = list(units)
    names = sorted({r for by in rows for r in by})
    within = [pair for by in rows for pair in combinations(by.values(), 2)]
    alpha = krippendorff_alpha([[by.get(r) for r in names] for by in rows])
    return Overall(units=len(rows), percent=percent_agreement(within), alpha=alpha)


def _json_value(value: Any) -> Any:
    """A figure as JSON data: floats to 3 decimals, tuples as lists."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value


def _shown_number(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


def _plain(figures: Figures | Overall) -> dict[str, Any]:
    """A dataclass of figures as JSON data, ``percent`` spelt out as ``percent_agreement``."""
    return {
        "percent_agreement" if key == "percent" else key: _json_value(value)
        for key, value in asdict(figures).items()
    }


def as_dict(agreement: Agreement) -> dict[str, Any]:
    """The figures as plain JSON data (numbers to 3 decimals, names as they may be shown), for
    :func:`render_json` and for reports that embed them."""
    return {
        "agency": None if agreement.agency is None else shown(agreement.agency),
        "period": agreement.period,
        "units": agreement.units,
        "reviewers": [shown(r) for r in agreement.reviewers],
        "overall": {
            "statuses": _plain(agreement.statuses),
            "coarse": _plain(agreement.coarse),
            "links": _plain(agreement.links),
        },
        "pairs": [
            {
                "coders": [shown(pair.first), shown(pair.second)],
                "statuses": _plain(pair.statuses),
                "coarse": _plain(pair.coarse),
                "links": _plain(pair.links),
            }
            for pair in agreement.pairs
        ],
        "disagreements": [
            {"commitment_id": d.commitment_id, "statuses": {shown(r): s for r, s in d.statuses.items()}}
            for d in agreement.disagreements
        ],
    }


def render_json(agreement: Agreement) -> str:
    """:func:`as_dict` as indented JSON, Chinese kept as written."""
    return json.dumps(as_dict(agreement), ensure_ascii=False, indent=2)


def summary_line(agreement: Agreement) -> str:
    """One line for a report's methodology section: how many coders and units, κ and α."""
    kappas = [p.statuses.kappa for p in agreement.pairs if p.statuses.kappa is not None]
    kappa = sum(kappas) / len(kappas) if kappas else None
    mean = "平均 mean " if len(kappas) > 1 else ""
    return (
        f"编码一致性 agreement: {len(agreement.reviewers)} 位编码员 coders, "
        f"{agreement.units} 条双重编码 double-coded; {mean}κ {_shown_number(kappa)} (状态 statuses), "
        f"α {_shown_number(agreement.statuses.alpha)}, "
        f"一致率 agreement {_shown_number(agreement.statuses.percent)}"
    )


#: The three kinds of decision, as reports name them, and how their categories read.
_KINDS: Final[tuple[tuple[str, str, Callable[[str], str]], ...]] = (
    ("statuses", "状态 statuses", label),
    ("coarse", "着手与否 addressed or not", COARSE_LABELS.__getitem__),
    ("links", "佐证 links", EVIDENCE_STATE_LABELS.__getitem__),
)


@dataclass(frozen=True)
class _Grid:
    """One table of a rendering, as text: Markdown and rich lay out the same grids."""

    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    numeric: bool = True  # every column but the first holds numbers


def _grids(agreement: Agreement, name: Callable[[str], str]) -> list[_Grid]:
    """The tables of a rendering, reviewer names put through ``name`` (shown, and escaped for the
    format)."""
    grids = [
        _Grid(
            "总体 Overall",
            ("范围 scope", "单位 units", "一致率 agreement", "Krippendorff's α"),
            [
                (title, str(o.units), _shown_number(o.percent), _shown_number(o.alpha))
                for kind, title, _ in _KINDS
                for o in [getattr(agreement, kind)]
            ],
        )
    ]
    for pair in agreement.pairs:
        a, b = name(pair.first), name(pair.second)
        figures = [(kind, title, read, getattr(pair, kind)) for kind, title, read in _KINDS]
        grids.append(
            _Grid(
                f"{a} × {b}",
                ("范围 scope", "n", "一致率 agreement", "Cohen's κ"),
                [
                    (title, str(f.n), _shown_number(f.percent), _shown_number(f.kappa))
                    for _, title, _, f in figures
                ],
            )
        )
        grids += [
            _Grid(
                f"混淆矩阵 confusion matrix, {title} (行 rows: {a}, 列 columns: {b})",
                (f"{a} \\ {b}", *map(read, f.categories)),
                [(read(c), *map(str, row)) for c, row in zip(f.categories, f.confusion, strict=True)],
            )
            for _, title, read, f in figures
            if f.categories
        ]
    if agreement.disagreements:
        rows = [
            (d.commitment_id, "; ".join(f"{name(r)}: {with_label(s)}" for r, s in d.statuses.items()))
            for d in agreement.disagreements
        ]
        grids.append(_Grid("分歧 Disagreements", ("承诺 commitment", "编码 codings"), rows, numeric=False))
    return grids


def _md(text: str) -> str:
    """A reviewer's name shown, on one line, with every character Markdown reads as markup escaped."""
    return md_escape(shown(text))


def render_markdown(agreement: Agreement) -> str:
    """The figures as Markdown: overall, then per pair of reviewers their figures and confusion
    matrices, then the disagreements."""
    names = ", ".join(_md(r) for r in agreement.reviewers) or MISSING
    lines = [
        "## 编码一致性 Agreement",
        "",
        f"编码员 coders: {names}; 双重编码 double-coded: {agreement.units}",
    ]
    for grid in _grids(agreement, _md):
        align = " ---: |" if grid.numeric else " --- |"
        lines += ["", f"### {grid.title}", "", "| " + " | ".join(grid.header) + " |"]
        lines.append("| --- |" + align * (len(grid.header) - 1))
        lines += ["| " + " | ".join(row) + " |" for row in grid.rows]
    return "\n".join(lines) + "\n"


def render_table(agreement: Agreement, console: Console) -> None:
    """The figures as rich tables on ``console``, the same tables as :func:`render_markdown`."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text(summary_line(agreement)))
    for grid in _grids(agreement, shown):
        console.print(Text(grid.title, style="bold"))  # above the table: a title would wrap to its width
        table = Table()
        for i, heading in enumerate(grid.header):
            table.add_column(Text(heading), justify="right" if grid.numeric and i else "left")
        for row in grid.rows:
            table.add_row(*map(Text, row))
        console.print(table)
