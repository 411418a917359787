"""The fact-sheet topics other parts of Harbour link to, by slug.

Screening's next steps and the directory link to these; the rights app must
publish a fact sheet under each slug.
"""

from __future__ import annotations

EMPLOYMENT_STANDARDS = "employment-standards"
FOREIGN_WORKER_RIGHTS = "temporary-foreign-workers"
TEMPORARY_RESIDENT_PERMIT = "temporary-resident-permit"
HEALTH_CARE = "health-care"
WHAT_WE_DO_WITH_WHAT_YOU_TELL_US = "what-we-do-with-what-you-tell-us"
EMERGENCY = "emergency-help"
CHILD_PROTECTION = "child-protection"

ALL = (
    EMPLOYMENT_STANDARDS,
    FOREIGN_WORKER_RIGHTS,
    TEMPORARY_RESIDENT_PERMIT,
    HEALTH_CARE,
    WHAT_WE_DO_WITH_WHAT_YOU_TELL_US,
    EMERGENCY,
    CHILD_PROTECTION,
)
