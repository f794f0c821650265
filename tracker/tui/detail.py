"""One commitment and its evidence: decide with single keys, every decision saved at once.

``a``/``x`` confirm or reject the highlighted evidence and move to the next piece; ``s`` sets the status
and moves to the next undecided commitment; ``u`` takes back the last decision, wherever it was, and
the first line says what it took back. In blind review no shared term is marked (they are the
matcher's view of the pair).

The commitment's history across years (SPEC "History") is one line under it and, in full, a pane
beside the evidence on a wide terminal, or in the evidence's place on a narrow one (``h``). Tab moves
between the evidence and the history; there ``a``/``x`` confirm or reject the highlighted continuation,
repetition or drop, with the same log and undo as the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.widgets import Header, ListItem, ListView, Static

from tracker.review.detail import CommitmentDetail, EvidenceView
from tracker.review.history import DROPPED, PRIOR_COMMITMENT, PRIOR_EVIDENCE, Prior
from tracker.statuses import HISTORY_ACTIONS, LINKED_STATES, STATUS_STYLES, label
from tracker.tui.badges import (
    HISTORY_STYLES,
    baseline_text,
    coding_line,
    highlighted,
    history_label,
    reason_label,
    score_text,
    state_badge,
    status_badge,
    undone_what,
)
from tracker.tui.keybar import KeyBar
from tracker.tui.messages import Decided, DetailLoaded
from tracker.tui.shared_keys import NEXT_UNDECIDED, UNDO, status_keys

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

#: From this many columns the history pane sits beside the evidence; below, it takes the evidence's place.
WIDE = 120
#: How a target compares with an earlier one.
DIRECTIONS = {"up": ("目标上调", "green"), "down": ("目标下调", "red"), "same": ("目标不变", "")}


class DetailScreen(Screen[str]):
    """The commitment ``ids[index]``; ``ids`` is the list it was opened from (for ] and [).
    Made once per app and pointed at a commitment with :meth:`target`. Going back returns the id of
    the commitment shown last, so the list's cursor goes to it.

    The key bar shows the first of these that fit the terminal (the order is the priority)."""

    BINDINGS = [
        Binding("a", "confirm", "确认", tooltip="confirm the highlighted evidence", id="confirm"),
        Binding("x", "reject", "否决", tooltip="reject the highlighted evidence", id="reject"),
        Binding("s", "status", "状态", tooltip="set the status (then go to the next undecided)", id="status"),
        UNDO,
        NEXT_UNDECIDED,
        Binding("n", "note", "备注", tooltip="add a note", id="note"),
        Binding("l", "link", "关联", tooltip="link another achievement of the agency", id="link"),
        Binding("h", "history", "历年", tooltip="show / hide the history across years", id="history"),
        Binding(
            "tab",
            "switch_pane",
            "切换佐证/历年",
            key_display="Tab",
            tooltip="move between the evidence and the history (a / x decide there)",
            show=False,
            id="switch-pane",
        ),
        Binding("j,down", "down", "下一条", tooltip="next evidence", show=False, id="next-evidence"),
        Binding("k,up", "up", "上一条", tooltip="previous evidence", show=False, id="previous-evidence"),
        Binding(
            "g",
            "first",
            "第一条",
            tooltip="first evidence (or history line)",
            show=False,
            id="first-evidence",
        ),
        Binding(
            "G", "last", "最后一条", tooltip="last evidence (or history line)", show=False, id="last-evidence"
        ),
        Binding(
            "left_square_bracket",
            "previous_undecided",
            "上一未审",
            key_display="[",
            tooltip="previous undecided commitment",
            show=False,
            id="previous-undecided",
        ),
        Binding("escape", "back", "返回", tooltip="back to the list", id="back"),
        *status_keys("this commitment"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.index = 0
        self.detail: CommitmentDetail | None = None
        self._shown_texts: list[Text] = []
        self._drawn_key: tuple[object, ...] = ()
        self._title = Text()
        # said on the first line after a status moved on to the next commitment, or after an undo
        self._last_action = Text()
        self._history_open: bool | None = None  # None: as the width has it (open when wide)
        self._drawn_history: tuple[object, ...] = ()
        self._history_targets: list[HistoryTarget | None] = []  # per pane line: what a/x decide there
        self._history_items: list[ListItem] = []  # the pane's items, one per line (kept, refilled)
        self._on_history = False  # the keys act on the history pane (when it is open beside the evidence)
        self._history_keep: HistoryTarget | None = None  # the line decided last: the cursor goes past it

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    @property
    def blind(self) -> bool:
        """Blind review, or a double-coded commitment the other coder's decisions are hidden on (its
        automatic status and suggestions would carry that coder's links): shown as in blind review."""
        return self.tracker.blind or (self.detail is not None and self.detail.row.blinded)

    @property
    def commitment_id(self) -> str:
        return self.ids[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="commitment-pane"):
            yield Static("读取中… loading", id="commitment")
        with Horizontal(id="below"):
            with Vertical(id="evidence-side"):
                yield Static("", id="evidence-title")
                yield ListView(id="evidence")
            yield ListView(id="history-pane")
        yield KeyBar()

    def target(self, ids: list[str], index: int) -> None:
        """Show commitment ``ids[index]`` (the screen is made once and kept; this points it anew)."""
        self.ids, self.index = list(ids), index
        self._last_action = Text()
        if self.is_mounted:
            self._focus_pane(self.history_only)  # a commitment opened from the list starts on its evidence
            self.reload_detail()

    def on_mount(self) -> None:
        self._lay_out()
        if self.ids:
            self.reload_detail()

    # -- the history pane -----------------------------------------------------------------------------

    @property
    def wide(self) -> bool:
        return self.app.size.width >= WIDE

    @property
    def history_open(self) -> bool:
        return self.wide if self._history_open is None else self._history_open

    @property
    def history_only(self) -> bool:
        """The history pane is shown in place of the evidence (a narrow terminal)."""
        return self.history_open and not self.wide

    @property
    def history_active(self) -> bool:
        """The keys act on the history pane (it was moved to, or it is all that is shown)."""
        return self.history_only or (self.history_open and self._on_history)

    @property
    def _history_list(self) -> ListView:
        return self.query_one("#history-pane", ListView)

    def _lay_out(self) -> None:
        self.set_class(self.wide, "-wide")
        self.set_class(self.history_open, "-history")
        self._focus_pane(self.history_active)
        self._draw_commitment()  # its history line says "h 详情" when the pane is hidden

    def _focus_pane(self, history: bool) -> None:
        """Put the keys on the history pane or the evidence. Which one is kept here, not read from the
        focus: Textual moves the focus after the key that asked, and the next key must already go there."""
        self._on_history = history
        wanted = self._history_list if history else self.query_one("#evidence", ListView)
        if self.focused is not wanted:
            wanted.focus()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """A click (or Textual's own focus moves) puts the keys where the focus went."""
        if event.widget is self._history_list:
            self._on_history = True
        elif event.widget is self.query_one("#evidence", ListView):
            self._on_history = False

    def on_resize(self, _event: Resize) -> None:
        self._lay_out()

    def action_history(self) -> None:
        self._history_open = not self.history_open
        self._lay_out()
        self._drawn_key = ()  # the hint under the commitment changes
        self._draw_commitment()

    def action_switch_pane(self) -> None:
        """Tab: from the evidence to the history and back (opening the history when it is hidden)."""
        if not self.history_open or self.history_only:
            self.action_history()
            if self.history_open:
                self._focus_pane(True)
            return
        self._focus_pane(not self._on_history)

    def _evidence_hidden(self) -> bool:
        """A key about the evidence while the history hides it: say so instead of acting unseen."""
        if self.history_only:
            self.notify("正在显示历年 — 按 h 回到佐证 press h for the evidence", timeout=3)
            return True
        return False

    # -- loading --------------------------------------------------------------------------------------

    def reload_detail(self) -> None:
        self.tracker.fetch_detail(self.commitment_id, self)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        self.show(message.detail)

    def show(self, detail: CommitmentDetail | None, keep: int | None = None) -> None:
        """Draw ``detail``; the highlight goes to evidence ``keep`` (or stays where it was).

        When as many pieces of evidence are shown as before (a decision changed their states, or the
        next commitment also has five), the items are updated in place instead of being rebuilt:
        rebuilding the list costs tens of milliseconds.
        """
        if detail is None or detail.row.id != self.commitment_id:
            return
        evidence = self.query_one("#evidence", ListView)
        highlight = evidence.index if keep is None else keep
        if keep is None and (self.detail is None or self.detail.row.id != detail.row.id):
            highlight = 0  # another commitment: start at its best evidence
        self.detail = detail
        texts = [self._evidence_text(rank, item) for rank, item in enumerate(detail.evidence, 1)]
        if len(evidence.children) == len(texts):
            for item, text, before in zip(evidence.query(ListItem), texts, self._shown_texts, strict=True):
                if text != before:  # a confirm changes one item: repaint only that one
                    item.query_one(Static).update(text)
        else:
            evidence.clear()
            evidence.extend(ListItem(Static(text)) for text in texts)
        self._shown_texts = texts
        if detail.evidence:
            wanted = min(highlight or 0, len(detail.evidence) - 1)
            if evidence.index != wanted:
                evidence.index = wanted
        self._focus_pane(self.history_active)
        self._draw_commitment()
        self._draw_history()
        count = len(detail.evidence)
        self._set_title(
            Text.assemble(
                ("佐证 evidence ", "bold"), f"{count} 条" if count else "无候选 none ranked — l 关联 link one"
            )
        )

    def _set_title(self, text: Text) -> None:
        if text != self._title:
            self._title = text
            self.query_one("#evidence-title", Static).update(text)

    def rows_changed(self) -> None:
        """Blind mode toggled or rows reloaded: redraw what is shown."""
        if self.detail is not None:
            self.show(self.detail)

    def _selected(self) -> EvidenceView | None:
        evidence = self.query_one("#evidence", ListView)
        if self.detail is None or evidence.index is None or not self.detail.evidence:
            return None
        return self.detail.evidence[min(evidence.index, len(self.detail.evidence) - 1)]

    def on_list_view_highlighted(self, _event: ListView.Highlighted) -> None:
        self._draw_commitment()

    # -- drawing --------------------------------------------------------------------------------------

    def _draw_commitment(self) -> None:
        detail = self.detail
        if detail is None:
            return
        c, row = detail.commitment, detail.row
        selected = self._selected()
        blind = self.blind
        # blind review marks no shared terms: which words the matcher found in common is its view
        terms = selected.evidence.shared_terms if selected is not None and not blind else []
        position = f"{self.index + 1}/{len(self.ids)}"
        # Repainting a Static of automatic height makes Textual lay the screen out again: skip it when
        # nothing it shows changed (moving between evidence with the same shared terms, say).
        why = selected.evidence.why if selected is not None and not self.blind else None
        key = (
            row,
            position,
            tuple(terms),
            why,
            self.blind,
            detail.reason,
            tuple(detail.notes),
            self._last_action,
            self.history_open,
            detail.history,
            detail.dropped_state,
            detail.coding,
        )
        if key == self._drawn_key:
            return
        self._drawn_key = key
        head = Text.assemble(
            status_badge(row.status, row.source, self.blind),
            ("  已审 decided" if row.decided else "  未审 undecided", "green" if row.decided else "yellow"),
            (f"  {position}  {c.id}", "dim"),
        )
        if self._last_action:
            head.append("  ")
            head.append_text(self._last_action)
        text = highlighted(c.text, terms)
        text.stylize("bold")
        lines: list[object] = [head, text]
        lines.append(Text(f"{c.agency} {c.period} · {c.topic} · {c.section or '（无章节）'}", style="dim"))
        lines.append(Text(f"来源 {detail.source.describe()}", style="dim"))
        facts = []
        if c.targets:
            facts.append("目标 targets: " + "；".join(_target(t) for t in c.targets))
        if c.deadline:
            facts.append(f"期限 deadline: {c.deadline}")
        if c.lead_unit:
            facts.append(f"牵头 lead unit: {c.lead_unit}")
        if facts:
            lines.append(Text("  ".join(facts)))
        lines.append(self._history_line(detail))
        if detail.coding is not None:
            lines.append(coding_line(detail.coding, self.tracker.reviewer, row.blinded))
        if detail.comparisons:
            lines.append(_comparisons(detail.comparisons))
        if detail.reason and row.source == "auto" and not self.blind:
            lines.append(Text(f"自动判定依据 {reason_label(detail.reason)}", style="italic dim"))
        if why is not None:
            lines.append(
                Text(f"为何关联 why #{selected.evidence.rank if selected else ''}: {why.line()}", style="dim")
            )
        for note in detail.notes:
            lines.append(Text(f"备注 note · {note}", style="yellow"))
        self.query_one("#commitment", Static).update(Group(*lines))  # type: ignore[arg-type]

    def _history_line(self, detail: CommitmentDetail) -> Text:
        """One line: ``历年 延续 · 上年成效 2 条 · 往年承诺 0 条 · 目标 ≥500家 · 2023年 486家 · +14``."""
        history = detail.history
        text = Text.assemble(("历年 ", "bold"))
        if history is None or not detail.baseline.compared:
            text.append(baseline_text(detail.baseline), style="dim")
        else:
            text.append(_kind(history.kind))
            evidence = sum(p.state in LINKED_STATES for p in history.prior_evidence)
            promised = sum(p.state in LINKED_STATES for p in history.prior_commitments)
            if detail.baseline.summary is not None:
                text.append(f" · 上年成效 {evidence} 条")
            if detail.baseline.plans:
                text.append(f" · 往年承诺 {promised} 条")
            for last in history.target_vs_last_actual[:1]:
                text.append(" · ")
                text.append_text(_versus(last))
        if detail.dropped_in is not None:
            text.append(f" · {detail.dropped_in}年计划未再提及", style=HISTORY_STYLES["dropped"])
        if not self.history_open:
            text.append("  h 详情", style="dim")
        return text

    def _draw_history(self) -> None:
        """The history pane: the kind, the drop, targets against last year's figures, the prior-year
        achievements and the earlier commitments with their status and target change. The drop and
        each earlier statement are lines the cursor stops on (a/x decide them); the rest are headings."""
        detail = self.detail
        if detail is None:
            return
        blind = self.blind
        key = (detail.row.id, detail.history, detail.baseline, detail.dropped_in, detail.dropped_state, blind)
        if key == self._drawn_history:
            return
        another = self._drawn_history[:1] != key[:1]
        self._drawn_history = key
        lines = _history_lines(detail, blind)
        pane = self._history_list
        before = (
            self._history_targets[pane.index] if pane.index is not None and self._history_targets else None
        )
        self._history_targets = [target for _line, target in lines]
        self._fill_history(lines)
        wanted = (
            None
            if another
            else _after(self._history_targets, self._history_keep or before, self._history_keep is not None)
        )
        self._history_keep = None
        pane.index = wanted if wanted is not None else _first_target(self._history_targets)
        if another:
            pane.scroll_home(animate=False)

    def _fill_history(self, lines: list[tuple[RenderableType, HistoryTarget | None]]) -> None:
        """The pane's items show ``lines``: those it has are given the new lines, only the ones
        missing are made (or those left over removed). Making a dozen list items for each commitment
        cost most of the time of ``]`` (Textual composes and styles each)."""
        pane, items = self._history_list, self._history_items
        for item, (line, target) in zip(items, lines, strict=False):
            item.query_one(Static).update(line)
            item.disabled = target is None
            item.set_class(target is None, "heading")
        if len(items) > len(lines):
            for item in items[len(lines) :]:
                item.remove()
            del items[len(lines) :]
        else:
            added = [
                ListItem(Static(line), disabled=target is None, classes="" if target else "heading")
                for line, target in lines[len(items) :]
            ]
            items.extend(added)
            pane.extend(added)

    def _decide_history(self, action: str) -> None:
        pane = self._history_list
        if self.detail is None or pane.index is None or pane.index >= len(self._history_targets):
            return
        target = self._history_targets[pane.index]
        if target is None:
            return
        self._history_keep = target
        self.tracker.decide_history(action, self.commitment_id, target.relation, target.earlier, self)

    def _evidence_text(self, rank: int, item: EvidenceView) -> Text:
        e = item.evidence
        head = Text.assemble(
            (f"#{rank} ", "bold"),
            score_text(e.score, self.blind),
            "  ",
            state_badge("candidate" if self.blind and e.state == "suggested" else e.state),
            (f"  {item.source.short()}", "dim"),
        )
        body = highlighted(e.achievement.text, [] if self.blind else e.shared_terms)
        if e.achievement.section:
            body = Text.assemble((e.achievement.section.rsplit(" > ", 1)[-1] + " ▸ ", "dim"), body)
        return Text.assemble(head, "\n", body)

    # -- decisions ------------------------------------------------------------------------------------

    def on_decided(self, message: Decided) -> None:
        """A decision this screen asked for is saved (the app has the fresh rows already): show what
        was read with it, where that kind of decision leads."""
        kind, detail = message.step.kind, message.detail
        if kind in ("confirm", "reject"):
            keep = (self.query_one("#evidence", ListView).index or 0) + 1  # on to the next evidence
            self.show(detail, keep=keep)
        elif kind in HISTORY_ACTIONS:
            self.show(detail)  # the history pane's cursor moves past the line decided
        elif kind in ("status", "adjudicate"):
            self._after_status(message.step.value, detail, "已裁定" if kind == "adjudicate" else "已设为")
        elif kind == "undo":
            self._after_undo(message)
        else:  # a note or a link: the same commitment again
            self.show(detail)

    def action_confirm(self) -> None:
        if self.history_active:
            self._decide_history("history_confirm")
            return
        selected = self._selected()
        if selected is not None:
            self.tracker.confirm(self.commitment_id, selected.id, self)

    def action_reject(self) -> None:
        if self.history_active:
            self._decide_history("history_reject")
            return
        selected = self._selected()
        if selected is not None:
            self.tracker.reject(self.commitment_id, selected.id, self)

    def action_set_status(self, status: str) -> None:
        """1–7: set the status directly (the order of the chooser), then go to the next undecided
        (whose detail is read in the same trip to the database)."""
        following = self._undecided_index(+1)
        show = self.ids[following] if following is not None else None
        self.tracker.set_status(self.commitment_id, status, self, show, adjudicate=self._adjudicates())

    def _adjudicates(self) -> bool:
        """Whether a status key settles the commitment's dispute: its coders disagree and this reviewer
        is neither of them (the adjudicator)."""
        coding = self.detail.coding if self.detail is not None else None
        return coding is not None and coding.disputed and coding.coders.role(self.tracker.reviewer) is None

    def action_status(self) -> None:
        self.tracker.choose_status(self.detail.row.status if self.detail else None, self.action_set_status)

    def _after_status(self, status: str, detail: CommitmentDetail | None, done: str = "已设为") -> None:
        """Say what was set (``done``: 已设为, or 已裁定 for an adjudication) on the first line only now it
        is saved (a refused status is never claimed)."""
        if detail is not None and detail.row.id != self.commitment_id and detail.row.id in self.ids:
            self.index = self.ids.index(detail.row.id)  # the next undecided one, read with the decision
            self._last_action = Text(f"✓ 上一条{done} {label(status)}", style="green")
        else:
            self._last_action = Text(f"✓ {done} {label(status)}", style="green")  # no next one
        self.show(detail)

    def action_note(self) -> None:
        from tracker.tui.dialogs import NoteEditor

        def written(text: str | None) -> None:
            if text and text.strip():
                self.tracker.add_note(self.commitment_id, text, self)

        self.app.push_screen(NoteEditor(), written)

    def action_link(self) -> None:
        from tracker.tui.dialogs import LinkPicker

        if self.detail is None or self._evidence_hidden():
            return

        def picked(achievement_id: str | None) -> None:
            if achievement_id:
                self.tracker.link(self.commitment_id, achievement_id, self)

        self.app.push_screen(LinkPicker(self.detail.commitment.agency, self.detail.commitment.text), picked)

    def action_undo(self) -> None:
        self.tracker.undo(self)

    def _after_undo(self, message: Decided) -> None:
        """Show the commitment the undo changed; its first line says what was undone (a ``✓ 上一条已设为``
        from before would no longer be true)."""
        touched, detail = message.touched, message.detail
        if touched is None:
            return
        if touched != self.commitment_id:
            if touched not in self.ids:
                self.ids.append(touched)
            self.index = self.ids.index(touched)
        what = undone_what(message.undone, detail) if message.undone is not None else ""
        self._last_action = Text(f"↶ 已撤销 {what}".rstrip(), style="yellow")
        self.show(detail)

    # -- moving ---------------------------------------------------------------------------------------

    def action_down(self) -> None:
        (
            self._history_list if self.history_active else self.query_one("#evidence", ListView)
        ).action_cursor_down()

    def action_up(self) -> None:
        (
            self._history_list if self.history_active else self.query_one("#evidence", ListView)
        ).action_cursor_up()

    def action_next_undecided(self) -> None:
        if not self._go_undecided(+1):
            self.notify("后面没有未审的承诺 no undecided commitment after this one", timeout=2)

    def action_previous_undecided(self) -> None:
        if not self._go_undecided(-1):
            self.notify("前面没有未审的承诺 no undecided commitment before this one", timeout=2)

    def _undecided_index(self, step: int) -> int | None:
        """The index in ``ids`` of the nearest undecided commitment after (+1) or before (-1) this one."""
        index = self.index + step
        while 0 <= index < len(self.ids):
            row = self.tracker.row(self.ids[index])
            if row is None or not row.decided:
                return index
            index += step
        return None

    def _go_undecided(self, step: int) -> bool:
        index = self._undecided_index(step)
        if index is None:
            return False
        self.index = index
        self._last_action = Text()
        self.reload_detail()
        return True

    def action_first(self) -> None:
        """g: the first evidence (in the history pane, its first line a/x decide)."""
        if self.history_active:
            self._history_list.index = _first_target(self._history_targets)
            return
        evidence = self.query_one("#evidence", ListView)
        if evidence.children:
            evidence.index = 0

    def action_last(self) -> None:
        """G: the last evidence (in the history pane, its last line a/x decide)."""
        if self.history_active:
            targets = self._history_targets
            last = next((i for i in reversed(range(len(targets))) if targets[i] is not None), None)
            self._history_list.index = last
            return
        evidence = self.query_one("#evidence", ListView)
        if evidence.children:
            evidence.index = len(evidence.children) - 1

    def action_back(self) -> None:
        self.dismiss(self.commitment_id if self.ids else None)


