"""The roles a member can hold, and what each may reach.

Which roles may ever see a person's data is decided here, once: the access
policy, the person-record querysets and the invitation rules all read these sets.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    CASE_WORKER = "case_worker", _("Case worker")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    COORDINATOR = "coordinator", _("Network coordinator")
    LIAISON = "liaison", _("Government or law-enforcement liaison")
    RESEARCHER = "researcher", _("Researcher")


# The only roles that can ever be shown a person-level record.
PERSON_DATA_ROLES: frozenset[str] = frozenset({Role.ORG_ADMIN, Role.CASE_WORKER, Role.HOTLINE_OPERATOR})
# Roles that must never reach a person-level record, whatever else changes.
NEVER_PERSON_DATA_ROLES: frozenset[str] = frozenset({Role.LIAISON, Role.RESEARCHER})
# Two-factor sign-in is mandatory for these: anyone who can see people's data,
# and coordinators, who vet who gets that access.
TWO_FACTOR_ROLES: frozenset[str] = PERSON_DATA_ROLES | {Role.COORDINATOR}

if PERSON_DATA_ROLES & NEVER_PERSON_DATA_ROLES:
    raise RuntimeError("a role cannot both see and never see person data")
