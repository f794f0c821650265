"""Schema migrations: a database made by an older tracker opens with this one, its decisions intact.

The first schema is ``tests/data/schema_0001.sql``, the DDL tracker made before migrations and the
review UI existed; the rows are written the way that version wrote them.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlmodel import Session, SQLModel, select

from tracker.cli.main import cli
from tracker.errors import StoreError
from tracker.review.decisions import undo_last
from tracker.review.worklist import load_rows
from tracker.store import engine as engine_module
from tracker.store.decision_log import add_decision, retract_last_decision
from tracker.store.engine import make_engine, read_session, stored_revision, write_session
from tracker.store.migrations import HEAD
from tracker.store.migrations import runner as migrations_runner
from tracker.store.migrations.__main__ import main as migrations_main
from tracker.store.migrations.runner import config, script_directory
from tracker.store.models import Commitment, Document, Part, Retraction
from tracker.store.queries import document_sources

SCHEMA_0001 = Path(__file__).resolve().parent.parent / "data" / "schema_0001.sql"

#: The retraction table as the review UI made it with create_all, before migrations existed.
RETRACTION_DDL = """CREATE TABLE retraction (
	decision_id INTEGER NOT NULL,
	reviewer VARCHAR NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (decision_id),
	FOREIGN KEY(decision_id) REFERENCES decision (id)
)"""

AGENCY = "广州市民政局"
WHEN = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def _table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(column, kind) for column, kind in columns))


def _statement_row(cid: str, part: str, period: int, text: str, payload: str) -> dict[str, Any]:
    return {
        "id": cid, "document_id": "d-old", "part_id": part, "agency": AGENCY, "period": period,
        "position": 0, "section": "一、总体", "text": text, "normalized": text, "topic": "养老服务",
        payload: [], "deadline": None, "testable": False, "times_stated": 1, "sentence": 0,
    }  # fmt: skip


def write_old_rows(connection: sa.Connection) -> None:
    """One document with a summary and a plan part, two commitments, an achievement, a candidate, an
    automatic status and three decisions (confirm, status, note), as tracker 1c0205f stored them."""
    json_columns = {"targets": sa.JSON, "quantities": sa.JSON, "shared_terms": sa.JSON, "detail": sa.JSON}

    def insert(name: str, *rows: dict[str, Any]) -> None:
        columns = [
            (column, json_columns.get(column, sa.DateTime(timezone=True) if column.endswith("_at") else None))
            for column in rows[0]
        ]
        connection.execute(sa.insert(_table(name, *columns)), list(rows))

    insert(
        "document",
        {"id": "d-old", "path": "seeds/old.txt", "sha256": "0" * 64, "encoding": "utf-8", "title": "旧文件",
         "agency": AGENCY, "ingested_at": WHEN, "removed_lines": 0, "repeated_paragraphs": 0},
    )  # fmt: skip
    insert(
        "part",
        {"id": "p-summary", "document_id": "d-old", "kind": "summary", "period": 2023, "agency": AGENCY,
         "heading": "2023年工作总结", "position": 0},
        {"id": "p-plan", "document_id": "d-old", "kind": "plan", "period": 2024, "agency": AGENCY,
         "heading": "2024年工作计划", "position": 1},
    )  # fmt: skip
    insert(
        "commitment",
        _statement_row("c-one", "p-plan", 2024, "建成示范点100个", "targets"),
        _statement_row("c-two", "p-plan", 2024, "推进标准化建设", "targets"),
    )
    insert("achievement", _statement_row("a-one", "p-summary", 2023, "建成示范点80个", "quantities"))
    insert(
        "candidate",
        {"commitment_id": "c-one", "achievement_id": "a-one", "rank": 1, "score": 72.5, "state": "suggested",
         "shared_terms": ["示范点"], "scorer": "terms"},
    )  # fmt: skip
    insert(
        "commitmentstatus",
        {"commitment_id": "c-one", "status": "in_progress", "source": "auto", "detail": {"why": "80/100"}},
    )
    decision = {"achievement_id": None, "value": None, "reviewer": "alice", "created_at": WHEN}
    insert(
        "decision",
        decision | {"id": 1, "commitment_id": "c-one", "achievement_id": "a-one", "action": "confirm",
                    "commitment_text": "建成示范点100个"},
        decision | {"id": 2, "commitment_id": "c-one", "action": "status", "value": "fulfilled",
                    "commitment_text": "建成示范点100个"},
        decision | {"id": 3, "commitment_id": "c-two", "action": "note", "value": "见附件",
                    "commitment_text": "推进标准化建设"},
    )  # fmt: skip


def first_schema_database(path: Path, *, with_retraction: bool = False) -> str:
    """A SQLite file made exactly as tracker made it before migrations, with old rows in it."""
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA_0001.read_text(encoding="utf-8"))
        if with_retraction:
            connection.execute(RETRACTION_DDL)
    url = f"sqlite:///{path}"
    plain = sa.create_engine(url)
    with plain.begin() as connection:
        write_old_rows(connection)
    plain.dispose()
    return url


def empty_database(url: str) -> None:
    """Take the database back to nothing, whatever the backend handed out (its PostgreSQL databases are
    clones that come with the schema); this runs every downgrade."""
    plain = sa.create_engine(url)
    with plain.begin() as connection:
        command.downgrade(config(connection), "base")
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        assert sa.inspect(connection).get_table_names() == []
    plain.dispose()


def dump(url: str, table: str) -> list[tuple[Any, ...]]:
    plain = sa.create_engine(url)
    with plain.connect() as connection:
        rows = [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]
    plain.dispose()
    return rows


def schema(url: str) -> dict[str, dict[str, Any]]:
    """Every table's columns, keys, indexes and CHECK constraints as the database reports them."""
    plain = sa.create_engine(url)
    with plain.connect() as connection:
        inspector = sa.inspect(connection)
        shape = {
            table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign keys": sorted(
                    (tuple(k["constrained_columns"]), k["referred_table"], tuple(k["referred_columns"]))
                    for k in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "checks": sorted(
                    (c["name"], " ".join(c["sqltext"].split()))
                    for c in inspector.get_check_constraints(table)
                ),
            }
            for table in inspector.get_table_names()
        }
    plain.dispose()
    return shape


