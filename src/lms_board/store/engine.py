"""Where the store lives and how we connect: one engine per database URL per process.

SQLite (the default, ``$LMS_BOARD_DATA/lms_board.sqlite3``) runs in WAL mode with a busy
timeout and foreign keys on; every write transaction starts with ``BEGIN IMMEDIATE`` so two
writers queue instead of failing halfway. ``DATABASE_URL=postgresql+psycopg://...`` selects
PostgreSQL for a shared deployment. Migrations run once per process and URL, under a lock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

from lms_board.paths import data_dir, private_file

SQLITE_FILE_NAME = "lms_board.sqlite3"
BUSY_TIMEOUT_SECONDS = 10.0
#: Execution option naming how a SQLite transaction begins (``DEFERRED`` or ``IMMEDIATE``).
BEGIN_OPTION = "lms_board_begin"
#: Key of the PostgreSQL advisory lock that serialises migrations and the demo load.
PG_LOCK_KEY = 0x4C4D53_0001  # "LMS" + 1

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(env: Mapping[str, str] | None = None) -> str:
    """``DATABASE_URL`` if set, else the SQLite file under ``$LMS_BOARD_DATA`` (default ./data)."""
    env = os.environ if env is None else env
    url = env.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    return f"sqlite:///{(data_dir(env) / SQLITE_FILE_NAME).resolve()}"


def normalise_url(url: str) -> str:
    """Pin PostgreSQL URLs to the psycopg 3 driver; refuse databases the store does not support."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(
            f"unsupported database {safe_url(parsed)}: use sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB"
        )
    return parsed.render_as_string(hide_password=False)


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def get_engine(url: str) -> Engine:
    """The process's engine for ``url``, created and migrated to the latest schema on first use."""
    url = normalise_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            try:
                migrate(engine)
            except BaseException:
                engine.dispose()
                raise
            _engines[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close every pooled connection to ``url`` and forget the engine (a later open re-creates it)."""
    url = normalise_url(url)
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _forget_engines_after_fork() -> None:
    # A forked child must not use the parent's pooled connections (sqlite handles, sockets).
    global _lock
    _lock = threading.Lock()
    for engine in _engines.values():
        engine.dispose(close=False)
    _engines.clear()


os.register_at_fork(after_in_child=_forget_engines_after_fork)


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _create_sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_SECONDS}}
    if database in ("", ":memory:"):
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        private_file(Path(database))  # 0600 in a 0700 folder, when the store is new
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below) instead of the driver's implicit transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if database not in ("", ":memory:"):
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"bad {BEGIN_OPTION}: {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def write_connection(conn: Connection) -> Connection:
    """Mark ``conn`` so its next transaction takes the SQLite write lock at BEGIN."""
    if is_sqlite(conn):
        conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    return conn


def lock_for_schema_work(conn: Connection) -> None:
    """Inside a transaction: wait until no other process migrates or seeds this database."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    # SQLite: the IMMEDIATE transaction already holds the single write lock.


def alembic_config() -> Config:
    """An Alembic config built in code, pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(files("lms_board").joinpath("migrations")))
    return config


def migrate(engine: Engine) -> None:
    """``alembic upgrade head`` on ``engine``, in one transaction, under the migration lock."""
    config = alembic_config()
    with engine.connect() as conn:
        write_connection(conn)
        with conn.begin():
            lock_for_schema_work(conn)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
