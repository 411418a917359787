"""What may reach a log line: no credential, no token, no request header value, no forged line.

Django's own loggers write the request path on every 4xx answer (`django.request`), the
Origin or Referer a browser sent when the CSRF check fails (`django.security.csrf`) and the
Host header of a refused host (`django.security.DisallowedHost`). Invitation, reset and
unsubscribe links carry their token in the path, so a log reader could take over an account.
`ForgetfulLogFilter`, on every handler, rewrites those records to a fixed description and
the path with tokens cut out, and escapes control characters in every message, so a path
holding a line break cannot start a line of its own. The access log uses `log_path` too.
"""

from __future__ import annotations

import contextlib
import logging
import re

# A path segment this long and random is a credential, not a page name.
_TOKEN_SEGMENT = re.compile(r"/[A-Za-z0-9_\-]{32,}(?=/|$)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group(0)):02x}"


def printable(text: str) -> str:
    """The text on one line: control characters (line breaks among them) written as \\xNN."""
    return _CONTROL.sub(_escape, text)


def redact_path(path: str) -> str:
    """A path fit for a log: tokens replaced by [token], control characters escaped."""
    return printable(_TOKEN_SEGMENT.sub("/[token]", path))


def log_path(path: str) -> str:
    return redact_path(path.split("?", 1)[0])


class ForgetfulLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = log_path(str(getattr(request, "path", "") or ""))
        if record.name == "django.security.csrf":
            # The reason may quote the Origin or Referer sent; its first words say which check failed.
            reason = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
            record.msg, record.args = "Forbidden (%s): %s", (reason.split(" - ")[0].split("%")[0], path)
        elif record.name.startswith("django.security."):
            # DisallowedHost and other refusals quote the header or value they refused, in the
            # message and in the exception's traceback.
            record.msg, record.args = "%s refused: %s", (record.name.rsplit(".", 1)[-1], path)
            record.exc_info, record.exc_text = None, None
        elif record.name in ("django.request", "django.server") and request is not None:
            status = getattr(record, "status_code", "")
            record.msg, record.args = "%s %s %s", (status, getattr(request, "method", ""), path)
        else:
            # Arguments that do not fit the message are left for logging to report.
            with contextlib.suppress(TypeError, ValueError):
                record.msg, record.args = printable(record.getMessage()), None
        return True
