"""The command palette (Ctrl+P): the app's own commands in Chinese first, then the keys of the screen
it was opened on, then Textual's defaults (Theme, Keys, Screenshot …).

Textual's own provider sorts its commands by title, which puts every English default before any
Chinese one; this provider keeps the order :meth:`TrackerApp.get_system_commands` gives, so the
palette opens on 打开总览, 盲审, 切换主题 … and typing ``blind`` or ``盲审`` finds the same command.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tracker.tui.keybar import key_label

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

#: Bindings that only move a cursor: a palette entry for them would be noise.
MOVES = frozenset(
    {
        "next",
        "previous",
        "first",
        "last",
        "next-evidence",
        "previous-evidence",
        "first-evidence",
        "last-evidence",
    }
)


class TrackerCommands(Provider):
    """Every command of :meth:`TrackerApp.get_system_commands`, in its order."""

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def app_commands(app: TrackerApp, screen: Screen) -> Iterator[SystemCommand]:
    """The app's commands, each titled in Chinese with the English after it (both are searched)."""
    from tracker.tui.overview import OverviewScreen

    if not isinstance(screen, OverviewScreen):
        yield SystemCommand("打开总览 overview", "回到第一屏 back to the overview", app.action_overview)
    yield SystemCommand(
        "全部承诺 all commitments", "列出所有机构的承诺 every agency's commitments", app.action_all
    )
    if app.team.mine:
        yield SystemCommand(
            "我的任务 my worklist", "m · 分配给你的承诺 the commitments assigned to you", app.action_mine
        )
    if app.team.disputes:
        yield SystemCommand(
            "分歧待裁定 disputes",
            "d · 两位编码员意见不一的承诺 what two coders disagree on",
            app.action_disputes,
        )
    yield SystemCommand(
        "盲审 blind" + (" 关 off" if app.blind else " 开 on"),
        "b · 隐藏分数、建议和自动状态 hide scores, suggestions and the matcher's status",
        app.action_toggle_blind,
    )
    yield SystemCommand("切换主题 明/暗 theme", "t · light / dark", app.action_toggle_theme)
    yield SystemCommand("刷新 reload", "r · 重新读取数据库 re-read the database", app.action_reload)
    yield SystemCommand("撤销 undo", "u · 撤销你的上一个决定 undo your last decision", app.action_undo)
    yield SystemCommand("帮助 按键 help", "? · 本屏按键 the keys of this screen", app.action_help)
    yield SystemCommand("退出 quit", "q · 所有决定已保存 every decision is already saved", app.action_quit)


def screen_commands(screen: Screen) -> Iterator[SystemCommand]:
    """The keys of ``screen`` that do something (not the cursor moves), as ``设为已兑现`` with
    ``1 · status fulfilled`` under it."""
    bindings: Iterable[object] = getattr(type(screen), "BINDINGS", [])
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description or binding.id in MOVES:
            continue

        async def run(action: str = binding.action) -> None:
            await screen.run_action(action)

        help_text = f"{key_label(binding)} · {binding.tooltip}" if binding.tooltip else key_label(binding)
        yield SystemCommand(binding.description, help_text, run)
