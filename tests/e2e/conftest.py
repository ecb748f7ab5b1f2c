"""Real-browser fixtures: Debian chromium via Playwright, and the app on a free loopback port.

Without /usr/bin/chromium the tests skip with the reason, unless LMS_BOARD_REQUIRE_E2E=1
(CI), when they fail instead. ``playwright install`` is never needed or run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lms_board.store import database_url, open_store

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def require_chromium() -> None:
    """Skip without /usr/bin/chromium, or fail when LMS_BOARD_REQUIRE_E2E=1 (CI)."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found: install Debian chromium for the real-browser tests"
    if os.environ.get("LMS_BOARD_REQUIRE_E2E") == "1":
        pytest.fail(f"{reason} (LMS_BOARD_REQUIRE_E2E=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A 1280×720 projector."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 720}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"streamlit at {url} not healthy after {timeout} s")


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's data dir (its own SQLite file), with the demo cases loaded."""
    data = tmp_path_factory.mktemp("e2e-data")
    open_store(database_url({"LMS_BOARD_DATA": str(data)})).load_demo_cases_if_empty("e2e")
    return data


@pytest.fixture(scope="session")
def app_url(app_data: Path) -> Iterator[str]:
    """``streamlit run streamlit_app/app.py`` on 127.0.0.1 at a free port."""
    require_chromium()
    env = {**os.environ, "LMS_BOARD_DATA": str(app_data), "LMS_BOARD_USER": "e2e"}
    env.pop("DATABASE_URL", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (app_data / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app/app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