@dataclass(frozen=True)
class HistoryTarget:
    """What a line of the history pane lets a reviewer decide: a relation and the earlier statement
    (none for a drop)."""

    relation: str
    earlier: str | None = None


def _history_lines(
    detail: CommitmentDetail, blind: bool
) -> list[tuple[RenderableType, HistoryTarget | None]]:
    """The history pane's lines, each with what a/x decide on it (None: a heading)."""
    history = detail.history
    head = Text.assemble(("历年 history  ", "bold"), (baseline_text(detail.baseline), "dim"))
    lines: list[tuple[RenderableType, HistoryTarget | None]] = [(head, None)]
    if history is not None and detail.baseline.compared:
        lines.append(
            (Text.assemble("类别 ", _kind(history.kind), (f"  {_KIND_MEANINGS[history.kind]}", "dim")), None)
        )
    if detail.dropped_in is not None:
        year = detail.dropped_in
        drop = Text.assemble(
            state_badge(detail.dropped_state or "suggested"),
            " ",
            (f"{year}年计划未再提及 not named again in the {year} plan", HISTORY_STYLES["dropped"]),
        )
        lines.append((drop, HistoryTarget(DROPPED)))
    if history is not None and history.target_vs_last_actual:
        lines.append((Text("\n目标对比上年 target vs last year", style="bold"), None))
        lines += [(Text.assemble("  ", _versus(last)), None) for last in history.target_vs_last_actual]
    if history is not None and detail.baseline.summary is not None:
        title = Text(f"\n上年成效 {detail.baseline.summary}年 prior-year achievements", style="bold")
        lines.append((title, None))
        lines += _priors(history.prior_evidence, PRIOR_EVIDENCE, blind)
    if history is not None and detail.baseline.plans:
        lines.append((Text("\n往年承诺 earlier commitments", style="bold"), None))
        lines += _priors(history.prior_commitments, PRIOR_COMMITMENT, blind)
    if any(target is not None for _line, target in lines):
        head.append("  ·  Tab 选中 · a 确认 x 否决 confirm / reject", style="dim")
    return lines


