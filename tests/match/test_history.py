"""History across years on small documents: continuing, new, repeated, chronic, dropped, and targets
beside last year's (SPEC "History")."""

from __future__ import annotations

import pytest

from tracker.review.history import dropped, histories, history_counts
from tracker.review.matching import match_database
from tracker.store.documents import load_paths
from tracker.store.engine import read_session
from tracker.store.queries import list_commitments

PLAN_2023 = ["建成长者饭堂不少于100个", "推进婚俗改革试点", "开展殡葬领域突出问题专项整治"]
SUMMARY_2023 = ["全年建成长者饭堂120个", "召开全市民政工作会议"]
PLAN_2024 = ["建成长者饭堂不少于200个", "推进婚俗改革试点", "开展慈善文化进校园活动"]


def _write(folder, name: str, heading: str, statements: list[str]) -> str:
    path = folder / name
    path.write_text(
        f"广州市民政局{heading}\n一、民政工作\n" + "。\n".join(statements) + "。\n", encoding="utf-8"
    )
    return str(path)


@pytest.fixture
def years(tmp_path, engine):
    paths = [
        _write(tmp_path, "plan2023.txt", "2023年工作计划", PLAN_2023),
        _write(tmp_path, "summary2023.txt", "2023年工作总结", SUMMARY_2023),
        _write(tmp_path, "plan2024.txt", "2024年工作计划", PLAN_2024),
    ]
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
