"""Modal dialogs: the status chooser, the note editor, the link picker and the key help."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker.statuses import (
    STATUS_DISTINCTION,
    STATUS_MEANINGS,
    STATUS_SET_BY,
    STATUS_STYLES,
    STATUSES,
    label,
)
from tracker.tui.keybar import key_label
from tracker.tui.messages import AchievementsFound

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

SEARCH_DELAY = 0.15  # seconds of typing pause before the link picker queries


class StatusChooser(ModalScreen[str | None]):
    """Every SPEC status with its label; 1–7 pick directly, Enter picks the highlighted one."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "取消 cancel", id="cancel"),
        *(
            Binding(str(number), f"pick({number - 1})", show=False, id=f"pick-{number}")
            for number in range(1, len(STATUSES) + 1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        options = [
            Option(Text.assemble(f"{n} ", ("● " + label(s), STATUS_STYLES[s]), f"  {s}"), id=s)
            for n, s in enumerate(STATUSES, start=1)
        ]
        with Vertical(id="dialog"):
            yield Static("设定状态 set status (1–7, Enter; Esc 取消)", classes="dialog-title")
            yield OptionList(*options, id="statuses")

    def on_screen_resume(self) -> None:
        """Made once and shown again each time: start at the commitment's current status."""
        chooser = self.query_one("#statuses", OptionList)
        chooser.highlighted = STATUSES.index(self.current) if self.current in STATUSES else 0
        chooser.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        self.dismiss(STATUSES[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteEditor(ModalScreen[str | None]):
    """One line of note; Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消 cancel", id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("备注 note (Enter 保存 save; Esc 取消)", classes="dialog-title")
            yield Input(placeholder="例如：总结只提到试点,未见全市推广", id="note")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkPicker(ModalScreen[str | None]):
    """Search every achievement of the agency (words separated by spaces must all appear); Enter links."""

    BINDINGS = [
        Binding("escape", "cancel", "取消 cancel", id="cancel"),
        Binding("down", "into_list", show=False, id="into-list"),
    ]

    def __init__(self, agency: str, commitment: str) -> None:
        super().__init__()
        self.agency = agency
        self.commitment = commitment
        self._timer: Timer | None = None

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(
                Text.assemble(("关联佐证 link evidence ", "bold"), f"{self.agency} · {self.commitment}"),
                classes="dialog-title",
            )
            yield Input(placeholder="输入关键词 type words (空格分隔)", id="words")
            yield OptionList(id="found")
            yield Static("", id="found-count", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#words", Input).focus()
        self._search()

    @on(Input.Changed)
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._search)

    def _search(self) -> None:
        self.tracker.search_achievements(self.agency, self.query_one("#words", Input).value, self)

    def on_achievements_found(self, message: AchievementsFound) -> None:
        found = message.found
        options = self.query_one("#found", OptionList)
        options.clear_options()
        options.add_options(Option(Text.assemble((f"{a.period} ", "dim"), a.text), id=a.id) for a in found)
        self.query_one("#found-count", Static).update(
            f"{len(found)} 条 found" + (" (最多显示前 200)" if len(found) >= 200 else "")
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        options = self.query_one("#found", OptionList)
        if options.option_count == 1:
            self.dismiss(options.get_option_at_index(0).id)
        elif options.option_count:
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_into_list(self) -> None:
        options = self.query_one("#found", OptionList)
        if options.option_count:
            options.focus()
            options.highlighted = options.highlighted or 0

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath and of the whole app, then what each status means and who
    sets it (the texts ``tracker statuses`` prints), so a reviewer never has to guess a verdict."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "关闭 close", id="close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2))
        table.add_column("键 key")
        table.add_column("作用")
        table.add_column("action")
        seen: set[str] = set()
        for source in (self.under, self.app):
            for binding in source.BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                key = key_label(binding)
                if key in seen or not binding.description:
                    continue
                seen.add(key)
                table.add_row(key, binding.description, Text(binding.tooltip, style="dim"))
        with VerticalScroll(id="dialog", classes="wide"):
            yield Static("按键 keys (Esc 关闭 close; ↑↓ 滚动 scroll)", classes="dialog-title")
            yield Static(table)
            yield Static("\n状态 statuses", classes="dialog-title")
            yield Static(status_table(), id="help-statuses")
            yield Static(Text("\n" + STATUS_DISTINCTION[0], style="italic"), id="help-distinction")

    def on_mount(self) -> None:
        self.query_one("#dialog", VerticalScroll).focus()  # the arrows scroll what does not fit

    def action_close(self) -> None:
        self.dismiss(None)


def status_table() -> Table:
    """Each status: its label in its colour, id, meaning and who sets it."""
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1), expand=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("含义 meaning", ratio=1, overflow="fold")  # Chinese has no spaces to wrap at
    table.add_column("由谁设定", max_width=14, overflow="fold")
    for status in STATUSES:
        table.add_row(
            Text.assemble(("● " + label(status), STATUS_STYLES[status]), "\n", (status, "dim")),
            STATUS_MEANINGS[status][0],
            STATUS_SET_BY[status][0],
        )
    return table
