"""CI tests PostgreSQL for real: the PostgreSQL variants skip without a server, so a CI run without one
must fail here instead of passing with a backend untested."""

from __future__ import annotations

import pytest
from backends import POSTGRES_ENV, REQUIRE_ENV, open_postgres, postgres_required, postgres_url


def test_ci_has_a_postgresql_server_for_the_database_tests():
    if not postgres_required():
        pytest.skip(f"only in CI ({REQUIRE_ENV}=1, as .ci/run sets it, or CI=true)")
    assert postgres_url(), (
        f"{REQUIRE_ENV} or CI is set but {POSTGRES_ENV} is not: the PostgreSQL variants would be skipped"
        " (run the tests through .ci/with-postgres)"
    )
    backend = open_postgres()
    try:
        assert backend.url.get_backend_name() == "postgresql"
        assert int(backend.check().split(".")[0]) >= 13  # DROP DATABASE … WITH (FORCE)
    finally:
        backend.close()
