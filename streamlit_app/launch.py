"""Run Streamlit in this process with its network lookups switched off (``lms-board serve``).

Streamlit looks up the machine's external IP address (an HTTP request to checkip.amazonaws.com)
and its internal one (a UDP socket towards 8.8.8.8) to decide whether a cross-origin request
comes from the server itself, on every such request. LMS Board talks to no one but its users:
both lookups answer "unknown" here, so a foreign origin is simply refused.
"""

from __future__ import annotations

import sys

from streamlit_app.hardening import no_network_lookups

if __name__ == "__main__":
    no_network_lookups()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())
