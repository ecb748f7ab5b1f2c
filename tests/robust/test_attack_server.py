"""Attacks on the running server (issue 11): DNS rebinding, a launch from another directory,
outbound lookups, listening beyond 127.0.0.1 without a login. Real servers on free loopback
ports, started as ``make run`` starts them (``lms-board serve``); no browser needed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from conftest import REPO_ROOT
from live_server import free_port, guarded, refused_connections, running

HOSTILE_CONFIG = """\
[server]
address = "0.0.0.0"
enableXsrfProtection = false
enableCORS = false
maxUploadSize = 200
allowedHosts = ["*"]
[browser]
gatherUsageStats = true
[client]
showErrorDetails = "full"
"""


def _env(data: Path) -> dict[str, str]:
    env = {**os.environ, "LMS_BOARD_DATA": str(data), "LMS_BOARD_USER": "robust"}
    env.pop("DATABASE_URL", None)
    env.pop("LMS_BOARD_SECRETS", None)
    return env


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory that is not the repository, with a hostile Streamlit config."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    return tmp_path


@pytest.fixture
def served(elsewhere: Path) -> Iterator[tuple[str, int, Path, int]]:
    """``lms-board serve`` started in ``elsewhere``, under the network guard:
    ``(url, port, guard log, pid)``."""
    port, log = free_port(), elsewhere / "netguard.log"
    cmd = [sys.executable, "-m", "lms_board", "serve", "--port", str(port)]
    env = guarded(_env(elsewhere / "data"), log)
    with running(cmd, cwd=elsewhere, env=env, port=port, log=elsewhere / "server.log") as (
        url,
        proc,
    ):
        yield url, port, log, proc.pid


def _upgrade(port: int, host: str, origin: str | None = None) -> str:
    """The status line the server answers a WebSocket upgrade with (``HTTP/1.1 101 ...``)."""
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_dns_rebinding_a_foreign_host_gets_no_websocket(served: tuple[str, int, Path, int]) -> None:
    _url, port, _log, _pid = served
    assert " 101 " in _upgrade(port, f"127.0.0.1:{port}")
    refused = _upgrade(port, f"evil.example:{port}", origin=f"http://evil.example:{port}")
    assert " 101 " not in refused, refused


def test_a_foreign_origin_makes_the_server_look_nothing_up(
    served: tuple[str, int, Path, int],
) -> None:
    _url, port, log, _pid = served
    for _ in range(3):
        _upgrade(port, f"127.0.0.1:{port}", origin="http://evil.example")
    assert refused_connections(log) == []


def test_serve_from_another_directory_listens_on_loopback_only(
    served: tuple[str, int, Path, int],
) -> None:
    _url, port, _log, pid = served
    process = psutil.Process(pid)
    listening = {
        c.laddr.ip
        for p in [process, *process.children(recursive=True)]
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == port
    }
    assert listening == {"127.0.0.1"}, listening


def test_serve_refuses_every_interface_without_a_login(elsewhere: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "lms_board", "serve", "--address", "0.0.0.0", "--no-init"],
        cwd=elsewhere,
        env=_env(elsewhere / "data"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "refusing to listen on 0.0.0.0: no login is configured" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_make_run_starts_the_hardened_launch() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "lms-board serve" in run or "lms_board serve" in run, run
