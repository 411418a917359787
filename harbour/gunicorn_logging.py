"""Gunicorn's access log, with secret tokens cut out of the paths it records."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# Invitation and password-reset links carry their token in the path. A path
# segment this long and random is a credential, not a page name.
_TOKEN_SEGMENT = re.compile(r"/[A-Za-z0-9_\-]{32,}(?=/|$)")


def redact_path(path: str) -> str:
    return _TOKEN_SEGMENT.sub("/[token]", path)


class RedactingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
