"""Attacks on the dashboard through Streamlit's AppTest, as issue 11 found them: a login that
was not enforced, a delete nobody confirmed, a save after a concurrent delete, ABA, and drafts
shared between browser sessions. Each failed on the code before the fix."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import (
    APP,
    REPO_ROOT,
    TIMEOUT,
    assert_ok,
    data_dir,
    fill_form,
    goto,
    load_demo,
    new_session,
    open_case,
    texts,
    widget_values,
)

from lms_board.demo import demo_case, demo_cases
from lms_board.intake import duplicate_case
from lms_board.store import DuplicateCaseError, open_store

__all__ = ["data_dir"]  # the fixture, shared with test_pages

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "lms-board",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "lms_board": {"roles_claim": "lms_board_role", "coordinators": ["sub-coord"]},
}
#: Pages that read the store without an open case (the others need one from the session).
PAGE_FILES = [REPO_ROOT / "pages" / f"{name}.py" for name in ("board", "present", "deleted")]


def signed(user: dict[str, Any] | None, page: Path = APP) -> AppTest:
    at = AppTest.from_file(str(page), default_timeout=TIMEOUT)
    at.secrets = AUTH
    if user is not None:
        at.user = {"is_logged_in": True, **user}
    else:
        at.user = {"is_logged_in": False}
    at.run()
    assert_ok(at)
    return at


def demo_loaded() -> None:
    open_store().load_demo_cases_if_empty("setup")


# -- 1. login configured but not required ------------------------------------------------------


@pytest.mark.parametrize("page_file", [APP, *PAGE_FILES], ids=lambda p: p.name)
def test_with_auth_configured_no_page_shows_anything_before_sign_in(
    data_dir: Path, page_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry point shows the sign-in page only; a page script run by itself (as no
    server runs it, but as a check in depth) stops before reading any case too."""
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    demo_loaded()
    at = signed(None, page_file)
    shown = texts(at)
    assert "DEMO-0" not in shown and "Working as" not in shown, shown[:500]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.selectbox


def test_signed_in_coordinator_is_named_by_subject_in_about_and_audit(data_dir: Path) -> None:
    demo_loaded()
    at = signed({"sub": "sub-coord", "name": "Dr Coordinator", "email": "c@x.example"})
    assert "Signed in as Dr Coordinator (sub-coord), coordinator" in texts(at)
    at.selectbox(key="board_pick").set_value("DEMO-02").run()
    at.get_by_key("board_status_DEMO-02").set_value("ready").run()
    assert_ok(at)
    assert open_store().audit_log("DEMO-02")[-1].user == "sub-coord"


def test_a_viewer_reads_but_cannot_change(data_dir: Path) -> None:
    demo_loaded()
    at = signed({"sub": "v-1", "name": "Vera", "lms_board_role": "viewer"})
    assert "Signed in as Vera (v-1), viewer" in texts(at)
    assert f"{len(demo_cases())} case(s) in the store" in texts(at)
    labels = {b.label for b in at.button}
    assert not labels & {"New case", "Load the demo cases", "Edit", "Delete", "Duplicate"}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/intake.py")  # not in a viewer's navigation


