"""Retention: records that expire are deleted by one daily job, whichever app owns them.

An app with expiring records adds a `retention.py` module that registers each
kind once, at import:

    retention.register(
        "screening: paused answers",
        due=lambda now: PausedScreening.system_objects.filter(expires_at__lte=now),
    )

`due(now)` returns what must go (a QuerySet); `delete(due)` deletes it and returns
how many records went (by default the QuerySet's own delete). `manage.py
run_retention` imports every app's `retention` module, then runs each rule in
its own transaction, so one failing rule neither stops nor half-applies another;
`--dry-run` counts without deleting, and lists what would go for a rule that
gives `describe(due)`: one line per record, naming it by what the organisation
knows it by (a case's reference), never by anything about the person. A rule
that deletes person records writes its audit entry itself, with
`audit_write(actor=None, system_actor=name)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Due = Callable[[datetime], "models.QuerySet[Any]"]
Delete = Callable[["models.QuerySet[Any]"], int]
Describe = Callable[["models.QuerySet[Any]"], list[str]]


def delete_all(due: models.QuerySet[Any]) -> int:
    """The default deletion: every record due, through the QuerySet; the count of those records only."""
    deleted, per_model = due.delete()
    return per_model.get(due.model._meta.label, deleted)


@dataclass(frozen=True)
class Rule:
    name: str
    due: Due
    delete: Delete
    describe: Describe | None = None


@dataclass(frozen=True)
class Outcome:
    name: str
    count: int
    error: str = ""
    # In a dry run, what would go, one line each, for a rule that describes its records.
    listed: tuple[str, ...] = ()


_rules: dict[str, Rule] = {}


def register(name: str, *, due: Due, delete: Delete = delete_all, describe: Describe | None = None) -> Rule:
    """Registers one kind of expiring record; a name can be registered once."""
    if name in _rules:
        raise ImproperlyConfigured(f"retention rule {name!r} is registered twice")
    rule = Rule(name=name, due=due, delete=delete, describe=describe)
    _rules[name] = rule
    return rule


def unregister(name: str) -> None:
    _rules.pop(name, None)


def rules() -> list[Rule]:
    """Every registered rule, after importing each app's `retention` module, in name order."""
    autodiscover_modules("retention")
    return [_rules[name] for name in sorted(_rules)]


def run(*, now: datetime | None = None, dry_run: bool = False) -> list[Outcome]:
    """Deletes (or with `dry_run`, counts and describes) what every rule says is due at `now`."""
    moment = now or timezone.now()
    outcomes = []
    for rule in rules():
        listed: list[str] = []
        try:
            with transaction.atomic():
                due = rule.due(moment)
                if not dry_run:
                    count = rule.delete(due)
                else:
                    count = due.count()
                    listed = rule.describe(due) if rule.describe else []
        except Exception as error:  # noqa: BLE001 - one broken rule must not keep the others from running
            outcomes.append(Outcome(rule.name, 0, error=type(error).__name__))
        else:
            outcomes.append(Outcome(rule.name, count, listed=tuple(listed)))
    return outcomes