def _first_target(targets: list[HistoryTarget | None]) -> int | None:
    return next((i for i, target in enumerate(targets) if target is not None), None)


def _after(targets: list[HistoryTarget | None], target: HistoryTarget | None, past: bool) -> int | None:
    """The line of ``target`` (or, ``past``, the next decidable line after it: on after a decision)."""
    if target is None or target not in targets:
        return None
    index = targets.index(target)
    if not past:
        return index
    following = next((i for i in range(index + 1, len(targets)) if targets[i] is not None), None)
    return following if following is not None else index


def _target(target: dict) -> str:
    """``不少于20家`` as written; a bare ``20家`` read as a floor or a ceiling gets ``≥`` / ``≤``."""
    text = str(target.get("text", ""))
    if re.match(r"[^\d.]", text):  # the words before the number say it already (不少于, 超过, 约)
        return text
    return {">=": "≥", "<=": "≤", "~": "约"}.get(str(target.get("comparator", "")), "") + text


def _comparisons(comparisons: list[dict]) -> Table:
    table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
    for column in ("目标 target", "实际 reported", "完成 %", ""):
        table.add_column(column)
    for c in comparisons:
        met = bool(c.get("met"))
        table.add_row(
            str(c.get("target", "")),
            str(c.get("actual", "")),
            f"{c['ratio'] * 100:.0f}%" if isinstance(c.get("ratio"), int | float) else "",
            Text("达标 met" if met else "未达 missed", style="green" if met else "red"),
        )
    return table


