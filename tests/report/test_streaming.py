"""Reports read a chunk of commitments at a time and written as they come say what the report dict says,
byte for byte: in chunks of 7 as in one, through the column reads as through the review rules, in every
format; and a table is laid out exactly as rich lays it out."""

from __future__ import annotations

import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reviewed_db import NOW
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlmodel import select

from tracker.report import chunks
from tracker.report import rows as rows_module
from tracker.report.csv_report import render_csv, write_csv
from tracker.report.html_report import render_html, write_html
from tracker.report.json_report import WhyFragments, build_report, render_json, write_json
from tracker.report.markdown_report import render_markdown, write_markdown
from tracker.report.rows import StoredReport, no_explanation
from tracker.report.stream import formed_row
from tracker.report.table import render_table_text, text_console, write_table
from tracker.report.text_table import Column, TablePrinter
from tracker.review import decisions as annotate
from tracker.review.evidence import evidence_for
from tracker.review.history import histories
from tracker.review.status import StatusBook
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Achievement, Candidate, Commitment, HistoryCandidate
from tracker.textnorm import clean_field, each_string, shown


@pytest.fixture
def decided(db_copy):
    """The reviewed database with more decisions: a hand link (an achievement the matcher never ranked
    for the commitment), a continuation confirmed and one rejected."""
    engine = make_engine(db_copy)
    with write_session(engine) as session:
        commitment = session.exec(select(Commitment).order_by(Commitment.id)).first()
        ranked = set(
            session.exec(select(Candidate.achievement_id).where(Candidate.commitment_id == commitment.id))
        )
        other = next(
            a for a in session.exec(select(Achievement.id).order_by(Achievement.id)) if a not in ranked
        )
        annotate.decide_pair(session, "link", commitment.id, other, reviewer="赵")
        pairs = session.exec(
            select(HistoryCandidate).where(HistoryCandidate.relation == "prior_evidence").limit(2)
        ).all()
        for action, pair in zip(("history_confirm", "history_reject"), pairs, strict=False):
            annotate.decide_history(
                session, action, pair.commitment_id, pair.relation, pair.other_id, reviewer="赵"
            )
    yield engine
    engine.dispose()


def test_a_report_read_in_chunks_of_seven_is_the_report_read_whole(decided, monkeypatch):
    with read_session(decided) as session:
        whole = StoredReport(session, now=NOW).as_dict()
        monkeypatch.setattr(rows_module, "CHUNK", 7)
        chunked = StoredReport(session, now=NOW).as_dict()
        partial = StoredReport(session, now=NOW, status="partial").as_dict()
    assert len(whole["commitments"]) > 25 and any(
        c["status_source"] == "reviewer" for c in whole["commitments"]
    )
    assert chunked == whole
    assert partial["commitments"] == [c for c in whole["commitments"] if c["status"] == "partial"]


def test_the_column_reads_agree_with_the_review_rules(decided):
    with read_session(decided) as session:
        rows = session.exec(select(Commitment).order_by(Commitment.id)).all()
        ids = [c.id for c in rows]
        book = StatusBook.read(session)
        links = {
            (d.commitment_id, d.achievement_id): state
            for (d, state) in (
                (d, "confirmed" if d.action in ("confirm", "link") else "rejected")
                for d in rows_module.live_decisions(session, rows_module.LINK_ACTIONS)
            )
        }
        fast = chunks.evidence(session, ids, links, why=True)
        slow = evidence_for(session, ids)
        statements = [c for c in chunks.statements(session, Commitment, ids).values()]
        fast_history = chunks.histories(session, sorted(statements, key=lambda c: c.id), book)
        slow_history = histories(session, rows, book)
    assert any(item.candidate is None for items in slow.values() for item in items)  # the hand link
    assert {
        cid: [(e.achievement.id, e.state, e.candidate.score if e.candidate else None) for e in items]
        for cid, items in fast.items()
    } == {
        cid: [(e.achievement.id, e.state, e.candidate.score if e.candidate else None) for e in items]
        for cid, items in slow.items()
    }
    assert fast_history == slow_history
    assert any(h.prior_evidence for h in slow_history.values())


def test_every_format_streamed_is_the_format_of_the_report_dict(decided):
    with read_session(decided) as session:
        data = build_report(session, now=NOW)

        def shown_rows():
            return StoredReport(session, now=NOW, form=shown, explain=no_explanation)

        stream = io.BytesIO()
        write_json(StoredReport(session, now=NOW, explain=WhyFragments()), stream)
        assert stream.getvalue().decode("utf-8") == render_json(data)
        for public in (False, True):
            for write, render in ((write_markdown, render_markdown), (write_html, render_html)):
                text = io.StringIO()
                write(shown_rows(), text, public=public, title="标题")
                assert text.getvalue() == render(data, public=public, title="标题")
        text = io.StringIO()
        write_csv(shown_rows(), text)
        assert text.getvalue() == render_csv(data)
        text = io.StringIO()
        write_table(shown_rows(), text_console(text))
        assert text.getvalue() == render_table_text(data)


