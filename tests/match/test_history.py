"""History across years on small documents: continuing, new, repeated, chronic, dropped, and targets
beside last year's (SPEC "History")."""

from __future__ import annotations

import pytest
from years import PLAN_2023, SUMMARY_2023, write_document, write_years

from tracker.ingest.quantities import quantities_in
from tracker.match.history import target_change, target_vs_last_actual
from tracker.review.history import dropped, histories, history_counts
from tracker.review.matching import match_database
from tracker.store.documents import load_paths
from tracker.store.engine import read_session
from tracker.store.queries import list_commitments


@pytest.fixture
def years(tmp_path, engine):
    paths = write_years(tmp_path)
    assert not load_paths(engine, paths).errors
    match_database(engine)
    with read_session(engine) as session:
        commitments = list_commitments(session)
        yield session, {(c.period, c.text): c for c in commitments}


def test_a_plan_carrying_on_last_years_work_is_continuing_with_that_work_as_prior_evidence(years):
    session, by_text = years
    history = histories(session, [by_text[(2024, "建成长者饭堂不少于200个")]])
    (canteens,) = history.values()
    assert canteens.kind == "repeated"  # promised in 2023 too, and 2023's promise was kept
    assert [p.text for p in canteens.prior_evidence if p.state == "suggested"] == ["全年建成长者饭堂120个"]
    # the target beside what last year reported for the same thing: 200 against 120 is +80
    assert canteens.target_vs_last_actual == [
        {"target": "不少于200个", "last_actual": "120个", "period": 2023, "gap": 80}
    ]
    (earlier,) = [p for p in canteens.prior_commitments if p.state == "suggested"]
    assert (earlier.period, earlier.status) == (2023, "fulfilled")
    assert earlier.target_change == {"from": "不少于100个", "to": "不少于200个", "direction": "up"}


def test_a_promise_made_before_and_not_kept_is_chronic(years):
    session, by_text = years
    reform = histories(session, [by_text[(2024, "推进婚俗改革试点")]])[by_text[(2024, "推进婚俗改革试点")].id]
    assert reform.kind == "chronic"
    (earlier,) = [p for p in reform.prior_commitments if p.state == "suggested"]
    assert earlier.status == "no_evidence"


def test_nothing_earlier_is_new(years):
    session, by_text = years
    school = by_text[(2024, "开展慈善文化进校园活动")]
    assert histories(session, [school])[school.id].kind == "new"


def test_an_unfulfilled_commitment_the_next_plan_no_longer_names_is_dropped(years):
    session, by_text = years
    listed = dropped(session, list(by_text.values()))
    assert [(d.commitment.text, d.status) for d in listed] == [
        ("开展殡葬领域突出问题专项整治", "no_evidence")
    ]
    counts = history_counts(session, list(by_text.values()))
    assert counts[("广州市民政局", 2024, "dropped")] == 1
    assert counts[("广州市民政局", 2024, "chronic")] == 1
    assert counts[("广州市民政局", 2023, "new")] == 3  # no plan or summary before 2023


def test_the_json_report_carries_history_and_dropped(years):
    from tracker.report.json_report import build_report

    session, _by_text = years
    report = build_report(session, period=2024)
    kinds = {c["text"]: c["history"]["kind"] for c in report["commitments"]}
    assert kinds == {
        "建成长者饭堂不少于200个": "repeated",
        "推进婚俗改革试点": "chronic",
        "开展慈善文化进校园活动": "new",
    }
    assert [d["text"] for d in report["dropped"]] == ["开展殡葬领域突出问题专项整治"]
    assert set(report["commitments"][0]["history"]) == {
        "kind",
        "prior_evidence",
        "prior_commitments",
        "target_vs_last_actual",
        "pace",
    }


