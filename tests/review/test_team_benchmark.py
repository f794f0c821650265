"""The team review's acceptance test: a scripted two-reviewer session on the dev benchmark fs2024.

张三 codes every commitment of 佛山市民政局's 2024 plan with its gold status, 李四 does the same except on
five commitments (:data:`LI_DIFFERS`), all through the command line. Then ``tracker agreement`` gives the
κ worked out by hand below, the adjudication queue holds exactly those five, a third reviewer 王五
settles them, and the report shows the settled statuses while both coders' statuses stay in the log.

Hand computation (rows: 张三 = the gold statuses, columns: 李四; the categories that occur, in status
order; 张三 < 李四 by code point, so 张三 is the pair's first coder). The gold has 32 status lines:
fulfilled 18, partial 3, in_progress 3, no_evidence 8 (:data:`GOLD_COUNTS`). 李四 differs on five:
fulfilled→partial, partial→fulfilled, in_progress→no_evidence, no_evidence→unverifiable,
no_evidence→in_progress.

Statuses::

    张三 \\ 李四     fulfilled partial in_progress no_evidence unverifiable | row
    fulfilled          17       1        0           0            0      |  18
    partial             1       2        0           0            0      |   3
    in_progress         0       0        2           1            0      |   3
    no_evidence         0       0        1           6            1      |   8
    unverifiable        0       0        0           0            0      |   0
    column             18       3        3           7            1      |  32

    p_o = (17 + 2 + 2 + 6) / 32 = 27/32
    p_e = (18·18 + 3·3 + 3·3 + 8·7 + 0·1) / 32² = (324 + 9 + 9 + 56 + 0) / 1024 = 398/1024 = 199/512
    κ   = (27/32 − 199/512) / (1 − 199/512) = (432/512 − 199/512) / (313/512) = 233/313 ≈ 0.7444

Coarse split (addressed = fulfilled, partial, in_progress; not addressed = no_evidence, unverifiable …):
of the five disagreements only in_progress→no_evidence and no_evidence→in_progress cross it::

    张三 \\ 李四     addressed not_addressed | row
    addressed          23          1       |  24
    not_addressed       1          7       |   8
    column             24          8       |  32

    p_o = (23 + 7) / 32 = 30/32 = 15/16
    p_e = (24·24 + 8·8) / 32² = (576 + 64) / 1024 = 640/1024 = 5/8
    κ   = (15/16 − 5/8) / (1 − 5/8) = (5/16) / (3/8) = 5/6 ≈ 0.8333
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from backends import Backend, Databases
from click.testing import CliRunner, Result

from tracker.cli.main import cli
from tracker.evaluate.gold import load_gold
from tracker.store.engine import make_engine, read_session
from tracker.store.queries import list_commitments
from tracker.textnorm import normalize

AGENCY, PERIOD = "佛山市民政局", 2024
ROOT = Path(__file__).resolve().parents[2]
# named here, not imported from the root conftest: under pytest-xdist "conftest" can be another folder's
DEV_BENCHMARK = ROOT.parent / "shared" / "dev-benchmark"
PLAN = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"  # 佛山's 2023 summary and 2024 plan
OUTCOME = DEV_BENCHMARK / "fs2024_outcome.txt"
GOLD = DEV_BENCHMARK / "fs2024_gold.jsonl"
CODER_1, CODER_2, ADJUDICATOR = "张三", "李四", "王五"

#: The gold's statuses, counted by hand from fs2024_gold.jsonl: the marginals of the matrices above.
GOLD_COUNTS = {"fulfilled": 18, "partial": 3, "in_progress": 3, "no_evidence": 8}
#: Gold substring -> the status 李四 sets instead of the gold one (the gold one in the comment).
LI_DIFFERS = {
    "制定实施《佛山市基本养老服务清单》": "partial",  # fulfilled: addressed either way
    "探索建设综合救助服务中心": "no_evidence",  # in_progress: crosses the coarse split
    "提升慈善事业公信力": "unverifiable",  # no_evidence: not addressed either way
    "完善社会组织等级评估体系建设": "fulfilled",  # partial: addressed either way
    "打造佛山社会组织品牌": "in_progress",  # no_evidence: crosses the coarse split
}
#: Gold substring -> what 王五 settles it as: 张三's status, 李四's, or neither coder's.
ADJUDICATED = {
    "制定实施《佛山市基本养老服务清单》": "fulfilled",
    "探索建设综合救助服务中心": "in_progress",
    "提升慈善事业公信力": "unverifiable",
    "完善社会组织等级评估体系建设": "partial",
    "打造佛山社会组织品牌": "not_fulfilled",
}

N = 32
#: The hand computation of the module docstring, as fractions: p_o, p_e and the κ they give.
STATUS_P_O = Fraction(17 + 2 + 2 + 6, N)
STATUS_P_E = Fraction(18 * 18 + 3 * 3 + 3 * 3 + 8 * 7 + 0 * 1, N * N)
STATUS_KAPPA = Fraction(233, 313)
COARSE_P_O = Fraction(23 + 7, N)
COARSE_P_E = Fraction(24 * 24 + 8 * 8, N * N)
COARSE_KAPPA = Fraction(5, 6)
assert (STATUS_P_O - STATUS_P_E) / (1 - STATUS_P_E) == STATUS_KAPPA  # the arithmetic checks itself
assert (COARSE_P_O - COARSE_P_E) / (1 - COARSE_P_E) == COARSE_KAPPA
STATUS_CATEGORIES = ["fulfilled", "partial", "in_progress", "no_evidence", "unverifiable"]
STATUS_CONFUSION = [
    [17, 1, 0, 0, 0],
    [1, 2, 0, 0, 0],
    [0, 0, 2, 1, 0],
    [0, 0, 1, 6, 1],
    [0, 0, 0, 0, 0],
]
COARSE_CONFUSION = [[23, 1], [1, 7]]


def _ingest(folder: Path, url: str) -> None:
    """The plan and the outcome copied into ``folder`` and ingested (and matched) there by
    ``tracker ingest`` into the database at ``url``, so that documents are named seeds/… and
    dev-benchmark/…."""
    (folder / "seeds").mkdir()
    (folder / "dev-benchmark").mkdir()
    shutil.copy(PLAN, folder / "seeds")
    shutil.copy(OUTCOME, folder / "dev-benchmark")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("TRACKER_DB", raising=False)
        result = CliRunner().invoke(cli, ["--db", url, "ingest", "seeds", "dev-benchmark"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def fs2024(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The ingested and matched fs2024 database, built once per backend (read it or copy it)."""
    if not OUTCOME.is_file() or not GOLD.is_file():
        pytest.skip("../shared/dev-benchmark is not beside this checkout")
    template = backend.template(
        "fs2024_ingested", lambda url: _ingest(tmp_path_factory.mktemp("fs2024"), url)
    )
    return template.url


