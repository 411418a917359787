"""Who may use each reports page."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from harbour.reports import actions
from harbour.reports.models import Attachment, Report
from harbour.reports.tests.helpers import ANSWERS, keys_for, pdf_with_author
from harbour.testing import EVERYONE, Cast

EXPECTED: dict[str, AbstractSet[str]] = {
    "reports:start": EVERYONE,
    "reports:write": EVERYONE,
    "reports:return": EVERYONE,
    # Harbour House's administrator and case worker; hana (hotline) is refused by role,
    # carol and omar (another organisation) get a 404, lee and rhea never get in.
    "reports:inbox": {"alice", "bob", "carol", "omar"},
    "reports:key": {"alice", "bob", "carol", "omar"},
    "reports:settings": {"alice", "omar"},
    "reports:report_detail": {"alice", "bob"},
    # A file opens only with the member's key unlocked at sign-in: the walk signs in without a
    # password, so it reaches no one (tests/test_reports.py downloads one with the key).
    "reports:attachment": set(),
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    keys_for(cast)
    report = Report.system_objects.filter(organisation=cast.harbour_house).first()
    if report is None:
        report = actions.report_submit(
            organisation=cast.harbour_house,
            language="en",
            answers=ANSWERS,
            files=[SimpleUploadedFile("contract.pdf", pdf_with_author(), "application/pdf")],
        ).report
    attachment = Attachment.objects.filter(report=report).first()
    assert attachment is not None
    return {
        "reports:report_detail": {"report_id": report.pk},
        "reports:attachment": {"report_id": report.pk, "attachment_id": attachment.pk},
    }
