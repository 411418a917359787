"""Writes for safe reports: member keys, submitting and answering reports, the inbox, deletion.

Nothing a reporter typed reaches a log, and no write records a time finer than a day.
"""

from __future__ import annotations

import errno
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harbour.cases.actions import ConsentGiven, ConsentMissing, open_case_from_report
from harbour.cases.models import Case, Category, Consent
from harbour.cases.wording import wording_in
from harbour.core import crypto
from harbour.core.audit import audit_record, audit_write
from harbour.core.mail import email_send
from harbour.core.models import AuditEntry
from harbour.network.models import Member, Organisation
from harbour.reports import attachments as attachment_cleaning
from harbour.reports import keys, receipts
from harbour.reports.models import Attachment, MemberKey, Message, Report, ReportKey, retention_days_for
from harbour.reports.roles import REPORT_READERS

T = TypeVar("T")
SESSION_KEY = "reports_member_key"
# The guided form's questions, in the order the reporter answers them.
QUESTIONS = ("work", "place", "promised", "now", "need")

logger = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The action cannot be done; the message is shown as it is."""


# --- member keys -----------------------------------------------------------------------------


def _session_context(member: Member) -> str:
    return f"reports:session-key:{member.pk}"


def _remember_unlocked(request: HttpRequest, member: Member, private_key: bytes) -> None:
    request.session[SESSION_KEY] = crypto.encrypt_bytes(
        private_key, organisation_id=member.organisation_id, context=_session_context(member)
    )


def unlocked_private_key(request: HttpRequest, member: Member) -> bytes | None:
    """The member's private key if this session unlocked it at sign-in, else None."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    try:
        return crypto.decrypt_bytes(token, context=_session_context(member), organisation_id=member.organisation_id)
    except crypto.DecryptionError:
        return None


def _lock_under(secret: str, private_key: bytes) -> tuple[bytes, bytes]:
    salt = keys.new_salt()
    return keys.lock(private_key, keys.stretch(secret, salt)), salt


def member_key_set_up(*, request: HttpRequest | None, member: Member, password: str) -> str:
    """Creates the member's key pair under their password; returns the recovery key, shown once."""
    if member.role not in REPORT_READERS:
        raise ActionRefused(_("Your role does not receive reports."))
    if not member.check_password(password):
        raise ActionRefused(_("That is not your password."))
    if MemberKey.objects.filter(member=member).exists():
        raise ActionRefused(_("You already have a report key."))
    private_key, public_key = keys.new_key_pair()
    recovery = keys.new_recovery_key()
    password_locked, password_salt = _lock_under(password, private_key)
    recovery_locked, recovery_salt = _lock_under(keys.normalise_digits(recovery), private_key)
    MemberKey.objects.create(
        member=member,
        public_key=public_key,
        password_locked=password_locked,
        password_salt=password_salt,
        recovery_locked=recovery_locked,
        recovery_salt=recovery_salt,
    )
    if request is not None:
        _remember_unlocked(request, member, private_key)
    audit_write(
        actor=member,
        action=AuditEntry.Action.CREATE,
        organisation_id=member.organisation_id,
        record_type="reports.memberkey",
        record_id=str(member.pk),
    )
    return recovery


def member_key_recover(*, request: HttpRequest, member: Member, recovery_key: str, password: str) -> None:
    """Opens the key with the recovery key (after a password reset) and locks it under the current password."""
    key = MemberKey.objects.filter(member=member).first()
    if key is None or not member.check_password(password):
        raise ActionRefused(_("That recovery key and password do not open your report key."))
    stretched = keys.stretch(keys.normalise_digits(recovery_key), bytes(key.recovery_salt))
    try:
        private_key = keys.unlock(bytes(key.recovery_locked), stretched)
    except keys.KeyLocked:
        raise ActionRefused(_("That recovery key and password do not open your report key.")) from None
    key.password_locked, key.password_salt = _lock_under(password, private_key)
    key.save(update_fields=["password_locked", "password_salt"])
    _remember_unlocked(request, member, private_key)


def password_entered(*, request: HttpRequest, member: Member, password: str, previous_password: str | None) -> None:
    """The network's sign-in and password pages call this (network.password_hooks)."""
    key = MemberKey.objects.filter(member=member).first()
    if key is None:
        return
    for secret in (password, previous_password):
        if secret is None:
            continue
        try:
            private_key = keys.unlock(bytes(key.password_locked), keys.stretch(secret, bytes(key.password_salt)))
        except keys.KeyLocked:
            continue
        if secret != password:
            # The password changed: the key follows it.
            key.password_locked, key.password_salt = _lock_under(password, private_key)
            key.save(update_fields=["password_locked", "password_salt"])
        _remember_unlocked(request, member, private_key)
        return
    # A reset: the key stays under the old password until the member uses their recovery key.
    request.session.pop(SESSION_KEY, None)


