"""Fixtures shared by every app's tests: the cast, fast hashing, and a clean audit purge window.

The browser fixtures (one Chromium for the session, the live server, pages with
and without JavaScript) come from `harbour/core/tests/browser/harness.py` and are
registered here, so every app's browser tests share the one Playwright driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.utils import translation

from harbour.core import crypto
from harbour.testing import Cast, make_cast

pytest_plugins = ["harbour.core.tests.browser.harness"]

_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _uses_the_database(item: pytest.Item) -> bool:
    """Whether a test touches the engine under test: the test database, or the engine itself (`engine`)."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("engine"):
        return True
    return bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that touch a database.

    A test that never reaches the database runs the same code whatever the engine, and the SQLite run has
    already run it; running it again on PostgreSQL would only double the suite's time. The split is
    computed from each test's fixtures, so a new database test is never left out.
    """
    if not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if _uses_the_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not _uses_the_database(item)])
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: LazySettings) -> None:
    # Argon2 is the real hasher (see test_passwords_are_hashed_with_argon2); tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_between_tests() -> Iterator[None]:
    """Every test starts in the default language: a page in French or Thai leaves its language active
    on the thread, and the next test would render in it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _forget_cached_keys() -> Iterator[None]:
    crypto.forget_unwrapped_keys()
    yield
    crypto.forget_unwrapped_keys()


@pytest.fixture(autouse=True)
def _audit_purge_window_for_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests end with a database flush, which the append-only audit log would refuse."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        names.add("transactional_db" if marker.kwargs.get("transaction") else "db")
    if not names & {"db", "transactional_db", "live_server"}:
        yield
        return
    from harbour.core.audit import audit_purge_window_set

    transactional = bool(names & {"transactional_db", "live_server"})
    request.getfixturevalue("transactional_db" if transactional else "db")
    audit_purge_window_set(allowed=False)
    yield
    if transactional:
        audit_purge_window_set(allowed=True)


@pytest.fixture
def cast(db: Any) -> Cast:
    return make_cast()


@pytest.fixture(autouse=True)
def _session_rewritten_once_per_test(settings: LazySettings) -> None:
    # The idle timeout rewrites the session row once a minute of a member's activity; within a test
    # that would add its three queries to whichever request crosses the minute, and query counts
    # would depend on the machine's speed. Tests of the rewrite set the interval themselves.
    settings.HARBOUR_LAST_SEEN_RESOLUTION_SECONDS = 24 * 3600


@pytest.fixture(autouse=True)
def _own_media_folder(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test stores uploads in a folder of its own: tests run side by side in several processes,
    and one that counts the files it left would otherwise see another's (or the demo's, in var/media)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _no_rotation_grace(settings: LazySettings) -> None:
    settings.HARBOUR_KEY_ROTATION_GRACE_SECONDS = 0
