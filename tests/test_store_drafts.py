"""Listing a user's drafts (CaseStore.list_drafts) against real databases.

Every test taking ``store_url`` runs against a SQLite file and a throw-away PostgreSQL server
(``[postgres]`` skips without the server binaries, see store_pg.py).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from lms_board.store import CaseStore, open_store

pytest_plugins = ["store_pg"]

USER = "alice@example.org"


@pytest.fixture
def store(store_url: str) -> CaseStore:
    return open_store(store_url)


def test_list_drafts_gives_the_keys_under_a_prefix_newest_first(store: CaseStore) -> None:
    before = datetime.now(UTC)
    store.save_draft("alice:DEMO-01", {"form": {"a": 1}}, USER)
    time.sleep(0.01)
    store.save_draft("alice:new", {"form": {}}, USER)
    time.sleep(0.01)
    store.save_draft("bob:DEMO-01", {"form": {}}, "bob")
    store.save_draft("alice:DEMO-03", {"form": {"b": 2}}, USER)
    listed = store.list_drafts("alice:")
    assert [key for key, _ in listed] == ["alice:DEMO-03", "alice:new", "alice:DEMO-01"]
    for _, saved in listed:
        assert saved.tzinfo is not None and before <= saved <= datetime.now(UTC)
    assert [key for key, _ in store.list_drafts("bob:")] == ["bob:DEMO-01"]
    assert store.list_drafts("carol:") == []


def test_resaving_a_draft_moves_it_to_the_top(store: CaseStore) -> None:
    store.save_draft("alice:A", {"form": {}}, USER)
    time.sleep(0.01)
    store.save_draft("alice:B", {"form": {}}, USER)
    time.sleep(0.01)
    store.save_draft("alice:A", {"form": {"x": 1}}, USER)
    assert [key for key, _ in store.list_drafts("alice:")] == ["alice:A", "alice:B"]
    store.clear_draft("alice:A")
    assert [key for key, _ in store.list_drafts("alice:")] == ["alice:B"]


@pytest.mark.parametrize("prefix", ["al%:", "al_ce:", "ALICE:"])
def test_prefix_is_matched_literally_and_case_sensitively(store: CaseStore, prefix: str) -> None:
    store.save_draft("alice:DEMO-01", {"form": {}}, USER)
    store.save_draft("al%:DEMO-02", {"form": {}}, USER)
    store.save_draft("al_ce:DEMO-03", {"form": {}}, USER)
    store.save_draft("ALICE:DEMO-04", {"form": {}}, USER)
    keys = [key for key, _ in store.list_drafts(prefix)]
    assert keys == [
        k for k in ("al%:DEMO-02", "al_ce:DEMO-03", "ALICE:DEMO-04") if k.startswith(prefix)
    ]
