"""The effective configuration of a server started in another directory, read from the
running server itself (About, or the app's refusal page), in a real browser."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from live_server import free_port, running
from playwright.sync_api import Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
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


def _elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    env = {**os.environ, "LMS_BOARD_DATA": str(tmp_path / "data"), "LMS_BOARD_USER": "e2e"}
    env.pop("DATABASE_URL", None)
    return tmp_path, env


def test_serve_elsewhere_runs_with_the_hardened_options(page: Page, tmp_path: Path) -> None:
    cwd, env = _elsewhere(tmp_path)
    port = free_port()
    cmd = [sys.executable, "-m", "lms_board", "serve", "--port", str(port)]
    with running(cmd, cwd=cwd, env=env, port=port, log=cwd / "server.log") as (url, _proc):
        page.goto(url)
        expect(page.get_by_role("heading", name="Board")).to_be_visible(timeout=30_000)
        page.get_by_text("About").click()
        expect(
            page.get_by_text(
                f"Server: 127.0.0.1:{port} · hosts localhost, 127.0.0.1 · uploads ≤ 5 MB · "
                "usage statistics off · error details none · XSRF on · CORS on"
            )
        ).to_be_visible()


def test_a_plain_streamlit_run_elsewhere_is_refused_by_the_app(
    page: Page, tmp_path: Path, no_outbound_requests: list[str]
) -> None:
    """What ``make run`` avoids: started this way, the server is not hardened. The app shows
    no case and says why; the browser still asks Streamlit's usage-statistics server (blocked
    here), which only the launch options can prevent."""
    cwd, env = _elsewhere(tmp_path)
    port = free_port()
    app = REPO_ROOT / "streamlit_app" / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
    with running(cmd, cwd=cwd, env=env, port=port, log=cwd / "server.log") as (url, _proc):
        page.goto(url)
        expect(page.get_by_text("LMS Board is not started safely")).to_be_visible(timeout=30_000)
        for problem in (
            "server.enableXsrfProtection is False",
            "server.enableCORS is False",
            "server.maxUploadSize is 200",
            "browser.gatherUsageStats is True",
            "server.allowedHosts is ['*']",
            "server.address is 0.0.0.0",
        ):
            expect(page.get_by_text(problem)).to_be_visible()
        expect(page.get_by_text("DEMO-01")).to_have_count(0)
    assert {u.split(" ")[0].split("?")[0] for u in no_outbound_requests} <= {
        "https://data.streamlit.io/metrics.json"
    }
    no_outbound_requests.clear()