def test_reports_show_history_counts_chronic_target_changes_and_drops(years):
    import csv
    import io

    from tracker.report.csv_report import render_csv
    from tracker.report.html_report import render_html
    from tracker.report.json_report import build_report
    from tracker.report.markdown_report import render_markdown

    session, _by_text = years
    report = build_report(session)
    md = render_markdown(report)
    assert (
        "## 历年对比" in md
        and "| 多年未兑现 | `chronic` | 1 |" in md
        and "| 未再提及 | `dropped` | 1 |" in md
    )
    assert "- 推进婚俗改革试点 —— 2023年计划：推进婚俗改革试点（未见佐证）" in md
    assert "- 建成长者饭堂不少于200个：目标上调 不少于100个→不少于200个（2023年计划）" in md
    assert "广州市民政局 2023年计划：开展殡葬领域突出问题专项整治（未见佐证）" in md
    assert "- 历年：再次承诺 · 2023年计划：建成长者饭堂不少于100个（已兑现；目标上调" in md
    rows = {r["text"]: r for r in csv.DictReader(io.StringIO(render_csv(report).lstrip("\ufeff")))}
    canteens = rows["建成长者饭堂不少于200个"]
    assert (canteens["history_kind"], canteens["history_label"]) == ("repeated", "再次承诺")
    assert canteens["target_vs_last_actual"] == "不少于200个 · 2023年 120个 · +80"
    assert canteens["prior_evidence"] == "2023年：全年建成长者饭堂120个"
    html = render_html(report)
    assert '<section class="panel" id="history"><h2>历年对比</h2>' in html and "未再提及 <b>1</b>" in html


def _kinds(engine) -> dict[tuple[int, str], str]:
    with read_session(engine) as session:
        commitments = list_commitments(session)
        found = histories(session, commitments)
        return {(c.period, c.text): found[c.id].kind for c in commitments}


