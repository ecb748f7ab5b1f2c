"""``python -m lms_board``: the same CLI as ``lms-board``."""

from lms_board.cli import main

raise SystemExit(main())
