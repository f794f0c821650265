"""Interim reports and pace (序时进度) on small documents: a plan for 2024, a half-year report on it, and
the year's summary (README "Interim reports and pace")."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEED_NAMES, SEEDS
from years import AGENCY, write_document

from tracker.match.pace import Report, elapsed, is_interim, pace, verdict
from tracker.match.status import auto_status
from tracker.report.json_report import build_report
from tracker.review.history import histories
from tracker.review.matching import match_database
from tracker.review.status import current_statuses
from tracker.store.documents import load_paths
from tracker.store.engine import read_session
from tracker.store.queries import list_commitments

PLAN = [
    "建成长者饭堂不少于200个",
    "新增养老床位1000张",
    "完成特殊困难老年人家庭适老化改造500户",
    "建成社区儿童之家50个",
    "出台婚俗改革实施方案",
]
#: at 30 June (elapsed 0.50): 120 of 200 is ahead, 500 of 1000 on pace, 100 of 500 behind, 60 of 50 met
HALF_YEAR = [
    "截至6月底,全市建成长者饭堂120个",
    "新增养老床位500张",
    "完成特殊困难老年人家庭适老化改造100户",
    "建成社区儿童之家60个",
    "婚俗改革实施方案已出台",
]
YEAR_END = ["全年建成长者饭堂210个", "全年新增养老床位900张"]


def _by_text(session) -> dict[str, object]:
    return {c.text: c for c in list_commitments(session)}


@pytest.fixture
def half_year(tmp_path, engine):
    paths = [
        write_document(tmp_path, "plan2024.txt", "2024年工作计划", PLAN),
        write_document(tmp_path, "half2024.txt", "2024年上半年工作总结", HALF_YEAR),
    ]
    assert not load_paths(engine, paths).errors
    match_database(engine)
    return engine


def test_the_interim_cut_off_and_the_share_of_the_year_gone():
    assert is_interim(2024, date(2024, 6, 30)) and is_interim(2024, date(2024, 11, 30))
    assert not is_interim(2024, date(2024, 12, 1))  # December: the year's summary
    assert not is_interim(2023, date(2024, 2, 22))  # written after its year
    assert not is_interim(2024, None)  # undated: taken for the year's summary
    assert round(elapsed(date(2021, 6, 30)), 3) == 0.496
    assert elapsed(date(2024, 12, 31)) == 1.0
    gone = elapsed(date(2024, 6, 30))
    # ahead from 0.546, behind below 0.446
    assert [verdict(r, gone) for r in (0.55, 0.54, 0.5, 0.45, 0.44)] == ["ahead", "on", "on", "on", "behind"]


def test_interim_evidence_is_work_in_progress_unless_the_target_is_met():
    target = [{"quantity": 200, "unit": "个", "comparator": ">=", "text": "不少于200个"}]
    evidence = [("建成长者饭堂120个", [{"quantity": 120, "unit": "个", "comparator": "=", "text": "120个"}])]
    text = "建成长者饭堂不少于200个"
    final = auto_status("c", target, evidence, has_summary=True, commitment_text=text)
    assert final.status == "partial"
    interim = auto_status("c", target, evidence, has_summary=True, commitment_text=text, interim=True)
    assert interim.status == "in_progress"
    assert interim.detail["reason"] == "interim reports only" and interim.detail["comparisons"]
    met = [("建成长者饭堂210个", [{"quantity": 210, "unit": "个", "comparator": "=", "text": "210个"}])]
    assert auto_status("c", target, met, has_summary=True, commitment_text=text, interim=True).status == (
        "fulfilled"
    )
    done = [("婚俗改革实施方案已出台", [])]
    assert auto_status("c", [], done, has_summary=True, interim=True).status == "in_progress"
    assert auto_status("c", [], [], has_summary=True, interim=True).status == "no_evidence"


def test_a_half_year_report_gives_interim_statuses(half_year):
    with read_session(half_year) as session:
        by_text = _by_text(session)
        statuses = {
            text: view.status
            for text, view in zip(
                by_text, current_statuses(session, list(by_text.values())).values(), strict=True
            )
        }
    assert statuses == {
        "建成长者饭堂不少于200个": "in_progress",  # 120 of 200 so far
        "新增养老床位1000张": "in_progress",
        "完成特殊困难老年人家庭适老化改造500户": "in_progress",
        "建成社区儿童之家50个": "fulfilled",  # 60 of 50: met already
        "出台婚俗改革实施方案": "in_progress",  # the year is not over
    }


def test_pace_against_the_share_of_the_year_gone(half_year):
    with read_session(half_year) as session:
        by_text = _by_text(session)
        found = histories(session, list(by_text.values()))
        paces = {text: found[c.id].pace for text, c in by_text.items()}
    rows = {
        text: [(p["date"], p["target"], p["actual"], p["ratio"], p["verdict"]) for p in rows]
        for text, rows in paces.items()
    }
    assert rows == {
        "建成长者饭堂不少于200个": [("2024-06-30", "不少于200个", "120个", 0.6, "ahead")],
        "新增养老床位1000张": [("2024-06-30", "1000张", "500张", 0.5, "on")],
        "完成特殊困难老年人家庭适老化改造500户": [("2024-06-30", "500户", "100户", 0.2, "behind")],
        "建成社区儿童之家50个": [("2024-06-30", "50个", "60个", 1.2, "ahead")],
        "出台婚俗改革实施方案": [],  # no number to pace
    }
    (canteens,) = paces["建成长者饭堂不少于200个"]
    assert canteens["elapsed"] == 0.5 and set(canteens) >= {
        "date",
        "target",
        "actual",
        "elapsed",
        "ratio",
        "verdict",
    }


def test_the_years_summary_decides_once_it_comes(half_year, tmp_path):
    path = write_document(tmp_path, "summary2024.txt", "2024年工作总结", YEAR_END)
    assert not load_paths(half_year, [path]).errors
    match_database(half_year)
    with read_session(half_year) as session:
        by_text = _by_text(session)
        statuses = current_statuses(session, list(by_text.values()))
        found = histories(session, list(by_text.values()))
        status = {text: statuses[c.id].status for text, c in by_text.items()}
        beds = found[by_text["新增养老床位1000张"].id].pace
    assert status["建成长者饭堂不少于200个"] == "fulfilled"  # 210 of 200 by the year's end
    assert status["新增养老床位1000张"] == "partial"  # 900 of 1000: the year's outcome, not work so far
    assert [p["actual"] for p in beds] == ["500张"]  # the pace at 30 June stays on record


def test_reports_show_pace(half_year):
    import csv
    import io

    from tracker.report.csv_report import render_csv
    from tracker.report.html_report import render_html
    from tracker.report.markdown_report import render_markdown

    with read_session(half_year) as session:
        report = build_report(session)
    beds = next(c for c in report["commitments"] if c["text"] == "新增养老床位1000张")
    assert beds["history"]["pace"][0]["verdict"] == "on"
    assert beds["status_reason"] == "interim reports only"
    line = "序时进度 2024-06-30 500张/1000张 50%（序时50%，达序时）"
    assert f"- 历年：新增 · {line}" in render_markdown(report)
    assert line in render_html(report)
    rows = {r["text"]: r for r in csv.DictReader(io.StringIO(render_csv(report).lstrip("\ufeff")))}
    assert rows["新增养老床位1000张"]["pace"] == line
    assert rows["出台婚俗改革实施方案"]["pace"] == ""
    evidence_parts = {e["part"]["as_of"] for c in report["commitments"] for e in c["evidence"]}
    assert evidence_parts == {"2024-06-30"}


def test_a_progress_article_paces_the_targets_it_sets_beside_its_figures(tmp_path, engine):
    """A mid-year article states the work so far beside the target for the year, in one sentence or one
    section; it is never matched against its own targets, so its commitments stay pending."""
    path = tmp_path / "article.txt"
    path.write_text(
        f"{AGENCY}民政工作稳步推进\n"
        "一、养老服务\n2024年,全市养老服务稳步推进。截至6月30日,已建成长者饭堂60个,预计今年底建成长者饭堂200个。\n"
        "二、社区服务\n截至6月30日,已建成老年大学教学点40个。预计今年底新增社区儿童之家100个。\n",
        encoding="utf-8",
    )
    assert not load_paths(engine, [str(path)]).errors
    match_database(engine)
    with read_session(engine) as session:
        by_text = _by_text(session)
        found = histories(session, list(by_text.values()))
        statuses = current_statuses(session, list(by_text.values()))
    canteens = next(c for text, c in by_text.items() if "长者饭堂200个" in text)
    assert [(p["actual"], p["target"], p["ratio"], p["verdict"]) for p in found[canteens.id].pace] == [
        ("60个", "200个", 0.3, "behind")
    ]
    homes = next(c for text, c in by_text.items() if "儿童之家" in text)
    assert found[homes.id].pace == []  # the same section, but teaching points are not children's homes
    assert {v.status for v in statuses.values()} == {"pending"}


def test_pace_skips_rates_levels_ceilings_and_forward_statements():
    at = date(2024, 6, 30)

    def one(target: dict, text: str, figure: dict, evidence: str) -> list[dict]:
        return pace([target], text, [Report("a", [figure], evidence, at, beside=True)])

    rate = {"quantity": 95, "unit": "%", "comparator": ">=", "text": "95%"}
    assert (
        one(
            rate,
            "养老机构护理型床位占比达到95%",
            {**rate, "quantity": 60, "text": "60%"},
            "护理型床位占比60%",
        )
        == []
    )
    level = {"quantity": 1200, "unit": "元/人/月", "comparator": ">=", "text": "1200元/人/月"}
    figure = {**level, "quantity": 1139, "text": "1139元/人/月"}
    assert one(level, "低保标准提高到1200元/人/月", figure, "低保标准提高至1139元/人/月") == []
    ceiling = {"quantity": 10, "unit": "起", "comparator": "<=", "text": "10起以内"}
    assert (
        one(
            ceiling,
            "安全事故控制在10起以内",
            {**ceiling, "comparator": "=", "quantity": 2, "text": "2起"},
            "发生安全事故2起",
        )
        == []
    )
    count = {"quantity": 328, "unit": "个", "comparator": "=", "text": "328个"}
    restated = "接下来将实现328个城乡社区全覆盖"
    assert one(count, "预计今年底实现328个社区工作站全覆盖", count, restated) == []


def test_seed_002_is_a_mid_2021_report_and_paces_its_targets(engine):
    assert not load_paths(engine, [str(SEEDS / SEED_NAMES["002"])], base=SEEDS.parent).errors
    match_database(engine)
    with read_session(engine) as session:
        commitments = [c for c in list_commitments(session) if c.period == 2021]
        found = histories(session, commitments)
        report = build_report(session, period=2021)
    assert {a["part"]["as_of"] for a in report["achievements"]} == {"2021-06-26"}
    paced = {c.text: found[c.id].pace for c in commitments if found[c.id].pace}
    assert paced == {
        "预计7月底前达成“一百小时读党史”的目标": [
            {"date": "2021-06-26", "target": "一百小时", "actual": "80小时以上", "elapsed": 0.48,
             "ratio": 0.8, "verdict": "ahead", "id": paced["预计7月底前达成“一百小时读党史”的目标"][0]["id"]}
        ]
    }  # fmt: skip
