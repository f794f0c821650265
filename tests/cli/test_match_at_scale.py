"""``tracker match --processes/--shard`` and the incremental match after ``tracker ingest``, as a user
types them: what they print, and that the tables end as one plain run leaves them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.match.pool import shard_of

AGENCIES = ("广州市民政局", "佛山市民政局", "中山市民政局")
#: What a match writes (a document's version in match_document tells when it was ingested: not compared).
MATCHED = {
    "candidate": "*",
    "history_candidate": "*",
    "commitmentstatus": "*",
    "match_document": "document_id, blocks",
}


def _write(folder: Path, agency: str, year: int) -> Path:
    path = folder / f"{agency}{year}.txt"
    path.write_text(
        f"{agency}{year}年工作总结和{year + 1}年工作计划\n"
        f"一、{year}年工作总结\n全年建成长者饭堂{year % 100}个。养老服务条例草案已提交审议。完成婚俗改革试点。\n"
        f"二、{year + 1}年工作计划\n建成长者饭堂不少于{year % 100 + 20}个。出台养老服务条例。推进婚俗改革。\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for agency in AGENCIES:
        for year in (2023, 2024):
            _write(folder, agency, year)
    return folder


def _tables(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as connection:
        return {
            table: connection.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
            for table, columns in MATCHED.items()
        }


def test_processes_and_shards_end_as_one_plain_run(runner: CliRunner, docs: Path, tmp_path: Path):
    assert runner.invoke(cli, ["--db", "plain.db", "ingest", str(docs)]).exit_code == 0
    plain = runner.invoke(cli, ["--db", "plain.db", "match"])
    assert plain.exit_code == 0 and plain.output.startswith(
        "matched 18 commitments in 6 agency-years with weighted:"
    )
    assert runner.invoke(cli, ["--db", "other.db", "ingest", "--no-match", str(docs)]).exit_code == 0
    two = runner.invoke(cli, ["--db", "other.db", "match", "--processes", "2"])
    assert (
        two.exit_code == 0
        and "matched 18 commitments in 6 agency-years with weighted (2 processes):" in two.output
    )
    assert _tables(tmp_path / "other.db") == _tables(tmp_path / "plain.db")
    assert {shard_of(agency, 2) for agency in AGENCIES} == {1, 2}
    assert runner.invoke(cli, ["--db", "shards.db", "ingest", "--no-match", str(docs)]).exit_code == 0
    outputs = [runner.invoke(cli, ["--db", "shards.db", "match", "--shard", f"{k}/2"]) for k in (1, 2)]
    assert [r.exit_code for r in outputs] == [0, 0] and "(shard 2/2)" in outputs[1].output
    assert _tables(tmp_path / "shards.db") == _tables(tmp_path / "plain.db")


def test_an_ingest_matches_only_what_it_changed(runner: CliRunner, docs: Path, tmp_path: Path):
    assert runner.invoke(cli, ["ingest", str(docs)]).exit_code == 0
    added = _write(tmp_path, "江门市民政局", 2024)
    result = runner.invoke(cli, ["ingest", str(added)])
    assert result.exit_code == 0
    assert (
        "matched 3 commitments in 1 agency-years with weighted (the agencies that changed):" in result.output
    )
    again = runner.invoke(cli, ["ingest", str(added)])
    assert "matched" not in again.output  # nothing changed, nothing queued


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--shard", "3/2"],
            "tracker: Invalid value for '--shard': give the shard and the number of shards, e.g. 1/4",
        ),
        (
            ["--shard", "x"],
            "tracker: Invalid value for '--shard': give the shard and the number of shards, e.g. 1/4",
        ),
        (["--processes", "0"], "tracker: Invalid value for '--processes': 0 is not in the range x>=1."),
    ],
)
def test_a_bad_shard_or_process_count_is_one_line(
    runner: CliRunner, docs: Path, args: list[str], message: str
):
    assert runner.invoke(cli, ["ingest", "--no-match", str(docs)]).exit_code == 0
    result = runner.invoke(cli, ["match", *args])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(message)
