"""Reports of a team review: each commitment's coders and their statuses (``coding``), an adjudicated status
marked 已裁定, who decided said by role in ``--public`` (never a name), and the coders' agreement in the
methodology only when commitments were coded twice."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from factories import make_document

from tracker.cli.main import cli
from tracker.report import rows
from tracker.report.json_report import build_report, render_json, write_json
from tracker.report.markdown_report import render_markdown, write_markdown
from tracker.report.method import AGREEMENT_PROCEDURE, AGREEMENT_TITLE
from tracker.report.public import public_report
from tracker.report.rows import StoredReport
from tracker.report.table import render_table_text
from tracker.review.decisions import set_status
from tracker.review.team import adjudicate
from tracker.store.assignments import add_assignments
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.queries import list_commitments
from tracker.textnorm import shown

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
NAMES = ("张三", "李四", "王五")
PLAN = ["建设长者饭堂100个", "推进养老服务标准化建设", "完善社会救助体系", "开展适老化改造", "培训养老护理员"]


def _plan(url: str, *, double: bool = True, decide_both: bool = True) -> dict[str, str]:
    """广州's 2024 plan (five commitments) with its summary, and 中山's plan nobody coded. ``double``:
    the first three commitments are double-coded (张三 and 李四; 王五 adjudicates the first, the coders
    agree on the second and dispute the third), the fourth is 张三's alone, the fifth on no worklist."""
    engine = make_engine(url)
    plan = make_document("seeds/gz_plan.txt", plan=PLAN, plan_period=2024)
    summary = make_document("seeds/gz_summary.txt", summary=["建成长者饭堂80个"], summary_period=2024)
    zs = make_document("seeds/zs.txt", plan=["完善救助体系"], agency="中山市民政局", plan_period=2025)
    with write_session(engine) as session:
        for doc in (plan, summary, zs):
            save_document(session, doc)
    with write_session(engine) as session:
        ids = [c.id for c in list_commitments(session, agency="广州市民政局")]
        texts = dict(zip(ids, PLAN, strict=True))
        adjudicated, agreed, disputed, single, unassigned = ids
        doubles = [adjudicated, agreed, disputed] if double else []
        rows_ = [(cid, 1, "张三", i, texts[cid]) for i, cid in enumerate([*doubles, single])]
        rows_ += [(cid, 2, "李四", i, texts[cid]) for i, cid in enumerate(doubles)]
        add_assignments(session, rows_)
        if double:
            for cid, first, second in (
                (adjudicated, "fulfilled", "partial"),
                (agreed, "fulfilled", "fulfilled"),
                (disputed, "in_progress", "no_evidence"),
            ):
                set_status(session, cid, first, reviewer="张三")
                if decide_both:
                    set_status(session, cid, second, reviewer="李四")
            if decide_both:
                session.flush()
                adjudicate(session, adjudicated, "partial", reviewer="王五")
        set_status(session, single, "fulfilled", reviewer="张三")
    engine.dispose()
    return dict(zip(("adjudicated", "agreed", "disputed", "single", "unassigned"), ids, strict=True))


@dataclass(frozen=True)
class Team:
    """A copy of a team-reviewed database and its commitments' ids (:func:`_plan`'s result)."""

    url: str
    ids: dict[str, str]


def _team(databases, name: str, build) -> Team:
    template = databases.backend.template(name, build)
    return Team(databases.copy_of(template), template.value)


@pytest.fixture
def team(databases) -> Team:
    return _team(databases, "team_reports", _plan)


@pytest.fixture
def single_coded(databases) -> Team:
    """The same commitments, none double-coded."""
    return _team(databases, "team_reports_single", lambda url: _plan(url, double=False))


@pytest.fixture
def half_decided(databases) -> Team:
    """The same commitments, the second coders not decided yet."""
    return _team(databases, "team_reports_half", lambda url: _plan(url, decide_both=False))


def report(team: Team, **filters) -> dict:
    engine = make_engine(team.url)
    with read_session(engine) as session:
        data = build_report(session, now=NOW, **filters)
    engine.dispose()
    return data


def row(data: dict, team: Team, which: str) -> dict:
    return next(c for c in data["commitments"] if c["id"] == team.ids[which])


