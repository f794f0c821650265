"""Text a user or a file set reaches the review UI without escape sequences and without invisible
bidi or zero-width characters: a note's ``ESC[2J`` cannot clear the screen, nor OSC 52 write the
clipboard, nor U+202E turn text around."""

from __future__ import annotations

import sqlite3
import sys

from factories import make_document
from pilot import open_detail, screen_name

from tracker.review.desk import ReviewDesk, Step
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, write_session
from tracker.textnorm import shown
from tracker.tui.app import TrackerApp

ESC = "\x1b"
NOTE = f"看过{ESC}[2J{ESC}]52;c;cm0gLXJmIH4=\x07了\u202e"


def _hostile_db(tmp_path):
    path = tmp_path / "hostile.db"
    engine = make_engine(f"sqlite:///{path}")
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=["打造100个长者饭堂示范点"], plan_period=2024))
        save_document(session, make_document("sum.txt", summary=["建成长者饭堂120个"], summary_period=2024))
    with sqlite3.connect(path) as connection:  # as an older version or another tool may have left it
        cid = connection.execute("SELECT id FROM commitment").fetchone()[0]
        connection.execute(
            "INSERT INTO decision (commitment_id, action, value, reviewer, created_at, commitment_text) "
            "VALUES (?, 'note', ?, ?, '2026-01-01 00:00:00', '')",
            (cid, NOTE, f"li{ESC}]0;title\x07"),
        )
        connection.execute(
            "UPDATE commitment SET agency = ?, section = ?", (f"广州{ESC}[31m", "一、\u202e总体")
        )
    return engine, cid


def test_the_desk_hands_the_ui_only_shown_text(tmp_path):
    engine, cid = _hostile_db(tmp_path)
    desk = ReviewDesk(engine, "li")
    rows = desk.worklist()
    detail = desk.detail(cid)
    taken = desk.take(Step("note", cid, value="再看"))
    seen = [r.agency + r.section + r.text for r in rows] + detail.notes + taken.detail.notes
    seen += [detail.commitment.agency, detail.commitment.section, taken.rows[0].agency]
    seen += [block.agency + "".join(block.by_topic) for block in desk.overview()]  # the first screen's
    assert all(ESC not in text and "\x07" not in text and "\u202e" not in text for text in seen)
    assert any("⟨U+202E⟩" in text for text in seen)
    # Nothing stored was changed by showing it.
    with sqlite3.connect(tmp_path / "hostile.db") as connection:
        assert connection.execute("SELECT agency FROM commitment").fetchone()[0] == f"广州{ESC}[31m"


async def test_the_detail_screen_shows_no_escape_sequence(tmp_path):
    engine, _cid = _hostile_db(tmp_path)
    app = TrackerApp(engine, reviewer="li")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, block_row=1)
        assert screen_name(app) == "DetailScreen"
        painted = app.export_screenshot()
    assert "看过了" in painted and "⟨U+202E⟩" in painted
    assert "\u202e" not in painted and "]52;" not in painted and "]0;title" not in painted


def test_printable_text_is_what_shown_leaves_as_it_is():
    # The desk hands 100,000 rows over without running shown() on printable text: no character shown()
    # changes may be printable (controls, escapes, surrogates, bidi and zero-width characters).
    changed = [chr(c) for c in range(0x3000) if shown(chr(c)) != chr(c)]
    changed += [chr(c) for c in (0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFEFF)]
    assert len(changed) > 80
    assert not any(text.isprintable() for text in changed)
    sample = [chr(c) for c in range(0x3000, sys.maxunicode, 97) if not 0xD800 <= c <= 0xDFFF]
    assert all(shown(text) == text for text in sample if text.isprintable())
