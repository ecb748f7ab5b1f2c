"""Alembic migrations of the case store, run in code by :func:`lms_board.store.open_store`.

To change the schema: edit ``lms_board/store/schema.py``, then add a revision next to
``versions/v0001_initial.py`` (``versions/v0002_<what>.py`` with ``down_revision = "0001"``;
``script.py.mako`` is the template ``alembic revision`` uses). The test
``test_migrations_build_exactly_the_schema_the_store_uses`` fails until both agree.
"""
