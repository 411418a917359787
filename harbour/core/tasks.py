"""The one way Harbour defers work (emails, imports, expiry jobs).

Callers name a task and its arguments; the backend in settings.TASKS decides
where it runs: in-process right after the transaction commits on the embedded
default, or on a real queue with separate workers at scale (docs/scale.md).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task


def defer(task: Task[Any, Any], /, **kwargs: Any) -> None:
    """Run `task` once the current transaction commits, so it never sees rolled-back data."""
    transaction.on_commit(lambda: task.enqueue(**kwargs))
