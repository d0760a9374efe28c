"""Every storage test runs twice: on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.db import make_engine, session_factory, upgrade
from tests.pg import postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the whole session (started on first use)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own, so that every test starts from nothing."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relais.db'}"
        return
    # Asked for here, not as an argument: the SQLite runs must not need a PostgreSQL server.
    server = make_url(request.getfixturevalue("postgres_url"))
    name = f"t_{uuid.uuid4().hex}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture()
def database(db_url: str) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """The URL and a session factory of a database migrated to the latest schema (Alembic)."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield db_url, session_factory(engine)
    engine.dispose()
