"""The roles a member can hold, and every set of roles the code names.

Which roles may ever see a person's data is decided here, once: the access
policy, the person-record querysets and the invitation rules all read these sets.
A view names one of these sets in its policy (`@access.members(*FRONT_LINE)`),
and a template asks `may_use` whether that view would open, so a new role is
added by editing this file and nothing else.
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

# Everyone who can hold an account.
ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Each organisation's administrators: its members, profile, audit log and services.
ADMINISTRATORS: frozenset[str] = frozenset({Role.ORG_ADMIN})
# The network's coordinators: vetting, working groups, the recommendation tracker.
COORDINATORS: frozenset[str] = frozenset({Role.COORDINATOR})
# Who opens and changes cases; hotline operators read cases but do not change them.
CASE_WRITERS: frozenset[str] = frozenset({Role.CASE_WORKER, Role.ORG_ADMIN})
# Who drafts, reviews and publishes rights content.
EDITORS: frozenset[str] = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
# Who refers people to services: the directory's members-only search and the confidential addresses.
FRONT_LINE: frozenset[str] = frozenset({Role.ORG_ADMIN, Role.CASE_WORKER, Role.HOTLINE_OPERATOR, Role.COORDINATOR})
# Who works in a member organisation's own services (beds tonight, for example); not the coordinators.
SHELTER_STAFF: frozenset[str] = frozenset({Role.ORG_ADMIN, Role.CASE_WORKER, Role.HOTLINE_OPERATOR})
# Who reads published statistics in full in the research view (the public pages are open to all).
STATISTICS_READERS: frozenset[str] = frozenset({Role.RESEARCHER, Role.COORDINATOR})

if PERSON_DATA_ROLES & NEVER_PERSON_DATA_ROLES:
    raise RuntimeError("a role cannot both see and never see person data")
