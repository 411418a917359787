"""The call log's retention: a call is counted, then forgotten (run by core's daily run_retention)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from harbour.core import retention
from harbour.respond.models import Call


def _calls_due(now: datetime) -> models.QuerySet[Any]:
    return Call.system_objects.filter(hour__lt=now - timedelta(days=settings.HARBOUR_CALL_LOG_DAYS))


retention.register("respond: hotline calls", due=_calls_due)
