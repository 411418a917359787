"""A place typed or shared in the directory search reaches no log, file or table of the real server.

Uses the core test's gunicorn server (harbour/gunicorn.conf.py, its own state
directory and database, the demo directory loaded, a probe standing for a
careless log handler) and searches everything it could have written.
"""

from __future__ import annotations

from pathlib import Path

from harbour.core.tests.test_no_client_trace import (  # noqa: F401 - `server` is a fixture
    Marker,
    _search_files,
    _search_tables,
    server,
)

SEARCHES = (
    "/en/directory/?place=M5V+2T6&need=shelter",
    "/fr/directory/?postcode=M5V2T6&need=legal-aid",
    "/es/directory/?place=Atlantisville",
    "/en/directory/?lat=58.1234&lon=-99.4321&need=food",
    "/en/directory/?q=Harbour&place=M5V%202T6&status_safe=on&free=on&open_now=on",
)
MARKERS = [
    Marker("postcode M5V 2T6", (b"m5v 2t6", b"m5v+2t6", b"m5v2t6", b"m5v%202t6")),
    Marker("typed place Atlantisville", (b"atlantisville",)),
    Marker("shared point 58.1234,-99.4321", (b"58.1234", b"-99.4321", b"lat=58.12", b"lon=-99.43")),
]


def test_a_searched_place_reaches_no_log_file_or_table(server, tmp_path: Path):  # noqa: F811
    for path in SEARCHES:
        reply = server.request("GET", path)
        assert reply.status == 200, f"{path} answered {reply.status}"
        assert "Atlantisville" not in path or "Atlantisville" in reply.body  # kept in the form, nowhere else
    server.stop()
    found = _search_files(server.base, MARKERS, skip_postcode=set())
    found += _search_tables(server.database, tmp_path / "table-copy", MARKERS, signed_in=False)
    assert not found, "a searched place reached disk:\n  " + "\n  ".join(found)
    # The searches were served and logged, by path only.
    access_log = server.stdout.read_text(encoding="utf-8", errors="replace")
    assert '"GET /en/directory/" 200' in access_log