def test_head_is_the_newest_script_and_the_history_is_one_line():
    scripts = script_directory()
    assert scripts.get_heads() == [HEAD]
    assert [s.revision for s in scripts.walk_revisions()] == [
        "0011", "0010", "0009", "0008", "0007", "0006", "0005", "0004", "0003", "0002", "0001"
    ]  # fmt: skip


def test_a_first_schema_database_is_upgraded_with_its_decisions_intact(tmp_path):
    url = first_schema_database(tmp_path / "old.db")
    old_decisions = dump(url, "decision")
    old_rows = {table: dump(url, table) for table in ("document", "part", "commitment", "candidate")}
    assert len(old_decisions) == 3

    engine = make_engine(url)

    assert stored_revision(engine) == HEAD
    assert dump(url, "decision") == old_decisions
    # Every old row is kept as it was; the columns added since come with their defaults.
    now = {table: dump(url, table) for table in old_rows}
    assert {
        table: [row[: len(old_rows[table][0])] for row in rows] for table, rows in now.items()
    } == old_rows
    assert [row[len(old_rows["candidate"][0]) :] for row in now["candidate"]] == [(0, "{}")]
    with read_session(engine) as session:
        rows = {row.id: row for row in load_rows(session)}
    assert (rows["c-one"].status, rows["c-one"].source, rows["c-one"].decided) == (
        "fulfilled",
        "reviewer",
        True,
    )
    assert rows["c-one"].best_score == 72.5

    with write_session(engine) as session:
        note = undo_last(session, reviewer="alice")
        status = undo_last(session, reviewer="alice")
    assert note is not None and note.id == 3 and note.value == "见附件"
    assert status is not None and status.id == 2
    with read_session(engine) as session:
        assert sorted(r.decision_id for r in session.exec(select(Retraction)).all()) == [2, 3]
        (row,) = load_rows(session, ["c-one"])
    assert (row.status, row.source) == ("in_progress", "auto")
    assert dump(url, "decision") == old_decisions
    engine.dispose()


def test_an_old_database_with_the_review_ui_table_is_placed_at_head_without_a_migration(tmp_path):
    url = first_schema_database(tmp_path / "review.db", with_retraction=True)
    with closing(sqlite3.connect(tmp_path / "review.db")) as connection, connection:
        connection.execute("INSERT INTO retraction VALUES (3, 'alice', '2024-05-02 09:00:00.000000')")
    engine = make_engine(url)
    assert stored_revision(engine) == HEAD
    with read_session(engine) as session:
        assert [(r.decision_id, r.reviewer) for r in session.exec(select(Retraction)).all()] == [(3, "alice")]
    engine.dispose()


def test_an_upgraded_database_has_the_schema_of_a_new_one(tmp_path):
    old = first_schema_database(tmp_path / "old.db")
    new = f"sqlite:///{tmp_path / 'new.db'}"
    make_engine(old).dispose()
    make_engine(new).dispose()
    assert schema(old) == schema(new)


