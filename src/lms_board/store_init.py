"""``python -m lms_board.store_init``: open (and migrate) the store; load the demo cases once.

``make run`` (``lms-board serve``) calls it before starting Streamlit. The demo cases go into a
store that has never held a case; a store in use is left as it is. Cases deleted more than 30
days ago are purged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from lms_board.store import current_user, open_store


def main(argv: Sequence[str] | None = None) -> int:
    del argv  # no options
    store = open_store()
    user = current_user(None)
    purged = store.purge_expired(user)
    if purged:
        print(f"store {store.url}: purged {len(purged)} case(s) deleted more than 30 days ago")
    loaded = store.load_demo_cases_if_empty(user)
    if loaded:
        print(f"store {store.url}: loaded {loaded} demo case(s)")
    else:
        print(f"store {store.url}: {store.count()} case(s); demo cases not loaded (store in use)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