@pytest.fixture
def tracker(fs2024: str, databases: Databases, runner: CliRunner):
    """``tracker("agreement", …)``: the command on this test's own copy of the fs2024 database, never
    a traceback."""
    url = databases.copy(fs2024, "fs2024")

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", url, *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def refused(result: Result) -> str:
    """A usage error: exit code 2 and one line on stderr, nothing else (no traceback)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tracker: "), result.stderr
    return lines[0]


def gold_statuses(url: str) -> dict[str, tuple[str, str]]:
    """Gold substring -> (commitment id, gold status), each substring found (after the gold's
    normalisation: NFKC, whitespace removed) in exactly one commitment of 佛山市民政局's 2024 plan."""
    lines = [line for line in load_gold([GOLD]) if line.kind == "status"]
    assert Counter(line.status for line in lines) == GOLD_COUNTS
    engine = make_engine(url)
    with read_session(engine) as session:
        commitments = [(c.id, c.normalized) for c in list_commitments(session, agency=AGENCY, period=PERIOD)]
    engine.dispose()
    assert len(commitments) == N
    found: dict[str, tuple[str, str]] = {}
    for line in lines:
        needle = normalize(line.text)
        hits = [cid for cid, text in commitments if needle in text]
        assert len(hits) == 1, f"{line.where}: {line.text!r} is in {len(hits)} commitments"
        assert line.status is not None
        found[line.text] = (hits[0], line.status)
    assert len(found) == N
    assert len({cid for cid, _ in found.values()}) == N  # one gold line per commitment
    assert set(LI_DIFFERS) <= set(found)
    for text, status in LI_DIFFERS.items():
        assert status != found[text][1]
    return found


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in report["commitments"]}