def test_a_new_database_is_created_and_stamped_at_head(db_url):
    empty_database(db_url)
    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_opening_an_up_to_date_database_again_does_nothing(db_url, monkeypatch):
    make_engine(db_url).dispose()
    before = schema(db_url)

    def no_migration(*args: object) -> None:
        raise AssertionError("an up-to-date database was migrated")

    monkeypatch.setattr(migrations_runner, "migrate", no_migration)
    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    assert schema(db_url) == before
    engine.dispose()


def test_a_database_from_a_newer_tracker_is_refused_in_one_line(db_url, tmp_path, monkeypatch):
    make_engine(db_url).dispose()
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    plain.dispose()

    with pytest.raises(StoreError) as raised:
        make_engine(db_url)
    message = str(raised.value)
    assert "\n" not in message
    assert "was made by a newer tracker (revision 9999); upgrade tracker" in message

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", db_url, "report"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"tracker: {message}"]


def test_a_pre_migration_database_on_any_backend_is_upgraded(db_url):
    """The same path as the SQLite file above, for whichever database the tests run on: a first-schema
    database without a revision table is stamped at 0001 and upgraded, its decisions kept."""
    empty_database(db_url)
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        command.upgrade(config(connection), "0001")
        connection.execute(sa.text("DROP TABLE alembic_version"))
        write_old_rows(connection)
    plain.dispose()
    old_decisions = dump(db_url, "decision")

    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    assert dump(db_url, "decision") == old_decisions
    with write_session(engine) as session:
        assert undo_last(session, reviewer="alice") is not None
    with Session(engine) as session:
        assert [r.decision_id for r in session.exec(select(Retraction)).all()] == [3]
    engine.dispose()


def test_0006_gives_the_parts_of_an_older_database_no_date_and_can_go_back(db_url):
    """Parts stored before interim reports were read have no date (each is taken for the year's
    summary, as before) until their file is ingested again."""
    empty_database(db_url)
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        command.upgrade(config(connection), "0005")
        write_old_rows(connection)
    plain.dispose()
    old_parts = dump(db_url, "part")

    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    width = len(old_parts[0])  # the columns since (as_of, then 0007's from_table) come after
    assert [row[:width] for row in dump(db_url, "part")] == old_parts
    assert [row[width] for row in dump(db_url, "part")] == [None, None]
    with write_session(engine) as session:
        part = session.get(Part, "p-summary")
        assert part is not None
        part.as_of = date(2023, 6, 30)
        session.add(part)
    with read_session(engine) as session:
        assert [p.as_of for p in session.exec(select(Part).order_by(Part.id)).all()] == [
            None,
            date(2023, 6, 30),
        ]
    with engine.begin() as connection:
        command.downgrade(config(connection), "0005")
    engine.dispose()
    assert dump(db_url, "part") == old_parts
    assert dump(db_url, "decision")  # the decisions are still there


def test_0007_gives_older_commitments_no_lead_unit_and_parts_no_table_and_can_go_back(db_url):
    """Commitments stored before task tables were read have no lead unit and every part is prose (its
    document never reports on its own targets), until their file is ingested again; the decisions and
    every old column stay as they were, and going back removes only the two columns."""
    empty_database(db_url)
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        command.upgrade(config(connection), "0006")
        write_old_rows(connection)
    plain.dispose()
    old = {table: dump(db_url, table) for table in ("part", "commitment", "decision")}

    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    now = {table: dump(db_url, table) for table in old}
    assert now["decision"] == old["decision"]
    for table in ("part", "commitment"):
        width = len(old[table][0])
        assert [row[:width] for row in now[table]] == old[table]
    assert [row[-1] for row in now["commitment"]] == [None, None]
    assert [bool(row[-1]) for row in now["part"]] == [False, False]
    with write_session(engine) as session:
        commitment = session.get(Commitment, "c-one")
        assert commitment is not None
        commitment.lead_unit = "市民政局"
        session.add(commitment)
    with read_session(engine) as session:
        assert [c.lead_unit for c in session.exec(select(Commitment).order_by(Commitment.id)).all()] == [
            "市民政局",
            None,
        ]
    with engine.begin() as connection:
        command.downgrade(config(connection), "0006")
    engine.dispose()
    assert {table: dump(db_url, table) for table in old} == old


