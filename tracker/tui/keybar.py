"""The footer: the keys of the screen and of the app as one line of text.

Textual's Footer widget rebuilds a widget per key and restyles them every time a screen is shown; at
120×40 that was most of the 150 ms a screen change took. The keys of a screen do not change while it is
shown, so one Static drawn once per screen does the same job."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

#: How keys are written on screen.
KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "escape": "Esc",
    "enter": "Enter",
}


def key_label(binding: Binding) -> str:
    """``a``, ``Esc``, ``j / down``: how a binding's keys read in the footer and the help screen."""
    if binding.key_display:
        return binding.key_display
    return " / ".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))


class KeyBar(Static):
    """One line: ``? 帮助`` first (so it survives a narrow terminal), then each shown binding of the
    screen and of the app, as ``key description``."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        app_bindings = [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        help_first = [b for b in app_bindings if b.action == "help"]
        for bindings in (help_first, self.screen.BINDINGS, app_bindings):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.show or not binding.description:
                    continue
                label = key_label(binding)
                if label in seen:
                    continue
                seen.add(label)
                line.append(f" {label} ", style="bold reverse")
                line.append(f" {binding.description}  ")
        self.update(line)
