"""Is this process ready for traffic? The database answers and no migration is pending.

A load balancer asks often, so the migration check, which reads the migration
graph from disk, is remembered once it has passed: migrations do not un-apply
themselves under a running process. The database is asked every time.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)
_migrated = False


def _ping() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def ready() -> bool:
    global _migrated
    try:
        _ping()
        if not _migrated:
            executor = MigrationExecutor(connection)
            _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        return _migrated
    except DatabaseError as error:
        logger.warning("not ready: the database did not answer (%s)", type(error).__name__)
        return False
