"""Structured logs: one JSON object a line, for a log collector (HARBOUR_LOG_FORMAT=json).

A line holds the time (to the second), the level, the logger and the message,
nothing of the request: Harbour's own messages name no person, and the access
log names no client (harbour/gunicorn.conf.py). An exception is given as its
type and the file and line it came from; its message is left out, since a
database error can quote the values of the row it refused.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            if frames:
                line["where"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return json.dumps(line, ensure_ascii=True)
