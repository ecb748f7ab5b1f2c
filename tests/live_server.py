"""A real Streamlit server for a test: a free loopback port, started however the test says
(``lms-board serve``, ``streamlit run``), optionally under the network guard
(``tests/netguard``), waited for until healthy, stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

NETGUARD = Path(__file__).resolve().parent / "netguard"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"the server at {url} is not healthy after {timeout} s")


def guarded(env: Mapping[str, str], log: Path) -> dict[str, str]:
    """``env`` with the network guard loaded, writing to ``log``."""
    path = os.pathsep.join(p for p in (str(NETGUARD), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "LMS_BOARD_NETGUARD_LOG": str(log)}


def refused_connections(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@contextmanager
def running(
    cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], port: int, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``cmd``; yield ``(http://127.0.0.1:port, process)`` once it answers."""
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_healthy(url, proc)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