_KIND_MEANINGS = {
    "new": "往年未见 nothing earlier",
    "continuing": "延续上年总结所报工作 carries on last year's work",
    "repeated": "往年计划已承诺 promised before",
    "chronic": "往年已承诺且未兑现 promised before, not fulfilled",
}


def _kind(kind: str) -> Text:
    return Text(f"● {history_label(kind)}", style=HISTORY_STYLES.get(kind) or "bold")


def _versus(last: dict) -> Text:
    """``目标 不少于500家 · 2023年 486家 · +14`` (red when the target is below last year's figure)."""
    gap = last.get("gap")
    text = Text(f"目标 {last.get('target', '')} · {last.get('period', '')}年 {last.get('last_actual', '')}")
    if isinstance(gap, int | float):
        sign = "+" if gap > 0 else "±" if gap == 0 else "−"
        number = f"{abs(gap):g}"
        text.append(f" · {sign}{number}", style="red" if gap < 0 else "green" if gap > 0 else "")
        if gap < 0:
            text.append(" 低于上年", style="red")
    return text


def _priors(
    priors: list[Prior], relation: str, blind: bool
) -> list[tuple[RenderableType, HistoryTarget | None]]:
    """Earlier statements, a reviewer's own ties first, then by score (an order a decision does not
    change, so the cursor moves on to the next one); ``无`` when there is none."""
    ordered = sorted(priors, key=lambda p: (p.score is not None, -(p.score or 0.0), p.id))
    lines: list[tuple[RenderableType, HistoryTarget | None]] = [
        (_prior(p, blind), HistoryTarget(relation, p.id)) for p in ordered
    ]
    return lines or [(Text("  无 none", style="dim"), None)]


def _prior(prior: Prior, blind: bool) -> Group:
    """One earlier statement: state, score (hidden in blind mode), year, an earlier commitment's
    current status and target change, then its text."""
    head = Text.assemble(
        "  ",
        state_badge(prior.state),
        " ",
        score_text(prior.score, blind),
        f"  {prior.period}年",
    )
    if prior.status is not None:
        head.append("  ")
        head.append(f"● {label(prior.status)}", style=STATUS_STYLES.get(prior.status, ""))
    change = prior.target_change
    if change:
        word, style = DIRECTIONS.get(str(change.get("direction")), ("目标", ""))
        head.append("  ")
        head.append(word, style=style)
        head.append(f" {change.get('from', '')} → {change.get('to', '')}")
    return Group(head, Padding(Text(prior.text), (0, 0, 0, 4)))
