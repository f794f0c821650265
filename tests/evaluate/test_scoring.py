"""Scoring against gold files: hand-built rows and a tiny gold file with numbers worked out by hand.

The database (广州市民政局, plan and summary 2024; a 中山 summary repeating one achievement):

* gold links: (饭堂, A1), (条例, A1), (服务站, A2) = 3; predicted: (饭堂, A1) right, (条例, A3) wrong
  => P = 1/2, R = 1/3, F1 = 0.4;
* (饭堂, A4) sits on an achievement only an optional line covers: ignored; (救助, A5) on an
  achievement no gold line covers: unjudged;
* recall@5: A1 is 1st for 饭堂, 6th for 条例, A2 2nd for 服务站 => 2/3;
* statuses: 饭堂 fulfilled (auto) right, 条例 in_progress (auto) vs gold partial wrong, 服务站
  in_progress (reviewer) right => 2/3;
* non-commitments: 坚持稳中求进 is extracted, 重点做好以下工作 is not => 1 of 2;
* unresolved: one evidence and one commitment substring, each losing one gold link; ambiguous:
  出台养老服务条例 is in two commitments (the shorter one wins).
"""

from __future__ import annotations

import json
import sys
import types

import pytest
from click.testing import CliRunner
from factories import make_document

import tracker.match
from tracker.cli.main import cli
from tracker.errors import InputFileError, TrackerError
from tracker.evaluate.gold import GoldLine, load_gold, parse_gold
from tracker.evaluate.scoring import evaluate, evaluate_scorers
from tracker.match.results import MatchRun, ScoredCandidate, StatusResult
from tracker.store.decision_log import add_decision
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Candidate, CommitmentStatus
from tracker.store.queries import list_achievements, list_commitments

GZ = "广州市民政局"
PLAN = {
    "canteen": "建成长者饭堂示范点100个",
    "law": "出台养老服务条例",
    "station": "推进社区养老服务站建设",
    "relief": "完善救助体系",
    "slogan": "坚持稳中求进工作总基调",
    "rules": "出台养老服务条例实施细则",
}
SUMMARY = {
    "A1": "建成长者饭堂示范点120个并出台养老服务条例",
    "A2": "新建社区养老服务站30个",
    "A3": "召开全市民政工作会议",
    "A4": "养老服务体系更加健全",
    "A5": "救助资金发放到位",
    **{f"F{i}": f"完成第{i}项日常工作" for i in range(1, 6)},
}

GOLD = [
    {
        "set": "t",
        "evidence": "长者饭堂示范点120个",
        "commitments": ["长者饭堂示范点100个", "出台养老服务条例"],
    },
    {"set": "t", "evidence": "新建社区養老服務站３０個", "commitments": ["社区养老服务站", "没有这个承诺"]},
    {"set": "t", "evidence": "召开全市民政工作会议", "commitments": [], "optional": False},
    {
        "set": "t",
        "evidence": "养老服务体系更加健全",
        "commitments": ["长者饭堂示范点100个"],
        "optional": True,
    },
    {"set": "t", "evidence": "总结里没有的句子", "commitments": ["完善救助体系"]},
    {"set": "t", "commitment": "长者饭堂示范点100个", "status": "fulfilled"},
    {"set": "t", "commitment": "出台养老服务条例", "status": "partial"},
    {"set": "t", "commitment": "社区养老服务站", "status": "in_progress"},
    {"set": "t", "non_commitment": "坚持稳中求进"},
    {"set": "t", "non_commitment": "重点做好以下工作"},
]


