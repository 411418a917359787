"""The one header the offline worker needs: its file lives under /static/, the pages it keeps under /<language>/rights/.

Imported by settings.py (WhiteNoise takes a function, not a dotted path), so it imports nothing from Django.
"""

from __future__ import annotations

import re

OFFLINE_WORKER = re.compile(r"/rights/offline(\.[0-9a-f]{12})?\.js$")


def add_service_worker_scope(headers: dict[str, str], path: str, url: str) -> None:
    """WhiteNoise hook: lets the rights offline worker control pages outside /static/."""
    if OFFLINE_WORKER.search(url):
        headers["Service-Worker-Allowed"] = "/"
