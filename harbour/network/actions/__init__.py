"""Writes to the network that have side effects, one module per sub-domain.

Callers import `harbour.network.actions` and call `actions.<thing>_<verb>`; each
function lives in the module of its sub-domain, listed below, where a new one goes.
"""

from __future__ import annotations

from harbour.network.actions.announcements import (
    UNSUBSCRIBE_SALT,
    announcement_send,
    delivery_set,
    digests_send,
    list_mail_send,
    may_address,
    may_address_anything,
    member_for_unsubscribe_token,
    member_unsubscribe,
    reply_post,
    unsubscribe_token,
)
from harbour.network.actions.common import ActionRefused, absolute_url
from harbour.network.actions.meetings import meeting_reminders_send, meeting_report_attach, meeting_save
from harbour.network.actions.organisations import organisation_profile_save, organisation_vet
from harbour.network.actions.recommendations import recommendation_status_add
from harbour.network.actions.sign_in import (
    TOTP_ISSUER,
    password_reset_send,
    sign_in_attempt_allowed,
    sign_in_failed,
    sign_in_succeeded,
    totp_enrol,
    totp_new_secret,
    totp_uri,
    totp_verify,
)
from harbour.network.actions.staff import (
    invitation_accept,
    invitation_for_token,
    invitation_revoke,
    invitation_send,
    member_remove,
    two_factor_reset,
)

__all__ = [
    "ActionRefused",
    "TOTP_ISSUER",
    "UNSUBSCRIBE_SALT",
    "absolute_url",
    "announcement_send",
    "delivery_set",
    "digests_send",
    "invitation_accept",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_send",
    "list_mail_send",
    "may_address",
    "may_address_anything",
    "meeting_reminders_send",
    "meeting_report_attach",
    "meeting_save",
    "member_for_unsubscribe_token",
    "member_remove",
    "member_unsubscribe",
    "organisation_profile_save",
    "organisation_vet",
    "password_reset_send",
    "recommendation_status_add",
    "reply_post",
    "sign_in_attempt_allowed",
    "sign_in_failed",
    "sign_in_succeeded",
    "totp_enrol",
    "totp_new_secret",
    "totp_uri",
    "totp_verify",
    "two_factor_reset",
    "unsubscribe_token",
]