class _Fake:
    """A report of given rows, as :func:`write_json` reads one."""

    def __init__(self, report):
        self.report = report
        self.generated_at = report["generated_at"]
        self.filters = report["filters"]

    def commitments(self):
        return iter(json.loads(json.dumps(self.report["commitments"])))

    def achievements(self):
        return iter(self.report["achievements"])

    def orphaned_decisions(self):
        return self.report["orphaned_decisions"]

    def dropped(self):
        return iter(self.report["dropped"])

    def agreement(self):
        return self.report.get("agreement")


def test_json_writes_a_tiny_figure_of_a_document_as_the_standard_library_does():
    row = {"id": "c-1", "targets": [{"quantity": 5e-05, "unit": "%"}], "comparisons": [], "evidence": []}
    report = {
        "generated_at": "2026-11-22T10:00:00Z",
        "filters": {"agency": None},
        "commitments": [row, {**row, "id": "c-2", "targets": [{"quantity": 0.25}]}],
        "achievements": [{"id": "a-1", "quantities": [{"quantity": -1.5e-07}]}],
        "orphaned_decisions": [],
        "dropped": [],
        "agreement": None,
    }
    stream = io.BytesIO()
    write_json(_Fake(report), stream)
    assert stream.getvalue().decode("utf-8") == render_json(report)
    assert '"quantity": 5e-05' in stream.getvalue().decode("utf-8")


_PIECES = [*'养老服务 ab\\"\n\t', "\x1b[31m", "\x00", "\x08", "\x0c", "\r", "\x7f", "\x85", "\x9b", "\u202e"]
_PIECES += ["\u200b", "\ufeff", "\u061c", "\u2066", "\ud800"]
_HOSTILE = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_HOSTILE, min_size=1, max_size=4), _HOSTILE)
def test_a_row_checked_in_one_pass_is_cleaned_as_every_string_would_be(texts, other):
    row = {"text": texts[0], "evidence": [{"text": t, "part": {"heading": other}} for t in texts], "n": 3}
    for form in (clean_field, shown):
        assert formed_row(row, form) == each_string(row, form)


def _rich(console_width, columns, rows, title):
    table = Table(title=Text(title, style="table.title"), title_justify="left", expand=False)
    for c in columns:
        table.add_column(
            c.header, no_wrap=c.no_wrap, overflow=c.overflow, max_width=c.max_width, justify=c.justify
        )
    for row in rows:
        table.add_row(*(Text(text, style=style or "") for text, style in row))
    buffer = io.StringIO()
    console = Console(file=buffer, width=console_width, color_system=None, force_terminal=False)
    console.print(table)
    console.print()
    return buffer.getvalue()


def test_a_table_is_laid_out_as_rich_lays_it_out():
    """On consoles of 60 columns and more (a narrower one can squeeze a column under its padding, which
    is not reproduced)."""
    rng = random.Random(16)
    words = [
        "推进",
        "养老服务",
        "体系建设",
        "c-3f2a9b",
        "2024",
        "不少于2200张",
        "→",
        "(136%)",
        "Summary",
        "—",
        "  ",
    ]
    columns = [
        Column("ID", no_wrap=True),
        Column("状态", no_wrap=True),
        Column("机构/年度", overflow="fold"),
        Column("承诺", overflow="fold", max_width=60),
        Column("目标", overflow="fold"),
        Column("佐证", overflow="fold", max_width=38),
        Column("合计", justify="right"),
    ]
    short = {
        "ID": lambda: f"c-{rng.getrandbits(64):016x}",
        "状态": lambda: rng.choice(["已兑现", "部分兑现", "—"]),
    }
    for width in (60, 80, 120, 160):
        for _ in range(12):
            rows = [
                [
                    (
                        short[c.header]()
                        if c.header in short
                        else "".join(
                            rng.choice(words) + rng.choice(["", " ", "", "\n"])
                            for _ in range(rng.randint(0, 14))
                        ),
                        rng.choice([None, "dim", "green"]),
                    )
                    for c in columns
                ]
                for _ in range(rng.randint(1, 6))
            ]
            title = "seeds/" + "文件名很长的文件" * rng.randint(0, 8) + ".txt"
            buffer = io.StringIO()
            TablePrinter(Console(file=buffer, width=width, color_system=None, force_terminal=False)).print(
                title, "table.title", columns, rows
            )
            assert buffer.getvalue() == _rich(width, columns, rows, title), (width, rows)


def test_a_table_in_colour_carries_each_status_colour():
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system="standard", force_terminal=True)
    TablePrinter(console).print(
        "doc", "table.title", [Column("状态")], [[("已兑现", "green")], [("—", "dim")]]
    )
    out = buffer.getvalue()
    assert "\x1b[32m已兑现" in out and "\x1b[2m—" in out and "\x1b[3mdoc" in out