def test_0008_gives_the_documents_of_an_older_database_no_address_and_can_go_back(db_url):
    """Documents stored before web pages were read are files: no address, until a page is ingested."""
    empty_database(db_url)
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        command.upgrade(config(connection), "0007")
        write_old_rows(connection)
    plain.dispose()
    old_documents = dump(db_url, "document")

    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    assert [row[:-1] for row in dump(db_url, "document")] == old_documents
    assert [row[-1] for row in dump(db_url, "document")] == [None]
    with write_session(engine) as session:
        document = session.get(Document, "d-old")
        assert document is not None
        document.source_url = "https://www.example.gov.cn/zwgk/2024/jh.html"
        session.add(document)
    with read_session(engine) as session:
        assert document_sources(session) == {
            "d-old": ("seeds/old.txt", "https://www.example.gov.cn/zwgk/2024/jh.html")
        }
    with engine.begin() as connection:
        command.downgrade(config(connection), "0007")
    engine.dispose()
    assert dump(db_url, "document") == old_documents
    assert dump(db_url, "decision")  # the decisions are still there


def test_a_database_behind_head_is_upgraded_and_can_go_back(db_url):
    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.downgrade(config(connection), "0001")
    assert stored_revision(engine) == "0001"
    engine.dispose()

    engine = make_engine(db_url)
    assert stored_revision(engine) == HEAD
    with engine.connect() as connection:
        assert "retraction" in sa.inspect(connection).get_table_names()
    engine.dispose()


def test_the_migrations_build_exactly_the_models_tables(db_url):
    """Autogenerate finds nothing to do between the migrated database and the models: a model change
    without a migration fails here (``python -m tracker.store.migrations revision -m ...`` writes one)."""
    empty_database(db_url)
    plain = sa.create_engine(db_url)
    with plain.begin() as connection:
        command.upgrade(config(connection), "head")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    plain.dispose()
    assert differences == []


#: The revision after head, which the tests below write.
NEXT = f"{int(HEAD) + 1:04d}"
NEXT_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
"""


@pytest.fixture
def next_revision(tmp_path, monkeypatch):
    """A copy of the migrations with a revision after head whose upgrade body the test writes."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrations_runner.FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations_runner, "FOLDER", folder)
    monkeypatch.setattr(engine_module, "HEAD", NEXT)
    script_directory.cache_clear()

    def write(body: str) -> None:
        (folder / "versions" / f"v{NEXT}_test.py").write_text(
            NEXT_REVISION.format(revision=NEXT, head=HEAD, body=body), encoding="utf-8"
        )
        script_directory.cache_clear()

    yield write
    script_directory.cache_clear()


def _reviewed_database(url: str) -> None:
    """A head database with three decisions, the last retracted (retraction references decision)."""
    engine = make_engine(url)
    with write_session(engine) as session:
        for text in ("一", "二", "三"):
            add_decision(session, commitment_id="c-x", action="note", value=text, reviewer="alice")
        retract_last_decision(session, "alice")
    engine.dispose()


def test_a_sqlite_table_rebuild_keeps_rows_other_tables_point_at(tmp_path, next_revision):
    """Alembic's batch mode copies a table and drops the original; with foreign keys on, SQLite would
    refuse to drop ``decision`` while ``retraction`` points at it."""
    url = f"sqlite:///{tmp_path / 'rebuild.db'}"
    _reviewed_database(url)
    before = dump(url, "decision")
    next_revision(
        '    with op.batch_alter_table("decision", recreate="always") as batch:\n'
        '        batch.alter_column("value", existing_type=sa.String(), nullable=True)'
    )
    engine = make_engine(url)
    assert stored_revision(engine) == NEXT
    assert dump(url, "decision") == before
    assert dump(url, "retraction")[0][0] == 3
    engine.dispose()


def test_a_migration_that_breaks_a_foreign_key_changes_nothing(tmp_path, next_revision):
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    _reviewed_database(url)
    before = dump(url, "decision")
    next_revision('    op.execute("DELETE FROM decision WHERE id = 3")')
    with pytest.raises(StoreError, match="broke a foreign key; nothing was changed"):
        make_engine(url)
    assert dump(url, "decision") == before
    assert dump(url, "alembic_version") == [(HEAD,)]


def test_the_revision_helper_writes_the_next_numbered_migration(tmp_path, next_revision, capsys):
    (tmp_path / "migrations" / "versions" / f"v{NEXT}_test.py").unlink(missing_ok=True)
    assert migrations_main(["revision", "-m", "add a thing"]) == 0
    written = tmp_path / "migrations" / "versions" / f"v{NEXT}_add_a_thing.py"
    text = written.read_text(encoding="utf-8")
    assert f"revision = '{NEXT}'" in text and f"down_revision = '{HEAD}'" in text
    assert f"set HEAD = '{NEXT}'" in capsys.readouterr().out