def gold_text(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


@pytest.fixture
def gold() -> list[GoldLine]:
    return parse_gold(gold_text(GOLD), "gold.jsonl")


def _fill(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """The rows described in the module docstring; returns (commitment ids, achievement ids)."""
    engine = make_engine(url)
    plan = make_document("gz_plan.txt", plan=list(PLAN.values()), plan_period=2024)
    summary = make_document("gz_summary.txt", summary=list(SUMMARY.values()), summary_period=2024)
    zs = make_document("zs.txt", summary=[SUMMARY["A1"]], summary_period=2024, agency="中山市民政局")
    with write_session(engine) as session:
        for doc in (plan, summary, zs):
            save_document(session, doc)
    with write_session(engine) as session:
        c = {key: row.id for key, row in zip(PLAN, list_commitments(session), strict=True)}
        a = {key: row.id for key, row in zip(SUMMARY, list_achievements(session, agency=GZ), strict=True)}

        def candidate(commitment: str, achievement: str, rank: int, state: str = "candidate") -> None:
            session.add(
                Candidate(
                    commitment_id=c[commitment], achievement_id=a[achievement], rank=rank,
                    score=100.0 - rank, state=state,
                )
            )  # fmt: skip

        candidate("canteen", "A1", 1, "suggested")
        candidate("canteen", "A4", 2, "suggested")
        for rank, filler in enumerate(["F1", "F2", "F3", "F4", "F5"], start=1):
            candidate("law", filler, rank)
        candidate("law", "A1", 6)
        candidate("law", "A3", 7, "suggested")
        candidate("station", "F1", 1)
        candidate("station", "A2", 2)
        candidate("relief", "A5", 1, "suggested")
        session.add(CommitmentStatus(commitment_id=c["canteen"], status="fulfilled"))
        session.add(CommitmentStatus(commitment_id=c["law"], status="in_progress"))
        session.add(CommitmentStatus(commitment_id=c["station"], status="no_evidence"))
        add_decision(session, commitment_id=c["station"], action="status", value="in_progress", reviewer="li")
    engine.dispose()
    return c, a


@pytest.fixture
def db_url(databases) -> str:
    """A copy of the filled database (``_fill``, built once per backend)."""
    return databases.copy_of(databases.backend.template("scoring", _fill))


@pytest.fixture
def filled(engine, backend):
    """The rows described in the module docstring; returns (engine, commitment ids, achievement ids)."""
    c, a = backend.template("scoring", _fill).value
    return engine, c, a


def scored(engine, gold, run=None):
    with read_session(engine) as session:
        return evaluate(session, gold, run)


def test_known_numbers_from_the_database(filled, gold):
    engine, c, a = filled
    report = scored(engine, gold)
    assert report.source == "database"
    (result,) = report.sets
    s = result.scores
    assert result.scope == (GZ, 2024)
    assert (s.gold_links, s.predicted_links, s.true_positives) == (3, 2, 1)
    assert s.precision == 0.5
    assert s.recall == pytest.approx(1 / 3)
    assert s.f1 == pytest.approx(0.4)
    assert s.recall_at_k == pytest.approx(2 / 3)
    assert [(p.commitment_id, p.achievement_id) for p in result.missed_top_k] == [(c["law"], a["A1"])]
    assert [(p.commitment_id, p.achievement_id) for p in result.false_positives] == [(c["law"], a["A3"])]
    assert {(p.commitment_id, p.achievement_id) for p in result.false_negatives} == {
        (c["law"], a["A1"]),
        (c["station"], a["A2"]),
    }
    assert [(p.commitment_id, p.achievement_id) for p in result.unjudged] == [(c["relief"], a["A5"])]
    assert s.unjudged_links == 1 and s.ignored_links == 1


def test_statuses_confusion_and_non_commitments(filled, gold):
    engine, c, _ = filled
    (result,) = scored(engine, gold).sets
    s = result.scores
    assert (s.status_correct, s.status_total) == (2, 3)
    assert s.status_accuracy == pytest.approx(2 / 3)
    assert s.confusion == {
        ("fulfilled", "fulfilled"): 1,
        ("partial", "in_progress"): 1,
        ("in_progress", "in_progress"): 1,
    }
    assert s.as_dict()["confusion"] == {
        "fulfilled": {"fulfilled": 1},
        "partial": {"in_progress": 1},
        "in_progress": {"in_progress": 1},
    }
    assert [(e["commitment_id"], e["gold"], e["predicted"]) for e in result.status_errors] == [
        (c["law"], "partial", "in_progress")
    ]
    assert (s.non_commitments_found, s.non_commitments_total) == (1, 2)
    assert result.non_commitments_found[0]["commitment_id"] == c["slogan"]


def test_unresolved_and_ambiguous_substrings_are_listed(filled, gold):
    engine, c, _ = filled
    (result,) = scored(engine, gold).sets
    assert [(p.kind, p.text, p.where, p.lost_links) for p in result.unresolved] == [
        ("commitment", "没有这个承诺", "gold.jsonl:2", 1),
        ("evidence", "总结里没有的句子", "gold.jsonl:5", 1),
    ]
    assert [(p.kind, p.text, p.matches) for p in result.ambiguous] == [("commitment", "出台养老服务条例", 2)]
    s = result.scores
    assert (s.unresolved, s.ambiguous, s.unresolved_gold_links) == (2, 1, 2)


def test_reviewer_decisions_change_the_links(filled, gold):
    engine, c, a = filled
    with write_session(engine) as session:
        add_decision(session, commitment_id=c["law"], action="reject", achievement_id=a["A3"])
        add_decision(session, commitment_id=c["station"], action="confirm", achievement_id=a["A2"])
    s = scored(engine, gold).overall
    assert (s.true_positives, s.predicted_links, s.gold_links) == (2, 2, 3)
    assert s.precision == 1.0 and s.recall == pytest.approx(2 / 3)


def test_a_match_run_replaces_candidates_and_automatic_statuses(filled, gold):
    engine, c, a = filled
    run = MatchRun(
        scorer="test",
        candidates=[
            ScoredCandidate(c["canteen"], a["A1"], 1, 90.0, "suggested"),
            ScoredCandidate(c["station"], a["A2"], 1, 80.0, "suggested"),
            ScoredCandidate(c["law"], a["A1"], 1, 40.0, "candidate"),
        ],
        statuses={
            c["law"]: StatusResult(c["law"], "partial"),
            c["station"]: StatusResult(c["station"], "fulfilled"),
        },
    )
    report = scored(engine, gold, run)
    s = report.overall
    assert report.source == "test"
    assert (s.true_positives, s.predicted_links, s.unjudged_links) == (2, 2, 0)
    assert s.recall_at_k == 1.0
    # 饭堂 has no run status: falls back to no_evidence (wrong); 服务站 keeps the reviewer's in_progress.
    assert (s.status_correct, s.status_total) == (2, 3)


def test_sets_are_scored_apart_and_micro_averaged(filled):
    engine, _, _ = filled
    lines = parse_gold(gold_text(GOLD[:2]), "a.jsonl") + parse_gold(
        gold_text([{**GOLD[2], "set": "u"}, {"set": "u", "evidence": "无此成效", "commitments": []}]),
        "b.jsonl",
    )
    report = scored(engine, lines)
    assert [(r.name, r.scores.gold_links, r.scores.predicted_links) for r in report.sets] == [
        ("t", 3, 1),
        ("u", 0, 1),
    ]
    assert (report.overall.gold_links, report.overall.predicted_links, report.overall.true_positives) == (
        3,
        2,
        1,
    )
    assert report.sets[1].scores.recall is None and report.sets[1].scores.precision == 0.0


def test_a_set_that_resolves_nowhere_has_no_scope(filled):
    engine, _, _ = filled
    lines = parse_gold(gold_text([{"set": "x", "evidence": "无此成效", "commitments": ["无此承诺"]}]))
    (result,) = scored(engine, lines).sets
    assert result.scope is None
    assert result.scores.unresolved == 2 and result.scores.unresolved_gold_links == 1


def test_scope_goes_to_the_agency_most_lines_resolve_into(filled, gold):
    engine, _, _ = filled
    # A1's text is also a 中山 achievement; the other lines only resolve into 广州.
    (result,) = scored(engine, gold).sets
    assert result.scope == (GZ, 2024) and result.scores.ambiguous == 1


@pytest.mark.parametrize(
    "line, message",
    [
        ("{bad json", "gold.jsonl:2: not valid JSON"),
        ("[1, 2]", "gold.jsonl:2: not a JSON object"),
        ('{"set": "t", "claim": "x"}', "gold.jsonl:2: unknown gold line shape"),
        ('{"set": "t", "evidence": "x", "commitment": "y"}', "gold.jsonl:2: unknown gold line shape"),
        ('{"set": "t", "evidence": "x", "commitments": [], "optinal": true}', "unknown key 'optinal'"),
        ('{"set": "t", "evidence": "x", "commitments": "y"}', "'commitments' must be a list"),
        ('{"set": "t", "evidence": "x", "commitments": [1]}', "'commitments' must be a non-empty string"),
        ('{"set": "t", "evidence": "x", "commitments": [], "optional": "no"}', "'optional' must be"),
        ('{"set": "t", "commitment": "x", "status": "done"}', "gold.jsonl:2: unknown status 'done'"),
        ('{"evidence": "x", "commitments": []}', "gold.jsonl:2: 'set' must be a non-empty string"),
        ('{"set": "t", "non_commitment": " "}', "'non_commitment' must be a non-empty string"),
    ],
)
def test_bad_gold_lines_name_file_and_line(line, message):
    text = '{"set": "t", "non_commitment": "重点做好以下工作"}\n' + line + "\n"
    with pytest.raises(TrackerError, match=message.replace("[", r"\[")):
        parse_gold(text, "gold.jsonl")


def test_gold_files_blank_lines_and_bad_files(tmp_path):
    good = tmp_path / "g.jsonl"
    good.write_text("\n" + gold_text(GOLD[:1]) + "\n", encoding="utf-8")
    assert [(line.where, line.kind) for line in load_gold([good])] == [(f"{good}:2", "evidence")]
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n", encoding="utf-8")
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes(gold_text(GOLD[:1]).encode("gb18030"))
    for path, problem in [
        (empty, "holds no gold line"),
        (gbk, "not UTF-8"),
        (tmp_path / "no.jsonl", "no such"),
    ]:
        with pytest.raises(InputFileError, match=problem):
            load_gold([path])


# --- through the command line --------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    return CliRunner()


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(gold_text(GOLD), encoding="utf-8")
    return path


def test_eval_prints_the_known_numbers(runner, filled, db_url, gold_file):
    result = runner.invoke(cli, ["--db", db_url, "eval", str(gold_file)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "database" in out
    for number in ("0.500", "0.333", "0.400", "0.667", "1/2", "1/2/3", "2/3"):
        assert number in out
    assert "广州市民政局 2024" in out
    assert "没有这个承诺" in out and "总结里没有的句子" in out
    assert "部分兑现" in out and "推进中" in out


def test_eval_json_is_machine_readable(runner, filled, db_url, gold_file):
    result = runner.invoke(cli, ["--db", db_url, "eval", str(gold_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (run,) = data["runs"]
    assert data["detail"] == "database" and run["source"] == "database"
    overall = run["overall"]
    assert overall["precision"] == 0.5 and overall["f1"] == pytest.approx(0.4)
    assert overall["recall"] == pytest.approx(1 / 3) and overall["recall_at_5"] == pytest.approx(2 / 3)
    assert overall["status_accuracy"] == pytest.approx(2 / 3)
    assert overall["non_commitments_found"] == 1 and overall["unjudged_links"] == 1
    assert run["sets"][0]["scope"] == {"agency": GZ, "period": 2024}


@pytest.fixture
def fake_matcher(monkeypatch, filled):
    """Two scorers: 'good' links the three gold pairs, 'bad' links nothing."""
    _, c, a = filled
    calls: list[str] = []

    def compute_matches(session, *, scorer="good", **_options):
        calls.append(scorer)
        if scorer == "bad":
            return MatchRun(scorer=scorer)
        pairs = [(c["canteen"], a["A1"]), (c["law"], a["A1"]), (c["station"], a["A2"])]
        return MatchRun(
            scorer=scorer, candidates=[ScoredCandidate(cid, aid, 1, 90.0, "suggested") for cid, aid in pairs]
        )

    fake = types.ModuleType("tracker.match.run")
    fake.SCORER_NAMES = ("bad", "good")
    fake.DEFAULT_SCORER = "good"
    fake.compute_matches = compute_matches
    monkeypatch.setitem(sys.modules, "tracker.match.run", fake)
    monkeypatch.setattr(tracker.match, "run", fake, raising=False)
    return calls


def test_eval_with_a_scorer_scores_a_fresh_run_and_writes_nothing(
    runner, filled, db_url, gold_file, fake_matcher
):
    result = runner.invoke(cli, ["--db", db_url, "eval", str(gold_file), "--scorer", "good", "--json"])
    assert result.exit_code == 0, result.output
    (run,) = json.loads(result.output)["runs"]
    assert run["source"] == "good" and run["overall"]["precision"] == 1.0 and run["overall"]["recall"] == 1.0
    assert fake_matcher == ["good"]
    again = runner.invoke(cli, ["--db", db_url, "eval", str(gold_file), "--json"])
    assert json.loads(again.output)["runs"][0]["overall"]["precision"] == 0.5


def test_eval_all_scorers_side_by_side_then_the_default_in_detail(
    runner, filled, db_url, gold_file, fake_matcher
):
    result = runner.invoke(
        cli, ["--db", db_url, "eval", str(gold_file), "--scorer", "all"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    assert fake_matcher == ["bad", "good"]
    lines = result.output.splitlines()
    assert any(line.startswith("bad ") and "0/0/3" in line for line in lines)
    assert any(line.startswith("good ") and "3/3/3" in line for line in lines)
    assert "good: per set" in result.output and "bad: per set" not in result.output
    data = json.loads(
        runner.invoke(cli, ["--db", db_url, "eval", str(gold_file), "--scorer", "all", "--json"]).output
    )
    assert data["detail"] == "good" and [r["source"] for r in data["runs"]] == ["bad", "good"]


def test_evaluate_scorers_refuses_an_unknown_scorer(filled, gold, fake_matcher):
    engine, _, _ = filled
    with read_session(engine) as session, pytest.raises(TrackerError, match="unknown scorer 'nope'"):
        evaluate_scorers(session, gold, "nope")


@pytest.mark.parametrize(
    "content, start",
    [
        (
            '{"set": "t", "non_commitment": "x"}\n{"set": "t", "oops": 1}\n',
            "tracker: gold.jsonl:2: unknown gold",
        ),
        ("{not json\n", "tracker: gold.jsonl:1: not valid JSON"),
        ("", "tracker: gold.jsonl: holds no gold line"),
    ],
)
def test_bad_gold_file_is_one_line(runner, filled, db_url, tmp_path, content, start):
    (tmp_path / "gold.jsonl").write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["--db", db_url, "eval", "gold.jsonl"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(start)


def test_eval_needs_an_existing_database(runner, gold_file):
    result = runner.invoke(cli, ["eval", str(gold_file)])
    assert result.exit_code == 1
    assert result.stderr.startswith("tracker: database commitments.db does not exist")
