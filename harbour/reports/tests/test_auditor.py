"""An auditor's check through the real server: a report leaves no address, user agent, text, receipt or GPS behind.

It runs gunicorn as harbour/core/tests/test_no_client_trace.py does (its own state directory,
SQLite database and the probe standing for a careless log handler), submits a report with a
photo carrying GPS and a camera name, returns with the receipt, tries a wrong one, then stops
the server and searches every file it could have written (logs, database, stored files) and
every row of every table.
"""

from __future__ import annotations

import re
import secrets
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar

from harbour.core.tests.test_no_client_trace import (  # noqa: F401 - `server` is a fixture
    FORWARDED_IP,
    USER_AGENT,
    Marker,
    Reply,
    Server,
    _csrf_token,
    _manage,
    _markers,
    _search_files,
    _search_tables,
    server,
)
from harbour.reports.tests.helpers import GPS_MARKER, jpeg_with_gps

TEXT_MARKER = "ReportTextMarkerQ7v2"
SET_UP = (
    "from harbour.network.models import Member;"
    "from harbour.reports import actions;"
    "from harbour.reports.models import ReportReceiver;"
    "admin = Member.objects.get(email='admin@demo.harbour.invalid');"
    "ReportReceiver.objects.update_or_create(organisation=admin.organisation, defaults={'accepts_reports': True});"
    "actions.member_key_set_up(request=None, member=admin, password='harbour-demo-only')"
)


def _post_multipart(
    running: Server, path: str, fields: dict[str, str], files: list[tuple[str, str, bytes]], cookies: CookieJar
) -> Reply:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for field, filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {
        "Accept-Encoding": "identity",
        "User-Agent": USER_AGENT,
        "X-Forwarded-For": FORWARDED_IP,
        "X-Real-IP": FORWARDED_IP,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    request = urllib.request.Request(running.origin + path, data=body, headers=headers, method="POST")  # noqa: S310
    running.sent.append(("POST", path))
    try:
        with running.opener(cookies).open(request, timeout=30) as response:
            return Reply(response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read().decode("utf-8", "replace"))


def test_a_report_through_the_real_server_leaves_nothing_that_identifies_or_reads(server, tmp_path):  # noqa: F811
    _manage(server.env, server.base / "logs", "shell", "-c", SET_UP)
    cookies = CookieJar()
    start = server.request("GET", "/en/report/", cookies=cookies)
    receiver = re.search(r'name="to" value="(\d+)"', start.body)
    assert start.status == 200 and receiver, start.body[-2000:]
    form = server.request("GET", f"/en/report/write/?to={receiver.group(1)}", cookies=cookies)
    sent = _post_multipart(
        server,
        "/en/report/write/",
        {
            "csrfmiddlewaretoken": _csrf_token(form.body),
            "to": receiver.group(1),
            "work": f"{TEXT_MARKER} greenhouse",
            "now": f"{TEXT_MARKER} they keep our passports",
        },
        [("files", "IMG_2231.jpg", jpeg_with_gps())],
        cookies,
    )
    receipt = re.search(r"<strong>(\d{4} \d{4} \d{4} \d{4})</strong>", sent.body)
    assert sent.status == 200 and receipt, sent.body[-2000:]
    back = server.request(
        "POST",
        "/en/report/return/",
        cookies=cookies,
        data={"csrfmiddlewaretoken": _csrf_token(sent.body), "receipt": receipt.group(1)},
    )
    assert back.status == 200 and "Your report" in back.body
    wrong = "".join(secrets.choice("0123456789") for _ in range(16))
    refused = server.request(
        "POST",
        "/en/report/return/",
        cookies=cookies,
        data={"csrfmiddlewaretoken": _csrf_token(sent.body), "receipt": wrong},
    )
    assert refused.status == 400
    server.stop()

    digits = receipt.group(1).replace(" ", "")
    markers = [
        *_markers(server.peer_ip),
        Marker("the report's text", (TEXT_MARKER.lower().encode(),)),
        Marker("the receipt", (digits.encode(), receipt.group(1).encode())),
        Marker("the photo's camera name", (GPS_MARKER.lower().encode(),)),
        Marker("the photo's original name", (b"img_2231",)),
    ]
    found = _search_files(server.base, markers, skip_postcode={server.probe_log})
    found += _search_tables(server.database, tmp_path / "table-copy", markers, signed_in=False)
    assert not found, "a report left a trace:\n  " + "\n  ".join(found)
    stored = list((server.base / "state" / "media" / "reports").iterdir())
    assert len(stored) == 1
