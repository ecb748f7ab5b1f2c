"""Pytest plugin for the store tests: a throw-away PostgreSQL cluster and the ``store_url`` fixture.

Test modules load it with ``pytest_plugins = ["store_pg"]``; its fixtures are then shared by
the whole session (one cluster per run).

- ``postgres_cluster`` (session): Debian's server binaries (``/usr/lib/postgresql/*/bin``)
  run ``initdb`` in a temp dir and ``pg_ctl start`` on 127.0.0.1 at a free port (socket dir in
  the temp dir). As root they run as the ``postgres`` user (``runuser``). Stopped and deleted
  at the end. No binaries: the tests skip with the reason, unless
  ``LMS_BOARD_REQUIRE_POSTGRES=1``, when they fail.
- ``postgres_url``: an empty store in that cluster for one test (a fresh schema, selected
  with ``search_path`` in the URL: much faster than a fresh database).
- ``store_url``: parametrised over ``sqlite`` (a real file in ``tmp_path``) and ``postgres``,
  so a test that takes it runs against both.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lms_board.store.engine import dispose_engine

REQUIRE_ENV = "LMS_BOARD_REQUIRE_POSTGRES"
PG_USER = "postgres"  # the unprivileged OS user that runs the server when we are root
DB_USER = "lms"
#: The schema's owner (runs the migrations) and the app's own role (docs/deployment.md).
OWNER_ROLE, APP_ROLE = "lms_owner", "lms_app"


def find_pg_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<v>/bin`` holding ``initdb`` and ``pg_ctl``, or PATH's."""

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(x) for x in match.group(1).split(".")) if match else (0,)

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        bindir = Path(initdb).parent
        if (bindir / "pg_ctl").exists():
            return bindir
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresCluster:
    """A private PostgreSQL server in a temp dir, on 127.0.0.1 only, trust auth."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="lms-board-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        self._shared = ""
        self._roles: set[str] = set()
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        if self._as_root:
            try:
                user = pwd.getpwnam(PG_USER)
            except KeyError:
                raise RuntimeError(
                    f"running as root but there is no {PG_USER!r} user to run PostgreSQL as"
                ) from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
        os.chmod(self.root, 0o700)
        done = self._run(
            "initdb", "-D", str(self.data), "-U", DB_USER, "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        for _attempt in range(3):
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                "-c fsync=off -c full_page_writes=off -c max_connections=60"
            )
            done = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                "-t", "60", "start",
            )  # fmt: skip
            if done.returncode == 0:
                return
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr or done.stdout}\n{log}")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=DB_USER, dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        name = f"lms_test_{next(self._names)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name is ours, not user input
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def shared_database(self) -> str:
        """One database for the session; tests get a schema each (much faster than a database)."""
        if not self._shared:
            self._shared = self.create_database()
        return self._shared

    def create_schema(self) -> tuple[str, str]:
        """A fresh, empty schema in the shared database: ``(url, schema)``."""
        schema = f"t{next(self._names)}"
        dbname = self.shared_database()
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=DB_USER, dbname=dbname, autocommit=True
        ) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"{self.url(dbname)}?options=-csearch_path%3D{schema}", schema

    def sql(self, *statements: str, dbname: str = "") -> None:
        """Run statements as the cluster's superuser (in the shared database by default)."""
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=DB_USER,
            dbname=dbname or self.shared_database(),
            autocommit=True,
        ) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]  # our own SQL

    def ensure_role(self, name: str, *extra: str) -> None:
        """A login role (no superuser), created once per cluster."""
        if name in self._roles:
            return
        self.sql(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOINHERIT {" ".join(extra)}')
        self._roles.add(name)

    def owned_schema(self) -> tuple[str, str, str]:
        """A schema owned by ``lms_owner`` (who runs the migrations), used by ``lms_app`` as
        docs/deployment.md says: ``(app url, owner url, schema)``."""
        self.ensure_role(OWNER_ROLE)
        self.ensure_role(APP_ROLE)
        schema = f"t{next(self._names)}"
        dbname = self.shared_database()
        self.sql(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{OWNER_ROLE}"')
        query = f"?options=-csearch_path%3D{schema}"
        base = f"postgresql+psycopg://{{}}@127.0.0.1:{self.port}/{dbname}{query}"
        return base.format(APP_ROLE), base.format(OWNER_ROLE), schema

    def password_role(self, name: str, password: str) -> str:
        """A role that must give its password (scram-sha-256): its URL, without the password."""
        if name not in self._roles:
            hba = self.data / "pg_hba.conf"
            rule = f"host all {name} 127.0.0.1/32 scram-sha-256\n"
            hba.write_text(rule + hba.read_text())
            self.ensure_role(name, f"PASSWORD '{password}'")
            self._run("pg_ctl", "-D", str(self.data), "reload")
        return f"127.0.0.1:{self.port}/{self.shared_database()}"

    def drop_schema(self, schema: str) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=DB_USER, dbname=self.shared_database(),
            autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bindir = find_pg_bindir()
    if bindir is None:
        _missing(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
            "install Debian's postgresql package to run the PostgreSQL store tests"
        )
        raise AssertionError("unreachable")
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """An empty store on the PostgreSQL server (its own schema via ``search_path``), as the
    app connects in production: its schema migrated by the owner role, the app connected as
    ``lms_app``, which owns no table (docs/deployment.md)."""
    from lms_board.store import open_store
    from lms_board.store.roles import app_role_grants

    url, owner_url, schema = postgres_cluster.owned_schema()
    open_store(owner_url)
    dispose_engine(owner_url)
    postgres_cluster.sql(*app_role_grants(APP_ROLE, schema))
    yield url
    dispose_engine(url)
    postgres_cluster.drop_schema(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty store: a real SQLite file, or a real PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
        yield url
        dispose_engine(url)
    else:
        yield request.getfixturevalue("postgres_url")
