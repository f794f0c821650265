"""One commitment and its evidence: decide with single keys, every decision saved at once.

``a``/``x`` confirm or reject the highlighted evidence and move to the next piece; ``s`` sets the status
and moves to the next undecided commitment; ``u`` takes back the last decision, wherever it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, ListItem, ListView, Static

from tracker.review.detail import CommitmentDetail, EvidenceView
from tracker.statuses import STATUSES, label
from tracker.tui.badges import highlighted, reason_label, score_text, state_badge, status_badge
from tracker.tui.keybar import KeyBar
from tracker.tui.messages import Decided, DetailLoaded

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp


class DetailScreen(Screen[None]):
    """The commitment ``ids[index]``; ``ids`` is the list it was opened from (for ] and [).
    Made once per app and pointed at a commitment with :meth:`target`."""

    BINDINGS = [
        Binding("a", "confirm", "确认", tooltip="confirm the highlighted evidence", id="confirm"),
        Binding("x", "reject", "否决", tooltip="reject the highlighted evidence", id="reject"),
        Binding("s", "status", "状态", tooltip="set the status (then go to the next undecided)", id="status"),
        Binding("n", "note", "备注", tooltip="add a note", id="note"),
        Binding("l", "link", "关联", tooltip="link another achievement of the agency", id="link"),
        Binding("u", "undo", "撤销", tooltip="undo your last decision (repeatable)", id="undo"),
        Binding("j,down", "down", "下一条", tooltip="next evidence", show=False, id="next-evidence"),
        Binding("k,up", "up", "上一条", tooltip="previous evidence", show=False, id="previous-evidence"),
        Binding(
            "right_square_bracket",
            "next_undecided",
            "下一未审",
            key_display="]",
            tooltip="next undecided commitment",
            id="next-undecided",
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
        *(
            Binding(
                str(n),
                f"set_status('{status}')",
                f"设为{label(status)}",
                tooltip=f"status {status}",
                show=False,
                id=f"set-status-{status.replace('_', '-')}",
            )
            for n, status in enumerate(STATUSES, start=1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.index = 0
        self.detail: CommitmentDetail | None = None
        self._shown_texts: list[Text] = []
        self._drawn_key: tuple[object, ...] = ()
        self._title = Text()
        self._last_action = ""  # said on the first line after a status moved on to the next commitment

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    @property
    def commitment_id(self) -> str:
        return self.ids[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="commitment-pane"):
            yield Static("读取中… loading", id="commitment")
        yield Static("", id="evidence-title")
        yield ListView(id="evidence")
        yield KeyBar()

    def target(self, ids: list[str], index: int) -> None:
        """Show commitment ``ids[index]`` (the screen is made once and kept; this points it anew)."""
        self.ids, self.index = list(ids), index
        self._last_action = ""
        if self.is_mounted:
            self.reload_detail()

    def on_mount(self) -> None:
        if self.ids:
            self.reload_detail()

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
        if self.focused is not evidence:
            evidence.focus()
        self._draw_commitment()
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
        terms = selected.evidence.shared_terms if selected is not None else []
        position = f"{self.index + 1}/{len(self.ids)}"
        # Repainting a Static of automatic height makes Textual lay the screen out again: skip it when
        # nothing it shows changed (moving between evidence with the same shared terms, say).
        why = selected.evidence.why if selected is not None and not self.tracker.blind else None
        key = (
            row,
            position,
            tuple(terms),
            why,
            self.tracker.blind,
            detail.reason,
            tuple(detail.notes),
            self._last_action,
        )
        if key == self._drawn_key:
            return
        self._drawn_key = key
        head = Text.assemble(
            status_badge(row.status, row.source, self.tracker.blind),
            ("  已审 decided" if row.decided else "  未审 undecided", "green" if row.decided else "yellow"),
            (f"  {position}  {c.id}", "dim"),
            (f"  ✓ {self._last_action}" if self._last_action else "", "green"),
        )
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
        if facts:
            lines.append(Text("  ".join(facts)))
        if detail.comparisons:
            lines.append(_comparisons(detail.comparisons))
        if detail.reason and row.source == "auto" and not self.tracker.blind:
            lines.append(Text(f"自动判定依据 {reason_label(detail.reason)}", style="italic dim"))
        if why is not None:
            lines.append(
                Text(f"为何关联 why #{selected.evidence.rank if selected else ''}: {why.line()}", style="dim")
            )
        for note in detail.notes:
            lines.append(Text(f"备注 note · {note}", style="yellow"))
        self.query_one("#commitment", Static).update(Group(*lines))  # type: ignore[arg-type]

    def _evidence_text(self, rank: int, item: EvidenceView) -> Text:
        e = item.evidence
        head = Text.assemble(
            (f"#{rank} ", "bold"),
            score_text(e.score, self.tracker.blind),
            "  ",
            state_badge("candidate" if self.tracker.blind and e.state == "suggested" else e.state),
            (f"  {item.source.short()}", "dim"),
        )
        body = highlighted(e.achievement.text, e.shared_terms)
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
        elif kind == "status":
            self._after_status(message.step.value, detail)
        elif kind == "undo":
            self._after_undo(message.touched, detail)
        else:  # a note or a link: the same commitment again
            self.show(detail)

    def action_confirm(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.tracker.confirm(self.commitment_id, selected.id, self)

    def action_reject(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.tracker.reject(self.commitment_id, selected.id, self)

    def action_set_status(self, status: str) -> None:
        """1–7: set the status directly (the order of the chooser), then go to the next undecided
        (whose detail is read in the same trip to the database)."""
        following = self._undecided_index(+1)
        show = self.ids[following] if following is not None else None
        self.tracker.set_status(self.commitment_id, status, self, show)

    def action_status(self) -> None:
        from tracker.tui.dialogs import StatusChooser

        current = self.detail.row.status if self.detail is not None else None

        def chosen(status: str | None) -> None:
            if status:
                self.action_set_status(status)

        if not self.app.is_screen_installed("status chooser"):
            self.app.install_screen(StatusChooser(), "status chooser")
        chooser = self.app.get_screen("status chooser")
        assert isinstance(chooser, StatusChooser)
        chooser.current = current
        self.app.push_screen(chooser, chosen)

    def _after_status(self, status: str, detail: CommitmentDetail | None) -> None:
        """Say what was set on the first line only now it is saved (a refused status is never claimed)."""
        if detail is not None and detail.row.id != self.commitment_id and detail.row.id in self.ids:
            self.index = self.ids.index(detail.row.id)  # the next undecided one, read with the decision
            self._last_action = f"上一条已设为 {label(status)}"
        else:
            self._last_action = f"已设为 {label(status)}"  # no next one: this one was set
        self.show(detail)

    def action_note(self) -> None:
        from tracker.tui.dialogs import NoteEditor

        def written(text: str | None) -> None:
            if text and text.strip():
                self.tracker.add_note(self.commitment_id, text, self)

        self.app.push_screen(NoteEditor(), written)

    def action_link(self) -> None:
        from tracker.tui.dialogs import LinkPicker

        if self.detail is None:
            return

        def picked(achievement_id: str | None) -> None:
            if achievement_id:
                self.tracker.link(self.commitment_id, achievement_id, self)

        self.app.push_screen(LinkPicker(self.detail.commitment.agency, self.detail.commitment.text), picked)

    def action_undo(self) -> None:
        self.tracker.undo(self)

    def _after_undo(self, touched: str | None, detail: CommitmentDetail | None) -> None:
        if touched is None:
            return
        if touched != self.commitment_id:
            if touched not in self.ids:
                self.ids.append(touched)
            self.index = self.ids.index(touched)
        self.show(detail)

    # -- moving ---------------------------------------------------------------------------------------

    def action_down(self) -> None:
        self.query_one("#evidence", ListView).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#evidence", ListView).action_cursor_up()

    def action_next_undecided(self) -> None:
        if not self._go_undecided(+1):
            self.notify("后面没有未审的承诺 no undecided commitment after this one", timeout=2)

    def action_previous_undecided(self) -> None:
        if not self._go_undecided(-1):
            self.notify("前面没有未审的承诺 no undecided commitment before this one", timeout=2)

    def _undecided_index(self, step: int) -> int | None:
        """The index in ``ids`` of the nearest undecided commitment after (+1) or before (-1) this one."""
        decided = {row.id for row in self.tracker.rows if row.decided}
        index = self.index + step
        while 0 <= index < len(self.ids):
            if self.ids[index] not in decided:
                return index
            index += step
        return None

    def _go_undecided(self, step: int) -> bool:
        index = self._undecided_index(step)
        if index is None:
            return False
        self.index = index
        self._last_action = ""
        self.reload_detail()
        return True

    def action_back(self) -> None:
        self.app.pop_screen()


def _target(target: dict) -> str:
    comparator = {">=": "≥", "<=": "≤", "~": "约"}.get(str(target.get("comparator", "")), "")
    return f"{comparator}{target.get('text', '')}"


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
