"""The footer: the keys of the screen and of the app as one line of text, as many as fit.

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


#: Keys the bar keeps at any width (help, back, refresh, quit); the rest are kept in the screen's
#: order of its bindings while they fit, and every key is on the help screen (``?``).
ESSENTIAL = ("help", "back", "reload", "quit")


class KeyBar(Static):
    """One line: ``? 帮助`` first, then each shown binding of the screen and of the app, as ``key
    description``. When the line is wider than the terminal, the keys of :data:`ESSENTIAL` stay and the
    others are dropped from the last the screen declares (at 80 columns the detail keeps ``? a x s u ]
    Esc r q``: note, link and history are on the help screen). A screen may hide keys that do
    nothing in its current state with a ``hidden_keys()`` method (binding ids)."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._line: Text | None = None

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Draw the keys that fit; repaint only when that changed (each repaint costs a layout pass)."""
        pieces = self._pieces()
        room = self.content_size.width or max(self.app.size.width - 2, 0)
        ranked = sorted(range(len(pieces)), key=lambda i: (pieces[i][0].id not in ESSENTIAL, i))
        kept: set[int] = set()
        used = 0
        for index in ranked:
            width = pieces[index][1].cell_len
            if used + width <= room:
                kept.add(index)
                used += width
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, (_binding, piece) in enumerate(pieces):
            if index in kept:
                line.append_text(piece)
        line.rstrip()
        if line != self._line:
            self._line = line
            self.update(line)

    def _pieces(self) -> list[tuple[Binding, Text]]:
        """``(binding, " a 确认 ")`` for each key to show, in the order shown."""
        hidden = set(getattr(self.screen, "hidden_keys", lambda: ())())
        app_bindings = [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        help_first = [b for b in app_bindings if b.action == "help"]
        pieces: list[tuple[Binding, Text]] = []
        seen: set[str] = set()
        for bindings in (help_first, self.screen.BINDINGS, app_bindings):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.show or not binding.description:
                    continue
                label = key_label(binding)
                if label in seen or binding.id in hidden:
                    continue
                seen.add(label)
                piece = Text.assemble((f" {label} ", "bold reverse"), f"{binding.description} ")
                pieces.append((binding, piece))
        return pieces
