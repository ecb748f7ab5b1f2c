"""``lms-board serve``: start the dashboard with every hardened server option on the command line.

Streamlit reads ``.streamlit/config.toml`` from the working directory only, so a server
started elsewhere would listen on every interface, send usage statistics, show tracebacks and
take 200 MB uploads. ``serve`` passes the repository's ``.streamlit/config.toml`` and, over it,
:data:`HARDENED` as explicit options, whatever the working directory; ``make run`` uses it.

It refuses (exit 2, with the reason) to listen beyond the loopback interface unless a login
(``[auth]`` in the secrets file) is configured. Before starting it opens the store (applying
migrations), loads the demo cases into a store that never held one, and purges the cases
deleted more than 30 days ago.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lms_board.cli_support import EXIT_BAD_INPUT, say

#: Exit code when the server is not started (unsafe address, unreadable secrets).
EXIT_REFUSED = EXIT_BAD_INPUT

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "streamlit_app" / "app.py"
LAUNCHER = REPO_ROOT / "streamlit_app" / "launch.py"
CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
#: Where the login settings live; ``LMS_BOARD_SECRETS`` names another file.
SECRETS = REPO_ROOT / ".streamlit" / "secrets.toml"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")

#: Options every LMS Board server runs with, and why (checked again by the app at each run).
HARDENED: dict[str, Any] = {
    "server.headless": True,
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "server.enableStaticServing": False,
    "server.maxUploadSize": 5,
    "server.runOnSave": False,
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": False,
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "global.developmentMode": False,
    "runner.magicEnabled": False,
}
MAX_UPLOAD_MB = 10


def is_loopback(address: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost`` (an empty address means every interface)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _allowed_hosts_ok(value: Any) -> bool:
    hosts = list(value or [])
    return bool(hosts) and not any(str(h).strip() in ("*", "") for h in hosts)


#: option -> (is it hardened?, what it must be), for the app's own check of a running server.
REQUIRED: dict[str, tuple[Callable[[Any], bool], str]] = {
    "server.enableXsrfProtection": (lambda v: v is True, "true"),
    "server.enableCORS": (lambda v: v is True, "true"),
    "server.enableStaticServing": (lambda v: v is False, "false"),
    "server.maxUploadSize": (
        lambda v: isinstance(v, int) and 0 < v <= MAX_UPLOAD_MB,
        f"1..{MAX_UPLOAD_MB} (MB)",
    ),
    "browser.gatherUsageStats": (lambda v: v is False, "false"),
    "client.showErrorDetails": (lambda v: v in ("none", False), '"none"'),
    "server.allowedHosts": (_allowed_hosts_ok, "a list of this server's host names"),
}


def config_problems(get_option: Callable[[str], Any], *, login: bool) -> list[str]:
    """What is not hardened in a server's effective configuration (``st.get_option``)."""
    problems = [
        f"{name} is {get_option(name)!r}; it must be {want}"
        for name, (check, want) in REQUIRED.items()
        if not check(get_option(name))
    ]
    address = str(get_option("server.address") or "")
    if not login and not is_loopback(address):
        shown = address or "every interface"
        problems.append(
            f"server.address is {shown}: without a login ([auth] in secrets.toml) the app "
            "listens on 127.0.0.1 only"
        )
    return problems


def server_summary(get_option: Callable[[str], Any]) -> str:
    """The running server's effective settings in one line (About shows it)."""
    address = str(get_option("server.address") or "every interface")
    hosts = ", ".join(str(h) for h in get_option("server.allowedHosts") or []) or "any"
    return (
        f"Server: {address}:{get_option('server.port')} · hosts {hosts} · uploads ≤ "
        f"{get_option('server.maxUploadSize')} MB · usage statistics "
        f"{'on' if get_option('browser.gatherUsageStats') else 'off'} · error details "
        f"{get_option('client.showErrorDetails')} · XSRF "
        f"{'on' if get_option('server.enableXsrfProtection') else 'off'} · CORS "
        f"{'on' if get_option('server.enableCORS') else 'off'}"
    )


def login_configured(secrets: Mapping[str, Any]) -> bool:
    """An ``[auth]`` section with the settings ``st.login`` needs."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping) or not auth.get("cookie_secret"):
        return False
    providers = [auth, *(v for v in auth.values() if isinstance(v, Mapping))]
    return bool(auth.get("redirect_uri")) and any(
        p.get("client_id") and p.get("server_metadata_url") for p in providers
    )


def secrets_file(env: Mapping[str, str] | None = None) -> Path:
    source = os.environ if env is None else env
    named = source.get("LMS_BOARD_SECRETS", "").strip()
    return Path(named).resolve() if named else SECRETS


def read_secrets(path: Path) -> dict[str, Any]:
    """The secrets file as a dict (``{}`` when there is none); ``ValueError`` if unreadable."""
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None


def _flag(name: str, value: Any) -> list[str]:
    if isinstance(value, list):
        return [part for item in value for part in (f"--{name}", str(item))]
    if isinstance(value, bool):
        value = "true" if value else "false"
    return [f"--{name}", str(value)]


def _config_file_options(path: Path = CONFIG) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        data = tomllib.load(f)
    return {
        f"{section}.{key}": value
        for section, options in data.items()
        if isinstance(options, dict)
        for key, value in options.items()
    }


def streamlit_options(
    address: str, port: int, hosts: Sequence[str], secrets: Path
) -> dict[str, Any]:
    """Every option the server gets on its command line: the repository's config file,
    then the hardened values, the address, port, allowed host names and secrets file."""
    options = _config_file_options()
    options.update(HARDENED)
    allowed = list(dict.fromkeys([*LOOPBACK_HOSTS, *hosts]))
    if not is_loopback(address) and address not in ("", "0.0.0.0", "::"):  # noqa: S104
        allowed.append(address)
    options.update(
        {
            "server.address": address,
            "server.port": port,
            "server.allowedHosts": allowed,
            "browser.serverAddress": hosts[0] if hosts else "localhost",
            "browser.serverPort": port,
            "secrets.files": [str(secrets)],
        }
    )
    return options


def command(options: Mapping[str, Any]) -> list[str]:
    """``python streamlit_app/launch.py run streamlit_app/app.py --option value ...``."""
    flags = [part for name, value in options.items() for part in _flag(name, value)]
    return [sys.executable, str(LAUNCHER), "run", str(APP), *flags]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="start the dashboard with the hardened server options (what make run does)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--address", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name users reach the server by (repeatable); other Host headers are "
        "refused (DNS rebinding)",
    )
    p.add_argument("--no-init", action="store_true", help="do not open or prepare the store")
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    secrets = secrets_file()
    try:
        login = login_configured(read_secrets(secrets))
    except ValueError as exc:
        say(str(exc))
        return EXIT_REFUSED
    if not is_loopback(args.address) and not login:
        say(
            f"refusing to listen on {args.address or 'every interface'}: no login "
            f"is configured ([auth] in {secrets}), so anyone who reaches the port could read "
            "and change every case. Configure the login (docs/deployment.md), or listen on "
            "127.0.0.1."
        )
        return EXIT_REFUSED
    if not APP.is_file() or not LAUNCHER.is_file():
        say(f"the dashboard is not beside this package ({APP})")
        return EXIT_REFUSED
    if not args.no_init:
        from lms_board.store_init import main as store_init

        store_init([])
    argv = command(streamlit_options(args.address, args.port, args.host, secrets))
    sys.stdout.flush()
    os.execv(argv[0], argv)  # noqa: S606  # our interpreter and our launcher
    return 0  # not reached
