"""A ``streamlit run`` server for the figures: free loopback port, headless, health polled.

    with streamlit_server(script, data_dir) as srv:   # srv.url, srv.proc, srv.started_s
        ...

The server runs from the repo root, so it reads the project's ``.streamlit/config.toml``
whatever script it serves.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app" / "app.py"
ONE_LINE_APP = 'import streamlit as st\nst.write("hello")\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def one_line_app(folder: Path) -> Path:
    """A one-line Streamlit page (the baseline of the ratio figures), written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "one_line_app.py"
    path.write_text(ONE_LINE_APP, encoding="utf-8")
    return path


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    #: Seconds from ``Popen`` until ``/_stcore/health`` answered ``ok``.
    started_s: float


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return bool(r.read().strip() == b"ok")
    except OSError:
        return False


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        if _healthy(url):
            return
        time.sleep(0.02)
    raise RuntimeError(f"streamlit at {url} not healthy after {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (its own process group), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        pass


@contextmanager
def streamlit_server(script: Path, data_dir: Path) -> Iterator[Server]:
    """``streamlit run script`` on 127.0.0.1 at a free port, with ``LMS_BOARD_DATA=data_dir``."""
    env = {**os.environ, "LMS_BOARD_DATA": str(data_dir), "LMS_BOARD_USER": "bench"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_healthy(url, proc)
        yield Server(url, proc, time.perf_counter() - start)
    finally:
        stop(proc)