# --- reporting ---------------------------------------------------------------------------------


@dataclass
class Submitted:
    report: Report
    receipt: str


def files_clean(files: Sequence[UploadedFile]) -> list[tuple[str, attachment_cleaning.Cleaned]]:
    """Every file stripped, or Refused for the first that cannot be taken (then none is kept)."""
    if len(files) > settings.HARBOUR_REPORT_MAX_FILES:
        raise attachment_cleaning.Refused(
            _("You can add up to %(count)s files at a time.") % {"count": settings.HARBOUR_REPORT_MAX_FILES}
        )
    cleaned = []
    for upload in files:
        if upload.size is not None and upload.size > settings.HARBOUR_REPORT_MAX_FILE_BYTES:
            raise attachment_cleaning.Refused(
                _("This file is larger than %(mb)s MB. Send a smaller copy, or a photo of the page.")
                % {"mb": settings.HARBOUR_REPORT_MAX_FILE_BYTES // 1_000_000}
            )
        cleaned.append((upload.name or "", attachment_cleaning.clean(upload.read())))
    return cleaned


def _seal_json(value: dict[str, Any], public_key: bytes) -> bytes:
    return keys.seal(json.dumps(value, ensure_ascii=False).encode("utf-8"), public_key)


def _store_files(
    report: Report, message: Message, files: list[tuple[str, attachment_cleaning.Cleaned]], stored: list[str]
) -> None:
    """Stores each file sealed to the report's key, under a random name; `stored` collects the names."""
    public_key = bytes(report.public_key)
    for original_name, cleaned in files:
        name = default_storage.save(
            f"reports/{secrets.token_hex(16)}", ContentFile(keys.seal(cleaned.content, public_key))
        )
        stored.append(name)
        Attachment.objects.create(
            report=report,
            message=message,
            stored=name,
            sealed_details=_seal_json(
                {"name": _plain_name(original_name, cleaned.extension), "type": cleaned.content_type}, public_key
            ),
            # In steps of 100 KB: the exact size could match a file elsewhere.
            size_bucket_kb=max(1, -(-len(cleaned.content) // 100_000)) * 100,
        )


def _plain_name(original: str, extension: str) -> str:
    """The name the receiver downloads: the original's stem (it may say what the file is), the cleaned type."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:80] or "file"
    return f"{stem}.{extension}"


def _with_files(work: Callable[[list[str]], T]) -> T:
    """Runs `work` in one transaction; the files it stored are deleted again if any part of it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _stored_or_refused(work: Callable[[list[str]], T]) -> T:
    """`_with_files`, with a storage that cannot take the files (a full disk) told as a refusal: nothing kept."""
    try:
        return _with_files(work)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        logger.error("storage full: a report was refused")
        raise ActionRefused(
            _("Harbour has no room to store files right now, so nothing was saved. Please try again later.")
        ) from None


def _receivers(organisation: Organisation) -> list[MemberKey]:
    return list(
        MemberKey.objects.filter(
            member__organisation=organisation, member__is_active=True, member__role__in=REPORT_READERS
        ).select_related("member")
    )


def report_submit(
    *, organisation: Organisation, language: str, answers: dict[str, str], files: Sequence[UploadedFile]
) -> Submitted:
    """A new report to `organisation`, sealed to its key holders; refused files mean nothing is stored."""
    cleaned = files_clean(files)
    holders = _receivers(organisation)
    if not holders:
        raise ActionRefused(_("This organisation cannot receive reports right now. Choose another."))
    receipt = receipts.new_receipt()
    derived = receipts.derive(receipt)
    private_key, public_key = keys.new_key_pair()

    def work(stored: list[str]) -> Report:
        report = Report(
            organisation=organisation,
            public_key=public_key,
            reporter_locked=keys.lock(private_key, derived.reporter_key),
            receipt_digest=derived.digest,
            language=language,
        )
        report.touch(retention_days_for(organisation.pk))
        report.save(force_insert=True)
        ReportKey.objects.bulk_create(
            ReportKey(
                report=report, member=holder.member, sealed_private_key=keys.seal(private_key, bytes(holder.public_key))
            )
            for holder in holders
        )
        message = Message.objects.create(
            report=report,
            author=Message.Author.REPORTER,
            sealed_body=_seal_json({"answers": {q: answers.get(q, "") for q in QUESTIONS}}, public_key),
        )
        _store_files(report, message, cleaned, stored)
        return report

    report = _stored_or_refused(work)
    _tell_receivers(organisation, [holder.member for holder in holders])
    return Submitted(report=report, receipt=receipt)


@dataclass
class ReporterSession:
    report: Report
    private_key: bytes


def reporter_open(*, receipt: str) -> ReporterSession | None:
    """The report a receipt opens, or None: the same work (one stretch, one query) either way."""
    derived = receipts.derive(receipt)
    report = Report.system_objects.filter(receipt_digest=derived.digest).first()
    if report is None:
        return None
    try:
        private_key = keys.unlock(bytes(report.reporter_locked), derived.reporter_key)
    except keys.KeyLocked:
        return None
    return ReporterSession(report=report, private_key=private_key)


def reporter_answer(*, session: ReporterSession, text: str, files: Sequence[UploadedFile]) -> None:
    """The reporter's answer or new files, added to the thread."""
    cleaned = files_clean(files)
    report = session.report

    def work(stored: list[str]) -> None:
        message = Message.objects.create(
            report=report,
            author=Message.Author.REPORTER,
            sealed_body=_seal_json({"text": text}, bytes(report.public_key)),
        )
        _store_files(report, message, cleaned, stored)
        report.touch(retention_days_for(report.organisation_id))
        report.waiting_for_receiver = True
        report.waiting_for_reporter = False
        report.save(update_fields=["last_activity_on", "expires_on", "waiting_for_receiver", "waiting_for_reporter"])

    _with_files(work)
    _tell_receivers(report.organisation, [holder.member for holder in _receivers(report.organisation)])


def reporter_case_consent(*, session: ReporterSession, wording: str) -> None:
    """The reporter agrees, in the thread, that the receiver opens a case; the wording they read is kept, sealed."""
    report = session.report
    with transaction.atomic():
        Message.objects.create(
            report=report,
            author=Message.Author.REPORTER,
            sealed_body=_seal_json({"consent": wording}, bytes(report.public_key)),
        )
        report.case_consent_given_on = timezone.localdate()
        report.touch(retention_days_for(report.organisation_id))
        report.waiting_for_receiver = True
        report.save(update_fields=["case_consent_given_on", "last_activity_on", "expires_on", "waiting_for_receiver"])


@dataclass(frozen=True)
class ThreadEntry:
    author: str
    written_on: date
    answers: dict[str, str]
    text: str
    consent: str
    files: list[tuple[int, str]]
    file_count: int


def thread_read(report: Report, private_key: bytes, *, with_files: bool) -> list[ThreadEntry]:
    """The thread decrypted; files (their ids and names) only for receivers."""
    messages = list(report.messages.prefetch_related("attachments"))
    entries = []
    for message in messages:
        body = json.loads(keys.unseal(bytes(message.sealed_body), private_key))
        files = []
        if with_files:
            for attachment in message.attachments.all():
                details = json.loads(keys.unseal(bytes(attachment.sealed_details), private_key))
                files.append((attachment.pk, str(details["name"])))
        entries.append(
            ThreadEntry(
                author=message.author,
                written_on=message.written_on,
                answers=body.get("answers", {}),
                text=body.get("text", ""),
                consent=body.get("consent", ""),
                files=files,
                file_count=len(message.attachments.all()),
            )
        )
    return entries


def attachment_read(attachment: Attachment, private_key: bytes) -> tuple[bytes, str, str]:
    """A file's bytes, name and type, for a receiver."""
    details = json.loads(keys.unseal(bytes(attachment.sealed_details), private_key))
    with default_storage.open(attachment.stored.name, "rb") as stored:
        content = keys.unseal(stored.read(), private_key)
    return content, str(details["name"]), str(details["type"])


# --- receiving ---------------------------------------------------------------------------------


def report_private_key(report: Report, member: Member, member_private_key: bytes) -> bytes | None:
    sealed = ReportKey.objects.filter(report=report, member=member).values_list("sealed_private_key", flat=True).first()
    if sealed is None:
        return None
    try:
        return keys.unseal(bytes(sealed), member_private_key)
    except keys.KeyLocked:
        return None


def report_keys_share(*, member: Member, member_private_key: bytes) -> int:
    """Seals each report the member can open to colleagues who set up a key since; returns how many copies."""
    colleagues = {key.member_id: key for key in _receivers(member.organisation) if key.member_id != member.pk}
    if not colleagues:
        return 0
    mine = ReportKey.objects.filter(member=member, report__organisation_id=member.organisation_id)
    have = set(
        ReportKey.objects.filter(member_id__in=colleagues, report__organisation_id=member.organisation_id).values_list(
            "report_id", "member_id"
        )
    )
    copies: list[ReportKey] = []
    for own in mine:
        missing = [mid for mid in colleagues if (own.report_id, mid) not in have]
        if not missing:
            continue
        try:
            private_key = keys.unseal(bytes(own.sealed_private_key), member_private_key)
        except keys.KeyLocked:
            continue
        copies.extend(
            ReportKey(
                report_id=own.report_id,
                member_id=mid,
                sealed_private_key=keys.seal(private_key, bytes(colleagues[mid].public_key)),
            )
            for mid in missing
        )
    ReportKey.objects.bulk_create(copies, ignore_conflicts=True)
    return len(copies)


def report_reply(*, member: Member, report: Report, text: str) -> None:
    with transaction.atomic():
        Message.objects.create(
            report=report,
            author=Message.Author.RECEIVER,
            member=member,
            sealed_body=_seal_json({"text": text}, bytes(report.public_key)),
        )
        report.touch(retention_days_for(report.organisation_id))
        report.waiting_for_reporter = True
        report.waiting_for_receiver = False
        if report.status == Report.Status.NEW:
            report.status = Report.Status.TRIAGED
        report.save(
            update_fields=["last_activity_on", "expires_on", "waiting_for_reporter", "waiting_for_receiver", "status"]
        )
        audit_record(actor=member, action=AuditEntry.Action.UPDATE, record=report)


def report_triage(*, member: Member, report: Report, status: str, urgency: str, assigned_to: Member | None) -> None:
    if assigned_to is not None and (
        assigned_to.organisation_id != report.organisation_id or assigned_to.role not in REPORT_READERS
    ):
        raise ActionRefused(_("Reports can be assigned only to colleagues who receive reports."))
    if status == Report.Status.CASE:
        raise ActionRefused(_("A report becomes a case only through the reporter's consent."))
    with transaction.atomic():
        report.status = status
        report.urgency = urgency
        report.assigned_to = assigned_to
        if status == Report.Status.CLOSED:
            report.waiting_for_receiver = False
        report.save(update_fields=["status", "urgency", "assigned_to", "waiting_for_receiver"])
        audit_record(actor=member, action=AuditEntry.Action.UPDATE, record=report)


def _tell_receivers(organisation: Organisation, members: list[Member]) -> None:
    """An email with no content: only that something is waiting, and where to sign in."""
    link = settings.HARBOUR_SITE_URL.rstrip("/") + reverse("reports:inbox")
    for member in members:
        with translation.override(member.preferred_language or "en"):
            email_send(
                to=member.email,
                subject=_("Something is waiting in your Harbour inbox"),
                body=_("Something new is waiting for you in Harbour. Sign in to read it:\n%(link)s") % {"link": link},
            )


def report_to_case(*, member: Member, report: Report, summary: str) -> Case:
    """Opens a case from the report, through the cases app's consent record of what the reporter agreed to."""
    if report.case_consent_given_on is None:
        raise ActionRefused(_("The reporter has not agreed that a case is opened."))
    if report.status == Report.Status.CASE:
        raise ActionRefused(_("This report is already a case."))
    given_on = report.case_consent_given_on
    consent = ConsentGiven(
        purpose=Consent.Purpose.OPEN_CASE,
        categories=(Category.CASE,),
        language=report.language,
        means=Consent.Means.REPORT_THREAD,
        given_at=timezone.make_aware(datetime.combine(given_on, datetime.min.time())),
    )
    with transaction.atomic():
        try:
            case = open_case_from_report(by=member, summary=summary, consent=consent)
        except (PermissionError, ConsentMissing) as refusal:
            raise ActionRefused(_("You cannot open a case from this report.")) from refusal
        report.status = Report.Status.CASE
        report.waiting_for_receiver = False
        report.save(update_fields=["status", "waiting_for_receiver"])
        audit_record(actor=member, action=AuditEntry.Action.UPDATE, record=report)
    return case


def case_consent_wording(language: str) -> str:
    """What the reporter reads and agrees to: the cases app's own wording for opening a case."""
    wording, _language = wording_in(Consent.Purpose.OPEN_CASE, language)
    return wording.text


# --- deletion ----------------------------------------------------------------------------------


def reports_delete(due: Any, *, system_actor: str) -> int:
    """Deletes reports with their sealed files; each deletion is in the audit log, with no member."""
    count = 0
    for report in due.prefetch_related("attachments"):
        names = [attachment.stored.name for attachment in report.attachments.all()]
        audit_write(
            actor=None,
            system_actor=system_actor,
            action=AuditEntry.Action.DELETE,
            organisation_id=report.organisation_id,
            record_type="reports.report",
            record_id=str(report.pk),
        )
        report.delete()
        # At once rather than on commit: the files are sealed, and deleting is what this job is for.
        for name in names:
            default_storage.delete(name)
        count += 1
    return count
