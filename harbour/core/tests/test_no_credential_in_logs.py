"""No live token, credential or request header value reaches a log line, and no request can forge one.

This drives the real server (gunicorn, as test_no_client_trace.py does) through each 4xx answer
a link with a token can meet: a CSRF refusal, a refused Origin, a bad request, a page not found
under the token, a refused Host header, and a path holding a line break. The tokens are live
(an invitation and a password reset made for the test), so a log that kept one would let its
reader take over an account. Then it reads every line gunicorn and Django wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

from django.urls import reverse
from django.utils import translation

from harbour.core.tests.test_no_client_trace import BASE_DIR, REQUEST_SECONDS, Server, server  # noqa: F401

ORIGIN_MARKER = "https://origin-marker-q7x.invalid"
HOST_MARKER = "host-marker-q7x.invalid"
FORGED = "FORGED-LINE-q7x"

MAKE_TOKENS = """
import json, secrets
import django
django.setup()
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from harbour.network import actions
from harbour.network.models import Invitation, Member, token_digest
member = Member.objects.filter(is_active=True).order_by("pk").first()
token = secrets.token_urlsafe(32)
Invitation.objects.create(
    organisation=member.organisation, email="new-colleague@example.org", role=member.organisation.roles_allowed()[0],
    token_digest=token_digest(token), invited_by=member, expires_at=Invitation.default_expiry(),
)
print(json.dumps({
    "invitation": token,
    "uid": urlsafe_base64_encode(force_bytes(member.pk)),
    "reset": default_token_generator.make_token(member),
    "unsubscribe": actions.unsubscribe_token(member),
}))
"""


def _live_tokens(running: Server) -> dict[str, str]:
    """Made in the server's database; kept in memory only, never in a file the search reads."""
    env = {key: value for key, value in running.env.items() if key != "HARBOUR_TEST_PROBE_LOG"}
    result = subprocess.run(
        [sys.executable, "-c", MAKE_TOKENS], cwd=BASE_DIR, env=env, capture_output=True, timeout=60, check=True
    )
    tokens: dict[str, str] = json.loads(result.stdout.decode().strip().splitlines()[-1])
    return tokens


def _send(running: Server, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> int:
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1:<port>
        running.origin + path, data=body if method == "POST" else None, headers=headers or {}, method=method
    )
    if method == "POST":
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with running.opener().open(request, timeout=REQUEST_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_no_token_or_header_value_reaches_any_log_and_no_line_is_forged(server: Server) -> None:  # noqa: F811
    tokens = _live_tokens(server)
    with translation.override("en"):
        invitation = reverse("network:invitation_accept", kwargs={"token": tokens["invitation"]})
        reset = reverse("network:password_reset_confirm", kwargs={"uidb64": tokens["uid"], "token": tokens["reset"]})
        wrong_member = reverse("network:password_reset_confirm", kwargs={"uidb64": "OTk5OTk", "token": tokens["reset"]})
        unsubscribe = reverse("network:unsubscribe", kwargs={"token": tokens["unsubscribe"]})
    password = b"password1=river+lantern+orchard&password2=river+lantern+orchard&full_name=X"

    assert _send(server, "GET", invitation) == 200  # the token is live
    assert _send(server, "POST", invitation, body=password) == 403  # no CSRF cookie
    assert _send(server, "POST", reset, {"Origin": ORIGIN_MARKER}, password) == 403  # a refused Origin
    assert _send(server, "POST", unsubscribe + "x/", {"Origin": ORIGIN_MARKER}) == 404
    assert _send(server, "GET", wrong_member) == 400  # a reset token with another member's id
    assert _send(server, "GET", invitation + "nothing-here/") == 404
    assert _send(server, "GET", "/en/", {"Host": HOST_MARKER}) == 400  # DisallowedHost quotes the header
    assert _send(server, "GET", f"/en/%0D%0A{FORGED}%20ERROR%20django.request/") == 404
    server.stop()

    logs = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in (server.stdout, server.stderr)}
    secrets_sent = {
        "invitation token": tokens["invitation"],
        "reset token": tokens["reset"],
        "the reset token's hash": tokens["reset"].rsplit("-", 1)[-1],
        "unsubscribe token": tokens["unsubscribe"],
        "Origin header": ORIGIN_MARKER.split("//")[1],
        "Host header": HOST_MARKER,
    }
    found = [
        f"{label} in {name}: {line[:200]!r}"
        for name, text in logs.items()
        for line in text.splitlines()
        for label, secret in secrets_sent.items()
        if secret in line
    ]
    lines = [(name, line) for name, text in logs.items() for line in text.splitlines()]
    forged = [f"{name}: {line!r}" for name, line in lines if line.startswith(FORGED)]
    assert not found, "reached a log:\n  " + "\n  ".join(found)
    assert not forged, "a request forged a log line:\n  " + "\n  ".join(forged)
    # The answers were logged all the same, with the token cut out and the line break escaped.
    everything = "\n".join(logs.values())
    assert "Forbidden (Origin checking failed)" in everything and "[token]" in everything
    assert "DisallowedHost refused" in everything
    assert f"\\x0d\\x0a{FORGED}" in everything
