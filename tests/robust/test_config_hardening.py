"""The hardened server settings of ``.streamlit/config.toml`` (design.md), read with tomllib,
and as Streamlit itself resolves them when it starts from the repo root."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from typing import Any

import pytest
from conftest import REPO_ROOT

CONFIG = REPO_ROOT / ".streamlit" / "config.toml"

#: (section, option, check, what it must be)
HARDENED: tuple[tuple[str, str, Any, str], ...] = (
    ("server", "enableXsrfProtection", lambda v: v is True, "true (XSRF protection on)"),
    ("server", "enableCORS", lambda v: v is True, "true (CORS protection on)"),
    ("server", "enableStaticServing", lambda v: v is False, "false (no static files served)"),
    ("server", "maxUploadSize", lambda v: isinstance(v, int) and 0 < v <= 10, "1..10 MB"),
    ("server", "address", lambda v: v == "127.0.0.1", '"127.0.0.1" (loopback only)'),
    ("server", "headless", lambda v: v is True, "true"),
    ("browser", "gatherUsageStats", lambda v: v is False, "false (no usage statistics)"),
    ("client", "showErrorDetails", lambda v: v == "none", '"none" (no tracebacks in the browser)'),
)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    with CONFIG.open("rb") as f:
        return tomllib.load(f)


@pytest.mark.parametrize(
    ("section", "option", "check", "want"), HARDENED, ids=[f"{s}.{o}" for s, o, _, _ in HARDENED]
)
def test_config_is_hardened(
    config: dict[str, Any], section: str, option: str, check: Any, want: str
) -> None:
    value = config.get(section, {}).get(option)
    assert check(value), f"{CONFIG.name}: [{section}] {option} = {value!r}; must be {want}"


def test_no_secrets_file_next_to_the_config() -> None:
    assert not (CONFIG.parent / "secrets.toml").exists()


def test_streamlit_resolves_the_same_settings() -> None:
    """Streamlit, started from the repo root, reads the file and keeps every hardened value."""
    names = [f"{s}.{o}" for s, o, _, _ in HARDENED]
    code = (
        "import sys\nfrom streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "for name in sys.argv[1:]:\n    print(name, repr(config.get_option(name)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    resolved = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    for section, option, check, want in HARDENED:
        value = ast.literal_eval(resolved[f"{section}.{option}"])
        assert check(value), f"streamlit resolves {section}.{option} = {value!r}; must be {want}"