def invoke(team: Team, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", team.url, "report", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_rows_carry_coding_and_adjudication(team):
    data = report(team)
    adjudicated = row(data, team, "adjudicated")
    assert adjudicated["status"] == "partial" and adjudicated["status_reviewer"] == "王五"
    assert adjudicated["status_adjudicated"] is True and adjudicated["status_role"] is None
    assert adjudicated["coding"] == {
        "double_coded": True,
        "coders": [
            {"role": 1, "reviewer": "张三", "status": "fulfilled"},
            {"role": 2, "reviewer": "李四", "status": "partial"},
        ],
        "adjudicator": {"reviewer": "王五", "status": "partial"},
        "agreed": False,
        "disputed": False,
    }
    agreed = row(data, team, "agreed")
    assert agreed["status_adjudicated"] is False and agreed["status_role"] == 2
    assert agreed["coding"]["agreed"] is True and agreed["coding"]["disputed"] is False
    disputed = row(data, team, "disputed")
    assert disputed["status"] == "no_evidence" and disputed["status_role"] == 2
    assert disputed["coding"]["agreed"] is False and disputed["coding"]["disputed"] is True
    single = row(data, team, "single")
    assert single["status_role"] == 1
    assert single["coding"] == {
        "double_coded": False,
        "coders": [{"role": 1, "reviewer": "张三", "status": "fulfilled"}],
        "adjudicator": None,
        "agreed": None,
        "disputed": False,
    }
    unassigned = row(data, team, "unassigned")
    assert unassigned["coding"] is None and unassigned["status_adjudicated"] is False
    assert unassigned["status_source"] == "auto" and unassigned["status_role"] is None


def test_json_report_has_the_agreement_once_and_streams_as_its_dict(team, monkeypatch):
    calls = []
    read = rows.read_agreement
    monkeypatch.setattr(rows, "read_agreement", lambda *a, **k: calls.append(k) or read(*a, **k))
    data = report(team)
    assert len(calls) == 1
    agreement = data["agreement"]
    assert agreement["units"] == 3 and sorted(agreement["reviewers"]) == sorted(["张三", "李四"])
    assert agreement["summary"].startswith("编码一致性 agreement: 2 位编码员 coders, 3 条双重编码")
    assert "κ" in agreement["summary"] and "α" in agreement["summary"]
    engine = make_engine(team.url)
    with read_session(engine) as session:
        stream = io.BytesIO()
        write_json(StoredReport(session, now=NOW, explain=rows.explanation), stream)
        calls.clear()
        shown_rows = StoredReport(session, now=NOW, form=shown, explain=rows.no_explanation)
        write_markdown(shown_rows, io.StringIO(), public=True)
        shown_rows.agreement()
        assert len(calls) == 1  # once per report, not per row nor per call
    engine.dispose()
    assert stream.getvalue().decode("utf-8") == render_json(data)
    assert json.loads(stream.getvalue())["agreement"] == agreement


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_public_report_names_roles_never_reviewers(team, fmt):
    page = invoke(team, "--format", fmt, "--public")
    for name in NAMES:
        assert name not in page
    day = row(report(team), team, "adjudicated")["status_decided_at"][:10]
    assert f"已裁定 · {day}" in page
    assert "编码员1 · " in page  # the single-coded commitment, by its coder's role
    assert "双重编码一致 · " in page
    assert "编码分歧，待裁定" in page
    assert "编码员1：已兑现；编码员2：部分兑现；已裁定：部分兑现" in page
    assert AGREEMENT_TITLE in page and "κ" in page


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_team_report_names_the_adjudicator_and_the_coders(team, fmt):
    page = invoke(team, "--format", fmt)
    day = row(report(team), team, "adjudicated")["status_decided_at"][:10]
    assert f"已裁定 · 裁定人 王五 · {day}" in page
    assert "审核人 张三 · 编码员1 · " in page
    assert "编码员1 张三：已兑现；编码员2 李四：部分兑现；裁定人 王五：部分兑现" in page
    assert AGREEMENT_TITLE in page


def test_public_dict_drops_the_names_and_keeps_roles_and_statuses(team):
    published = public_report(report(team))
    text = json.dumps(published, ensure_ascii=False)
    for name in NAMES:
        assert name not in text
    adjudicated = row(published, team, "adjudicated")
    assert adjudicated["status_adjudicated"] is True
    assert adjudicated["coding"]["coders"] == [
        {"role": 1, "reviewer": None, "status": "fulfilled"},
        {"role": 2, "reviewer": None, "status": "partial"},
    ]
    assert adjudicated["coding"]["adjudicator"] == {"reviewer": None, "status": "partial"}
    assert published["agreement"]["summary"] and published["agreement"]["units"] == 3


def test_the_table_marks_adjudicated_and_disputed_statuses(team):
    text = render_table_text(report(team), width=240)
    assert "部分兑现 已裁定" in text and "未见佐证 编码分歧，待裁定" in text


def test_no_agreement_for_an_agency_nobody_double_coded(team):
    data = report(team, agency="中山市民政局")
    assert data["agreement"] is None
    assert AGREEMENT_TITLE not in render_markdown(data)


def test_no_agreement_without_double_coding(single_coded):
    data = report(single_coded)
    assert data["agreement"] is None
    assert row(data, single_coded, "single")["coding"]["double_coded"] is False
    for fmt in ("md", "html"):
        page = invoke(single_coded, "--format", fmt, "--public")
        assert AGREEMENT_TITLE not in page and AGREEMENT_PROCEDURE not in page and "κ" not in page
        assert "编码员1 · " in page and "张三" not in page
    assert json.loads(invoke(single_coded, "--format", "json"))["agreement"] is None


def test_no_agreement_before_both_coders_decided(half_decided):
    data = report(half_decided)
    assert data["agreement"] is None
    waiting = row(data, half_decided, "adjudicated")
    assert waiting["coding"]["coders"][1] == {"role": 2, "reviewer": "李四", "status": None}
    assert waiting["coding"]["agreed"] is None and waiting["coding"]["disputed"] is False
    markdown = invoke(half_decided, "--format", "md")
    assert AGREEMENT_TITLE not in markdown
    assert "编码员1 张三：已兑现；编码员2 李四：未判定" in markdown
