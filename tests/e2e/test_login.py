"""Login in a real browser against a real OpenID Connect provider started by the test on
127.0.0.1 (the ``oidc-provider-mock`` package): nothing before sign-in, the user's name in
About, their subject in the audit log, the coordinator and viewer roles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import free_port, guarded, refused_connections, running
from playwright.sync_api import Page, expect

from lms_board.demo import demo_cases
from lms_board.store import database_url, open_store

from .test_dashboard import pick

USERS = (
    {"sub": "alice", "name": "Alice Coordinator", "lms_board_role": "coordinator"},
    {"sub": "victor", "name": "Victor Viewer", "lms_board_role": "viewer"},
    {"sub": "nobody-here", "name": "No Role"},
)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m oidc_provider_mock`` on 127.0.0.1 at a free port; its issuer URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    claims = [arg for user in USERS for arg in ("--user-claims", json.dumps(user))]
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen([*cmd, *claims], stdout=out, stderr=subprocess.STDOUT)
        issuer = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(  # our local provider
                        f"{issuer}/.well-known/openid-configuration", timeout=2
                    ):
                        break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.2)
            yield issuer
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.fixture(scope="module")
def login_app(
    provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, Path]]:
    """``lms-board serve`` with ``[auth]`` pointing at the provider: ``(url, data, guard log)``."""
    data = tmp_path_factory.mktemp("login-data")
    open_store(database_url({"LMS_BOARD_DATA": str(data)})).load_demo_cases_if_empty("setup")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = data / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "{url}/oauth2callback"
cookie_secret = "test-cookie-secret-{os.getpid()}-0123456789abcdef"
client_id = "lms-board-e2e"
client_secret = "e2e-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[lms_board]
roles_claim = "lms_board_role"
""",
        encoding="utf-8",
    )
    env = {**os.environ, "LMS_BOARD_DATA": str(data), "LMS_BOARD_SECRETS": str(secrets)}
    env.pop("DATABASE_URL", None)
    guard = data / "netguard.log"
    cmd = [sys.executable, "-m", "lms_board", "serve", "--port", str(port), "--no-init"]
    with running(cmd, cwd=data, env=guarded(env, guard), port=port, log=data / "server.log") as (
        served,
        _proc,
    ):
        yield served, data, guard


def _settle(page: Page) -> None:
    page.wait_for_timeout(200)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


@pytest.fixture(autouse=True)
def provider_pages_may_use_their_cdn(
    provider: str, no_outbound_requests: list[str]
) -> Iterator[None]:
    """The test provider's own sign-in form loads a style sheet from a CDN (blocked): that is
    the stand-in identity provider's page, not LMS Board's, so it does not fail the test."""
    yield
    no_outbound_requests[:] = [r for r in no_outbound_requests if f"(from {provider}" not in r]


def _sign_in(page: Page, url: str, sub: str) -> None:
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Sign in").click()
    page.locator(f'button[name="sub"][value="{sub}"]').click()  # the provider's own form
    expect(page.get_by_role("heading", name="Board")).to_be_visible(timeout=30_000)
    _settle(page)


def test_nothing_before_sign_in_then_the_coordinator_by_name_and_subject(
    page: Page, login_app: tuple[str, Path, Path], shots: Path
) -> None:
    url, data, guard = login_app
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    _settle(page)
    expect(page.get_by_text("DEMO-01")).to_have_count(0)
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    page.screenshot(path=str(shots / "login.png"))

    _sign_in(page, url, "alice")
    expect(page.get_by_text(f"{len(demo_cases())} case(s) in the store")).to_be_visible()
    page.get_by_text("About").click()
    expect(page.get_by_text("Signed in as Alice Coordinator (alice), coordinator")).to_be_visible()

    # A change made in the browser is recorded under the provider's subject.
    pick(page, page.get_by_label("Selected case"), "DEMO-02")
    _settle(page)
    page.get_by_role("button", name="Copy or delete").click()
    page.get_by_text("Yes, delete DEMO-02 (version 1)").click()
    _settle(page)
    page.get_by_role("button", name="Delete", exact=True).click()
    _settle(page)
    expect(page.get_by_text("Deleted DEMO-02 (version 1)")).to_be_visible()
    store = open_store(database_url({"LMS_BOARD_DATA": str(data)}))
    last = store.audit_log("DEMO-02")[-1]
    assert (last.action, last.user) == ("delete", "alice")

    page.locator('[data-testid="stSidebarNav"] a', has_text="Deleted cases").click()
    _settle(page)
    expect(page.get_by_role("button", name="Restore DEMO-02")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
    page.screenshot(path=str(shots / "deleted-cases.png"))
    assert refused_connections(guard) == []


def test_a_viewer_reads_and_a_user_without_a_role_sees_nothing(
    page: Page, login_app: tuple[str, Path, Path]
) -> None:
    url, _data, _guard = login_app
    _sign_in(page, url, "victor")
    page.get_by_text("About").click()
    expect(page.get_by_text("Signed in as Victor Viewer (victor), viewer")).to_be_visible()
    expect(page.get_by_role("button", name="New case")).to_have_count(0)
    expect(page.get_by_role("button", name="Copy or delete")).to_have_count(0)
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_role("link", name="Present")).to_be_visible()
    expect(nav.get_by_role("link", name="Case intake")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_timeout(1000)
    page.context.clear_cookies()
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Sign in").click()
    page.locator('button[name="sub"][value="nobody-here"]').click()
    expect(page.get_by_text("you have no LMS Board role")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("DEMO-01")).to_have_count(0)