def test_the_intake_page_itself_refuses_a_viewer(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    at = signed({"sub": "v-1", "lms_board_role": "viewer"}, REPO_ROOT / "pages" / "intake.py")
    assert "for coordinators" in texts(at)
    assert not [w for w in at.text_input if str(w.key).startswith("intake_w:")]


def test_signed_in_without_a_role_sees_no_case(data_dir: Path) -> None:
    demo_loaded()
    at = signed({"sub": "stranger", "name": "Stranger"})
    assert "no LMS Board role" in texts(at) and "DEMO-0" not in texts(at)


# -- 2. a delete nobody confirmed ---------------------------------------------------------------


def _popover_checkbox(at: AppTest, case_id: str) -> Any:
    return next(c for c in at.checkbox if c.label.startswith(f"Yes, delete {case_id}"))


def _delete_button(at: AppTest) -> Any:
    return next(b for b in at.button if b.label == "Delete")


def _ui_delete(at: AppTest, case_id: str) -> None:
    at.selectbox(key="board_pick").set_value(case_id).run()
    _popover_checkbox(at, case_id).check().run()
    _delete_button(at).click().run()
    assert_ok(at)


def test_delete_after_the_ticked_case_vanished_deletes_nothing_else(data_dir: Path) -> None:
    alice = new_session()
    load_demo(alice)
    alice.selectbox(key="board_pick").set_value("DEMO-02").run()
    _popover_checkbox(alice, "DEMO-02").check().run()
    _ui_delete(new_session(), "DEMO-02")  # another session deletes DEMO-02
    _delete_button(alice).click().run()
    assert_ok(alice)
    assert open_store().get("DEMO-01") is not None
    assert len(open_store().list_cases()) == len(demo_cases()) - 1


def test_delete_after_switching_the_selection_deletes_nothing(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    at.selectbox(key="board_pick").set_value("DEMO-04").run()
    _popover_checkbox(at, "DEMO-04").check().run()
    at.selectbox(key="board_pick").set_value("DEMO-03").run()
    button = _delete_button(at)
    if not button.disabled:  # a browser cannot click a disabled button
        button.click().run()
    assert_ok(at)
    assert {"DEMO-03", "DEMO-04"} <= {s.case_id for s in open_store().list_cases()}


# -- 9. save after a concurrent delete; ABA ------------------------------------------------------


def _editing(case_id: str, edit: dict[str, Any]) -> AppTest:
    demo_loaded()
    at = new_session()
    open_case(at, case_id)
    goto(at, "intake")
    fill_form(at, edit)
    assert f"Editing {case_id} (version 1)" in texts(at)
    return at


def test_save_after_a_concurrent_delete_says_so_and_keeps_the_draft(data_dir: Path) -> None:
    edit = {"tumor.location": "left thigh, typed before the delete"}
    alice = _editing("DEMO-01", edit)
    _ui_delete(new_session(), "DEMO-01")
    alice.button(key="intake_save").click().run()
    assert_ok(alice)
    shown = texts(alice)
    assert "deleted" in shown and "kept as your draft" in shown, shown[-400:]
    assert open_store().get("DEMO-01") is None  # not brought back by the save
    later = goto(new_session(), "intake")
    offers = [b for b in later.button if str(b.key).startswith("intake_restore_DEMO-01")]
    assert offers, [b.label for b in later.button]
    offers[0].click().run()
    assert_ok(later)
    assert widget_values(later, list(edit)) == edit


def test_aba_an_old_edit_never_replaces_a_new_case_with_the_same_id(data_dir: Path) -> None:
    alice = _editing("DEMO-01", {"tumor.location": "alice's stale edit"})
    _ui_delete(new_session(), "DEMO-01")
    store = open_store()
    newcomer = duplicate_case(demo_case("DEMO-02"), "DEMO-01")
    try:
        store.create(newcomer, "carol")
    except DuplicateCaseError:  # the deleted case keeps its id until it is purged
        [gone] = store.deleted_cases()
        store.purge_expired("sweeper", now=gone.deleted_at + timedelta(days=31))
        store.create(newcomer, "carol")
    alice.button(key="intake_save").click().run()
    assert_ok(alice)
    stored = open_store().get("DEMO-01")
    assert stored is not None and stored.case.tumor == newcomer.tumor
    assert stored.version == 1


# -- 10. drafts shared between browser sessions; the id "new" ------------------------------------


def test_two_browser_sessions_of_a_local_user_keep_separate_drafts(data_dir: Path) -> None:
    first = goto(new_session(), "intake")
    fill_form(first, {"case_id": "MINE-1", "question": "first session's question"})
    second = goto(new_session(), "intake")
    assert widget_values(second, ["case_id", "question"]) == {"case_id": "", "question": ""}
    fill_form(second, {"case_id": "THEIRS-2", "question": "second session's question"})
    first.run()
    assert widget_values(first, ["case_id"]) == {"case_id": "MINE-1"}
    drafts = open_store().list_drafts("local:tester")
    assert len(drafts) == 2


def test_a_case_called_new_does_not_share_the_new_case_draft(data_dir: Path) -> None:
    open_store().create(duplicate_case(demo_case("DEMO-01"), "new"), "setup")
    at = goto(new_session(), "intake")
    fill_form(at, {"case_id": "DRAFT-X", "question": "a brand new case"})
    open_case(at, "new")
    goto(at, "intake")
    assert widget_values(at, ["case_id"]) == {"case_id": "new"}
    assert widget_values(at, ["question"])["question"] != "a brand new case"


def test_an_edit_of_a_deleted_case_can_be_saved_as_a_new_case(data_dir: Path) -> None:
    edit = {"tumor.location": "kept from the deleted case"}
    alice = _editing("DEMO-01", edit)
    _ui_delete(new_session(), "DEMO-01")
    alice.button(key="intake_save").click().run()
    alice.button(key="intake_as_new").click().run()
    assert_ok(alice)
    assert "New case" in texts(alice)
    fill_form(alice, {"case_id": "DEMO-01-B"})
    alice.button(key="intake_save").click().run()
    assert_ok(alice)
    saved = open_store().get("DEMO-01-B")
    assert saved is not None and saved.case.tumor.location == edit["tumor.location"]


# -- 7. an upload parsed again on every rerun ----------------------------------------------------


def test_an_upload_is_parsed_once_not_on_every_rerun(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    from streamlit_app.components import board

    calls: list[str] = []
    real = board.read_upload

    def counted(name: str, data: bytes) -> Any:
        calls.append(name)
        return real(name, data)

    monkeypatch.setattr(board, "read_upload", counted)
    at = new_session()
    case = demo_case("DEMO-01")
    at.file_uploader(key="board_upload_0").set_value(
        [("case.json", case.to_json().encode(), "application/json")]
    ).run()
    for _ in range(3):  # any click elsewhere reruns the page
        at.run()
    assert_ok(at)
    assert calls == ["case.json"]