def _dropped(engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        return [(d.commitment.text, d.state) for d in dropped(session, list_commitments(session))]


def _ids(engine) -> dict[tuple[int, str], str]:
    with read_session(engine) as session:
        return {(c.period, c.text): c.id for c in list_commitments(session)}


@pytest.fixture
def reviewed_years(tmp_path, engine):
    """The three documents, matched, and a reviewer who rejects the canteens' repetition, confirms
    the reform's, and says the funeral campaign was not dropped (it was folded into another)."""
    from tracker.review.decisions import decide_history
    from tracker.store.engine import write_session

    paths = write_years(tmp_path)
    assert not load_paths(engine, paths).errors
    match_database(engine)
    ids = _ids(engine)
    with write_session(engine) as session:
        canteens, before = ids[(2024, "建成长者饭堂不少于200个")], ids[(2023, "建成长者饭堂不少于100个")]
        decide_history(session, "history_reject", canteens, "prior_commitment", before, reviewer="li")
        funeral = ids[(2023, "开展殡葬领域突出问题专项整治")]
        decide_history(session, "history_reject", funeral, "dropped", None, reviewer="li")
    return paths


AFTER_REVIEW = {
    (2024, "建成长者饭堂不少于200个"): "continuing",  # the repetition rejected: last year's work remains
    (2024, "推进婚俗改革试点"): "chronic",
    (2024, "开展慈善文化进校园活动"): "new",
}


def test_a_reviewers_history_decisions_count_over_the_matchers(engine, reviewed_years):
    kinds = _kinds(engine)
    assert {key: kinds[key] for key in AFTER_REVIEW} == AFTER_REVIEW
    assert _dropped(engine) == []


def test_history_decisions_survive_matching_again_and_ingesting_again(tmp_path, engine, reviewed_years):
    match_database(engine)
    assert {k: _kinds(engine)[k] for k in AFTER_REVIEW} == AFTER_REVIEW
    # the 2024 plan edited and ingested again: its unchanged statements keep their ids and decisions
    plan = tmp_path / "plan2024.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "加强殡葬服务管理。\n", encoding="utf-8")
    assert not load_paths(engine, reviewed_years).errors
    match_database(engine)
    assert {k: _kinds(engine)[k] for k in AFTER_REVIEW} == AFTER_REVIEW
    assert _dropped(engine) == []


def test_history_decisions_go_through_export_and_import(databases, engine, reviewed_years):
    from tracker.review.exchange import export_records, import_lines
    from tracker.review.exchange_lines import parse_lines, render_jsonl
    from tracker.store.engine import make_engine, write_session

    with read_session(engine) as session:
        text = render_jsonl(export_records(session))
    assert '"action": "history_reject"' in text and '"value": "prior_commitment"' in text
    other = make_engine(databases.new("history-target"))
    try:
        assert not load_paths(other, reviewed_years).errors
        match_database(other)
        assert _kinds(other)[(2024, "建成长者饭堂不少于200个")] == "repeated"
        with write_session(other) as session:
            result = import_lines(session, parse_lines(text))
        assert (result.applied, result.conflicts, result.orphaned) == (2, [], [])
        assert {k: _kinds(other)[k] for k in AFTER_REVIEW} == AFTER_REVIEW
        assert _dropped(other) == []
        with write_session(other) as session:  # a second import adds nothing
            assert import_lines(session, parse_lines(text)).already_present == 2
    finally:
        other.dispose()


def test_annotate_history_from_the_command_line(runner, db_url, engine, reviewed_years):
    from tracker.cli.main import cli

    ids = _ids(engine)
    school = ids[(2024, "开展慈善文化进校园活动")]
    meeting = None
    with read_session(engine) as session:
        from tracker.store.queries import list_achievements

        meeting = next(a.id for a in list_achievements(session) if a.text == "召开全市民政工作会议")
    result = runner.invoke(
        cli, ["--db", db_url, "annotate", "history", "confirm", school, meeting, "--reviewer", "wang"]
    )
    assert result.exit_code == 0, result.output
    assert f"confirmed prior_evidence {school} ← {meeting}" in result.output
    assert _kinds(engine)[(2024, "开展慈善文化进校园活动")] == "continuing"  # a hand tie counts
    bad = runner.invoke(
        cli, ["--db", db_url, "annotate", "history", "reject", school, "--relation", "prior_commitment"]
    )
    assert bad.exit_code != 0 and "names an earlier statement" in bad.output
    undo = runner.invoke(cli, ["--db", db_url, "annotate", "undo", "--reviewer", "wang"])
    assert undo.exit_code == 0 and "took back history_confirm" in undo.output
    assert _kinds(engine)[(2024, "开展慈善文化进校园活动")] == "new"


def test_next_years_targets_in_a_summary_are_no_plan_to_drop_against(tmp_path, engine):
    """A summary's closing sentence of next year's targets is read as a one-line plan: the year's plan
    is not compared with it, so nothing is listed as dropped."""
    paths = [
        write_document(tmp_path, "plan2023.txt", "2023年工作计划", PLAN_2023),
        write_document(
            tmp_path, "summary2023.txt", "2023年工作总结", [*SUMMARY_2023, "2024年将建成长者饭堂不少于300个"]
        ),
    ]
    assert not load_paths(engine, paths).errors
    match_database(engine)
    with read_session(engine) as session:
        commitments = list_commitments(session)
        assert {c.period for c in commitments} == {2023, 2024}  # the sentence is a commitment of 2024
        assert dropped(session, commitments) == []


def test_tracker_match_says_what_came_before(runner, db_url, tmp_path, engine):
    from tracker.cli.main import cli

    paths = write_years(tmp_path)
    assert not load_paths(engine, paths).errors
    result = runner.invoke(cli, ["--db", db_url, "match"])
    assert result.exit_code == 0, result.output
    assert (
        "历年 history: 延续 0, 再次承诺 1, 多年未兑现 1, 未再提及 1 (tracker report: 历年对比)"
        in result.output
    )
    one_year = runner.invoke(cli, ["--db", db_url, "match", "--period", "2023"])
    assert "历年 history: 延续 0, 再次承诺 0, 多年未兑现 0, 未再提及 0" in one_year.output


@pytest.mark.parametrize(
    ("plan", "summary"),
    [
        ("全年新增养老床位不少于209张，新增护理型床位280张", "新增养老床位200张、护理型床位270张"),
        ("培育社会组织209个、社工站280个", "培育社会组织200个、社工站270个"),
    ],
)
def test_a_plan_of_last_years_shape_is_compared_figure_by_figure(plan, summary):
    """Two targets against last year's two figures of the same things: the first with the first, not both
    with the larger one (which would read 209 as a target cut from 270)."""
    targets, reported = _quantities(plan), _quantities(summary)
    assert [
        (v["target"], v["last_actual"], v["gap"])
        for v in target_vs_last_actual(targets, plan, [(reported, summary, 2023)])
    ] == [
        (targets[0]["text"], reported[0]["text"], 9),
        (targets[1]["text"], reported[1]["text"], 10),
    ]
    assert target_change(targets, plan, reported, summary)["direction"] == "up"


def _quantities(text: str) -> list[dict]:
    return [vars(q) for q in quantities_in(text)]