def test_a_scripted_double_coding_of_fs2024_gives_the_hand_computed_kappa_and_queue(tracker):
    gold = gold_statuses(tracker.url)
    disputed = [gold[text][0] for text in LI_DIFFERS]
    out = ok(
        tracker(
            "assign", "--reviewers", f"{CODER_1},{CODER_2}", "--overlap", "1",
            "--agency", AGENCY, "--period", str(PERIOD),
        )
    )  # fmt: skip
    assert out.startswith(f"assigned {N} commitments, {N} double-coded")

    for text, (cid, status) in gold.items():
        ok(tracker("annotate", "status", cid, status, "--reviewer", CODER_1))
        ok(tracker("annotate", "status", cid, LI_DIFFERS.get(text, status), "--reviewer", CODER_2))

    figures = json.loads(ok(tracker("agreement", "--format", "json")))
    assert figures["units"] == N
    assert figures["reviewers"] == [CODER_1, CODER_2]
    (pair,) = figures["pairs"]
    assert pair["coders"] == [CODER_1, CODER_2]
    statuses, coarse = pair["statuses"], pair["coarse"]
    assert statuses["n"] == coarse["n"] == N
    assert statuses["percent_agreement"] == pytest.approx(float(STATUS_P_O), abs=1e-3)
    assert statuses["kappa"] == pytest.approx(float(STATUS_KAPPA), abs=1e-3)
    assert statuses["categories"] == STATUS_CATEGORIES
    assert statuses["confusion"] == STATUS_CONFUSION
    assert coarse["percent_agreement"] == pytest.approx(float(COARSE_P_O), abs=1e-3)
    assert coarse["kappa"] == pytest.approx(float(COARSE_KAPPA), abs=1e-3)
    assert coarse["confusion"] == COARSE_CONFUSION
    assert figures["overall"]["statuses"]["units"] == N
    assert figures["overall"]["statuses"]["percent_agreement"] == pytest.approx(float(STATUS_P_O), abs=1e-3)
    expected = {
        gold[text][0]: {CODER_1: gold[text][1], CODER_2: status} for text, status in LI_DIFFERS.items()
    }
    assert {d["commitment_id"]: d["statuses"] for d in figures["disagreements"]} == expected
    assert len(figures["disagreements"]) == len(LI_DIFFERS)

    queue = ok(tracker("annotate", "worklist", "--disputes", "--reviewer", ADJUDICATOR))
    assert sorted(line.split()[0] for line in queue.splitlines()) == sorted(disputed)

    # only a third reviewer adjudicates, and only where the coders disagree
    first = disputed[0]
    assert f"{CODER_1} is coder" in refused(
        tracker("annotate", "adjudicate", first, "fulfilled", "--reviewer", CODER_1)
    )
    assert f"{CODER_2} is coder" in refused(
        tracker("annotate", "adjudicate", first, "fulfilled", "--reviewer", CODER_2)
    )
    agreed = next(cid for text, (cid, _status) in gold.items() if text not in LI_DIFFERS)
    refused(tracker("annotate", "adjudicate", agreed, "partial", "--reviewer", ADJUDICATOR))

    for text, status in ADJUDICATED.items():
        ok(tracker("annotate", "adjudicate", gold[text][0], status, "--reviewer", ADJUDICATOR))
    assert ok(tracker("annotate", "worklist", "--disputes", "--reviewer", ADJUDICATOR)).strip() == (
        "no disagreement waits for adjudication"
    )
    # a coder's status after the adjudication changes nothing a reader sees: refused
    for coder in (CODER_1, CODER_2):
        assert "settled by adjudication" in refused(
            tracker("annotate", "status", first, "partial", "--reviewer", coder)
        )

    report = by_id(json.loads(ok(tracker("report", "--format", "json"))))
    for text, (cid, status) in gold.items():
        row = report[cid]
        assert row["status_source"] == "reviewer"
        if text in ADJUDICATED:
            assert (row["status"], row["status_reviewer"]) == (ADJUDICATED[text], ADJUDICATOR)
            assert row["status_adjudicated"] is True
            assert row["coding"]["adjudicator"] == {"reviewer": ADJUDICATOR, "status": ADJUDICATED[text]}
            assert row["coding"]["disputed"] is False
            coders = {c["reviewer"]: c["status"] for c in row["coding"]["coders"]}  # in role order
            assert coders == {CODER_1: status, CODER_2: LI_DIFFERS[text]}
        else:
            assert row["status"] == status
            assert row["status_adjudicated"] is False

    # both coders' own statuses are still in the log, beside the adjudications
    records = [json.loads(line) for line in ok(tracker("export-annotations")).splitlines()]
    logged = Counter(
        (r["commitment_id"], r["reviewer"], r["action"], r["value"])
        for r in records
        if r["action"] != "assign"
    )
    wanted = Counter({(cid, CODER_1, "status", status): 1 for cid, status in gold.values()})
    wanted.update(
        (cid, CODER_2, "status", LI_DIFFERS.get(text, status)) for text, (cid, status) in gold.items()
    )
    wanted.update((gold[text][0], ADJUDICATOR, "adjudicate", status) for text, status in ADJUDICATED.items())
    assert logged == wanted
    assert not any(r["retracted"] for r in records if r["action"] != "assign")

    # an adjudication is no coding: the coders' agreement is what it was
    after = json.loads(ok(tracker("agreement", "--format", "json")))
    assert after["pairs"] == figures["pairs"]
