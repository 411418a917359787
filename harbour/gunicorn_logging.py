"""Gunicorn's access log, with secret tokens cut out of the paths it records."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

# Invitation and password-reset links carry their token in the path; a path may hold a
# line break (%0A) that would forge a log line. Both are handled where Django's logs are.
from harbour.core.logs import redact_path

__all__ = ["RedactingLogger", "redact_path"]


class RedactingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
