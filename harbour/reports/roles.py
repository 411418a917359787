"""Who receives reports: the organisation's administrators and case workers (hotline operators do not)."""

from harbour.core.roles import Role

REPORT_READERS: frozenset[str] = frozenset({Role.ORG_ADMIN, Role.CASE_WORKER})
