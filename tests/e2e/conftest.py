"""Real-browser fixtures: Debian chromium via Playwright, and the app on a free loopback port.

Without /usr/bin/chromium the tests skip with the reason, unless LMS_BOARD_REQUIRE_E2E=1
(CI), when they fail instead. ``playwright install`` is never needed or run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from live_server import free_port, guarded, running

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


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's data dir (its own SQLite file), with the demo cases loaded."""
    data = tmp_path_factory.mktemp("e2e-data")
    open_store(database_url({"LMS_BOARD_DATA": str(data)})).load_demo_cases_if_empty("e2e")
    return data


@pytest.fixture(scope="session")
def netguard_log(app_data: Path) -> Path:
    """Where the app server's network guard writes any connection beyond 127.0.0.1."""
    return app_data / "netguard.log"


@pytest.fixture(scope="session")
def app_url(app_data: Path, netguard_log: Path) -> Iterator[str]:
    """``lms-board serve`` (what ``make run`` does), started in the data folder, not the
    repository, under the network guard, on a free loopback port."""
    require_chromium()
    env = {**os.environ, "LMS_BOARD_DATA": str(app_data), "LMS_BOARD_USER": "e2e"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    cmd = [sys.executable, "-m", "lms_board", "serve", "--port", str(port), "--no-init"]
    with running(
        cmd,
        cwd=app_data,
        env=guarded(env, netguard_log),
        port=port,
        log=app_data / "streamlit.log",
    ) as (url, _proc):
        yield url


@pytest.fixture(autouse=True)
def no_outbound_requests(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """In every browser test: any request the page makes to a host other than 127.0.0.1 is
    blocked and fails the test (fonts, icons, metrics: nothing may leave the machine)."""
    if "page" not in request.fixturenames:
        yield []
        return
    context = request.getfixturevalue("context")
    seen: list[str] = []

    def check(route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
            return
        try:
            origin = route.request.frame.url
        except Exception:  # a request of no frame (a service worker): count it as the page's
            origin = ""
        seen.append(f"{route.request.url} (from {origin})")
        route.abort()

    context.route("**/*", check)
    yield seen
    assert seen == [], f"the page tried to reach beyond 127.0.0.1: {seen[:10]}"


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
