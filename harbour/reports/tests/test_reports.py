"""Safe reports as an auditor would check them: unreadable at rest, receipts, files, who reaches what, expiry."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from harbour.cases.models import Case, Consent
from harbour.core import retention
from harbour.network.models import Member
from harbour.reports import actions, attachments, keys, receipts
from harbour.reports.models import Attachment, MemberKey, Message, Report, ReportKey, ReportReceiver
from harbour.reports.tests.helpers import ANSWERS, jpeg_with_gps, keys_for, pdf_with_author
from harbour.testing import CAST_PASSWORD, Cast


def docx_with_author() -> bytes:
    out = io.BytesIO()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "docProps/core.xml",
            '<?xml version="1.0"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Marker Author</dc:creator>'
            "<cp:lastModifiedBy>Marker Editor</cp:lastModifiedBy></cp:coreProperties>",
        )
        archive.writestr(
            "docProps/app.xml",
            '<?xml version="1.0"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Company>Marker Company</Company></Properties>",
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body><w:p w:rsidR="00AB12CD">'
            '<w:ins w:id="1" w:author="Marker Reviser" w:date="2026-01-02T03:04:05Z">'
            "<w:r><w:t>Pay stub</w:t></w:r></w:ins>"
            "</w:p></w:body></w:document>",
        )
    return out.getvalue()


def _submit(cast: Cast, files: list[SimpleUploadedFile] | None = None) -> actions.Submitted:
    keys_for(cast)
    return actions.report_submit(organisation=cast.harbour_house, language="en", answers=ANSWERS, files=files or [])


def _signed_in(member_email: str, password: str = CAST_PASSWORD) -> Client:
    """The real password step (which unlocks the report key), then the second factor taken as done."""
    client = Client()
    response = client.post(reverse("network:sign_in"), {"email": member_email, "password": password})
    assert response.status_code == 302
    client.force_login(Member.objects.get(email=member_email))
    return client


def _request(client: Client) -> Any:
    return SimpleNamespace(session=client.session)


def _database_dump() -> str:
    """Every row of every table, as text (bytes as latin-1, so no byte is lost)."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                lines.append(
                    " ".join(
                        bytes(value).decode("latin-1") if isinstance(value, (bytes, memoryview)) else str(value)
                        for value in row
                    )
                )
    return "\n".join(lines)


@pytest.mark.django_db
def test_report_text_is_nowhere_in_the_database_and_the_receipt_not_either(cast: Cast) -> None:
    submitted = _submit(cast)
    dump = _database_dump()
    assert len(dump) > 1000  # the search read real rows
    for answer in ANSWERS.values():
        assert answer not in dump
    assert submitted.receipt.replace(" ", "") not in dump
    assert Report.system_objects.get().receipt_digest == receipts.derive(submitted.receipt).digest


@pytest.mark.django_db
def test_the_report_is_sealed_to_each_receiver_with_a_key_and_opens_only_with_a_member_key(cast: Cast) -> None:
    report = _submit(cast).report
    assert set(ReportKey.objects.filter(report=report).values_list("member__email", flat=True)) == {
        "alice@cast.example",
        "bob@cast.example",
    }
    client = _signed_in("bob@cast.example")
    page = client.get(reverse("reports:report_detail", args=[report.pk]))
    assert ANSWERS["now"] in page.content.decode()


@pytest.mark.django_db
def test_the_receipt_reads_replies_and_answers_but_never_shows_what_was_sent(cast: Cast) -> None:
    submitted = _submit(cast)
    actions.report_reply(member=cast.bob, report=submitted.report, text="We can help. Call us on Tuesday.")
    page = Client().post(reverse("reports:return"), {"receipt": submitted.receipt})
    text = page.content.decode()
    assert page.status_code == 200
    assert "We can help. Call us on Tuesday." in text
    assert ANSWERS["now"] not in text
    answer = Client().post(
        reverse("reports:return"),
        {"receipt": submitted.receipt, "step": "answer", "text": "Tuesday is fine"},
    )
    assert answer.status_code == 200
    assert Message.objects.filter(report=submitted.report).count() == 3
    assert "Tuesday is fine" not in answer.content.decode()


@pytest.mark.django_db
def test_every_wrong_receipt_gets_the_same_page(cast: Cast) -> None:
    submitted = _submit(cast)
    expired = _submit(cast)
    Report.system_objects.filter(pk=expired.report.pk).delete()
    right = submitted.receipt.replace(" ", "")
    one_off = right[:-1] + str((int(right[-1]) + 1) % 10)
    guesses = ["0000 0000 0000 0000", one_off, expired.receipt, "1234-5678-9012-3456"]
    bodies = set()
    statuses = set()
    for guess in guesses:
        response = Client().post(reverse("reports:return"), {"receipt": guess})
        # The code typed back is shown in the form; without it, every page is the same bytes.
        bodies.add(response.content.decode().replace(guess, "").split('name="csrfmiddlewaretoken"')[0])
        statuses.add(response.status_code)
    assert statuses == {400}
    assert len(bodies) == 1


@pytest.mark.django_db
def test_checking_a_receipt_costs_one_stretch_whether_it_is_right_or_wrong(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted = _submit(cast)
    calls: list[int] = []
    real = keys.stretch

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(keys, "stretch", counted)
    assert actions.reporter_open(receipt=submitted.receipt) is not None
    right = len(calls)
    assert actions.reporter_open(receipt="9999 9999 9999 9999") is None
    assert len(calls) - right == right == 1


@pytest.mark.django_db
def test_guessing_receipts_is_throttled_without_any_address(cast: Cast, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    submitted = _submit(cast)
    guesses = [f"4321 0000 0000 {n:04d}" for n in range(12)]
    statuses = [Client().post(reverse("reports:return"), {"receipt": g}).status_code for g in guesses]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    # Another first group is not held up by these guesses, and the right code still opens.
    assert Client().post(reverse("reports:return"), {"receipt": submitted.receipt}).status_code == 200
    assert all("127.0.0.1" not in str(key) for key in cache._cache)  # type: ignore[attr-defined]
    cache.clear()


@pytest.mark.django_db
def test_stored_files_keep_no_gps_author_or_revision_data(cast: Cast) -> None:
    files = [
        SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("contract.pdf", pdf_with_author(), "application/pdf"),
        SimpleUploadedFile("stub.docx", docx_with_author(), "application/octet-stream"),
    ]
    report = _submit(cast, files).report
    stored = [Path(default_storage.path(a.stored.name)).read_bytes() for a in Attachment.objects.filter(report=report)]
    assert len(stored) == 3
    for raw in stored:
        for marker in (b"Marker", b"JFIF\x00\x01\x01\x01", b"%PDF", b"PK\x03\x04"):
            assert marker not in raw  # sealed: neither the metadata nor even the format shows
    client = _signed_in("alice@cast.example")
    opened = [
        client.get(reverse("reports:attachment", args=[report.pk, a.pk]))
        for a in Attachment.objects.filter(report=report)
    ]
    assert [r.status_code for r in opened] == [200, 200, 200]
    photo, pdf, docx = (r.content for r in opened)
    with Image.open(io.BytesIO(photo)) as image:
        assert not image.getexif()
    assert b"Marker" not in photo
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/Author" not in document.docinfo
        assert "/Metadata" not in document.Root
    assert b"Marker" not in pdf
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert b"Pay stub" in everything
    assert b"Marker" not in everything
    assert b"rsid" not in everything


def stored_files() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


@pytest.mark.django_db
def test_a_refused_file_stores_nothing_at_all(cast: Cast) -> None:
    keys_for(cast)
    response = Client().post(
        reverse("reports:write"),
        {
            "to": ReportReceiver.objects.get(organisation=cast.harbour_house).pk,
            **ANSWERS,
            "files": [
                SimpleUploadedFile("ok.pdf", pdf_with_author(), "application/pdf"),
                SimpleUploadedFile("virus.exe", b"MZ\x90\x00nothing good", "application/octet-stream"),
            ],
        },
    )
    assert response.status_code == 400
    assert "Only photos (JPEG, PNG, HEIC)" in response.content.decode()
    assert ANSWERS["now"] in response.content.decode()  # what they typed is kept
    assert Report.system_objects.count() == 0
    assert stored_files() == []  # the test's own media folder (conftest) holds nothing


def test_an_unknown_or_damaged_file_is_refused_with_a_message() -> None:
    with pytest.raises(attachments.Refused):
        attachments.clean(b"\xff\xd8\xff this is not a photo")
    with pytest.raises(attachments.Refused):
        attachments.clean(b"plain text")


@pytest.mark.django_db
def test_another_organisation_cannot_read_a_report(cast: Cast) -> None:
    report = _submit(cast).report
    client = _signed_in("omar@cast.example")
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
    assert ANSWERS["now"] not in client.get(reverse("reports:inbox")).content.decode()
    omar_key = actions.unlocked_private_key(_request(client), cast.omar)
    assert omar_key is None or actions.report_private_key(report, cast.omar, omar_key) is None


@pytest.mark.django_db
def test_liaisons_and_researchers_reach_no_report(cast: Cast) -> None:
    report = _submit(cast).report
    for member in (cast.lee, cast.rhea):
        client = Client()
        client.force_login(member)
        for url in (reverse("reports:inbox"), reverse("reports:report_detail", args=[report.pk])):
            assert client.get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_expired_reports_and_their_files_are_gone_after_the_daily_job(cast: Cast) -> None:
    from django.db import transaction

    submitted = _submit(cast, [SimpleUploadedFile("a.pdf", pdf_with_author(), "application/pdf")])
    kept = _submit(cast)
    name = Attachment.objects.get(report=submitted.report).stored.name
    Report.system_objects.filter(pk=submitted.report.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    with transaction.atomic():
        outcomes = {o.name: o for o in retention.run()}
    assert outcomes["reports: expired reports"].count == 1
    assert list(Report.system_objects.values_list("pk", flat=True)) == [kept.report.pk]
    assert not default_storage.exists(name)
    assert actions.reporter_open(receipt=submitted.receipt) is None


@pytest.mark.django_db
def test_activity_pushes_expiry_by_the_organisations_own_setting(cast: Cast) -> None:
    submitted = _submit(cast)
    receiver = ReportReceiver.objects.get(organisation=cast.harbour_house)
    receiver.retention_days = 30
    receiver.save()
    actions.report_reply(member=cast.bob, report=submitted.report, text="hello")
    assert Report.system_objects.get().expires_on == timezone.localdate() + timedelta(days=30)


@pytest.mark.django_db
def test_a_changed_password_keeps_the_key_and_a_reset_needs_the_recovery_key(cast: Cast) -> None:
    recovery = keys_for(cast)
    report = _submit(cast).report
    client = _signed_in("bob@cast.example")
    response = client.post(
        reverse("network:password_change"),
        {
            "old_password": CAST_PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    private_key = actions.unlocked_private_key(_request(client), cast.bob)
    assert private_key is not None and actions.report_private_key(report, cast.bob, private_key) is not None
    # After a reset the old password is unknown: the key stays locked until the recovery key opens it.
    cast.bob.set_password("reset passphrase 43 long")
    cast.bob.save()
    client = _signed_in("bob@cast.example", "reset passphrase 43 long")
    assert actions.unlocked_private_key(_request(client), cast.bob) is None
    wrong = client.post(
        reverse("reports:key"), {"step": "recover", "recovery_key": "1" * 32, "password": "reset passphrase 43 long"}
    )
    assert wrong.status_code == 400
    client.post(
        reverse("reports:key"),
        {"step": "recover", "recovery_key": recovery["bob"], "password": "reset passphrase 43 long"},
    )
    assert "greenhouse" in client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()


@pytest.mark.django_db
def test_a_colleague_who_sets_up_a_key_later_gets_existing_reports_and_a_member_who_left_keeps_none(cast: Cast) -> None:
    report = _submit(cast).report
    MemberKey.objects.filter(member=cast.bob).delete()
    ReportKey.objects.filter(member=cast.bob).delete()
    actions.member_key_set_up(request=None, member=cast.bob, password=CAST_PASSWORD)
    _signed_in("alice@cast.example").get(reverse("reports:inbox"))
    assert ReportKey.objects.filter(report=report, member=cast.bob).exists()
    cast.bob.is_active = False
    cast.bob.save()
    retention.run()
    assert not ReportKey.objects.filter(member=cast.bob).exists()
    assert not MemberKey.objects.filter(member=cast.bob).exists()


@pytest.mark.django_db
def test_the_reporters_consent_in_the_thread_is_recorded_with_its_wording(cast: Cast) -> None:
    submitted = _submit(cast)
    wording = actions.case_consent_wording("en")
    page = Client().post(reverse("reports:return"), {"receipt": submitted.receipt})
    assert wording in page.content.decode()  # the cases app's own wording is what the reporter reads
    Client().post(reverse("reports:return"), {"receipt": submitted.receipt, "step": "consent", "agree": "yes"})
    report = Report.system_objects.get()
    assert report.case_consent_given_on == timezone.localdate()
    page = _signed_in("alice@cast.example").get(reverse("reports:report_detail", args=[report.pk]))
    assert wording in page.content.decode()


@pytest.mark.django_db
def test_a_report_becomes_a_case_only_through_the_consent_given_in_the_thread(cast: Cast) -> None:
    submitted = _submit(cast)
    client = _signed_in("alice@cast.example")
    url = reverse("reports:report_detail", args=[submitted.report.pk])
    refused = client.post(url, {"step": "case", "summary": "Wages withheld, passports kept"})
    assert refused.status_code == 400
    assert not Case.objects.visible_to(cast.alice).exists()
    Client().post(reverse("reports:return"), {"receipt": submitted.receipt, "step": "consent", "agree": "yes"})
    opened = client.post(url, {"step": "case", "summary": "Wages withheld, passports kept"})
    assert opened.status_code == 302
    case = Case.objects.visible_to(cast.alice).get()
    consent = Consent.objects.visible_to(cast.alice).get()
    assert consent.means == Consent.Means.REPORT_THREAD
    assert consent.purpose == Consent.Purpose.OPEN_CASE
    assert opened["Location"].endswith(f"/{case.reference}/")
    assert Report.system_objects.get().status == Report.Status.CASE
    assert ANSWERS["now"] not in str(case.summary)


@pytest.mark.django_db
def test_the_inbox_reads_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    for _ in range(3):
        _submit(cast)
    client = _signed_in("alice@cast.example")
    client.get(reverse("reports:inbox"))  # the first visit shares keys; later ones do not
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("reports:inbox"))
    for _ in range(3):
        _submit(cast)
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get(reverse("reports:inbox"))
    assert page.content.decode().count("/members/reports/") >= 6


@pytest.mark.django_db
def test_receivers_are_told_something_waits_with_no_content(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        _submit(cast)

    bodies = [f"{m.subject} {m.body}" for m in mail.outbox]
    assert len(bodies) == 2
    assert all(ANSWERS["now"] not in body and "greenhouse" not in body for body in bodies)


@pytest.mark.django_db
def test_a_full_disk_during_upload_is_told_and_stores_nothing(cast: Cast) -> None:
    import errno
    from unittest import mock

    keys_for(cast)
    real_save = default_storage.save
    calls = []

    def save_until_full(name: str, content: Any, **kwargs: Any) -> str:
        calls.append(name)
        if len(calls) > 1:  # the first file fits, the second fills the disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(name, content, **kwargs)

    with mock.patch.object(default_storage, "save", side_effect=save_until_full):
        response = Client().post(
            reverse("reports:write"),
            {
                "to": ReportReceiver.objects.get(organisation=cast.harbour_house).pk,
                **ANSWERS,
                "files": [
                    SimpleUploadedFile("one.pdf", pdf_with_author(), "application/pdf"),
                    SimpleUploadedFile("two.pdf", pdf_with_author(), "application/pdf"),
                ],
            },
        )
    page = response.content.decode()
    assert len(calls) == 2
    assert response.status_code == 400
    assert "no room to store files right now, so nothing was saved" in page
    assert ANSWERS["now"] in page  # what they typed is kept
    assert Report.system_objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []  # the test's own media folder (conftest) holds nothing


def _reports_msgids() -> list[str]:
    """The reports app's English strings that French, complete, words differently (long enough to be unique)."""
    import polib

    path = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    return [
        entry.msgid
        for entry in polib.pofile(str(path))
        if len(entry.msgid) > 12 and "%" not in entry.msgid and entry.msgstr and entry.msgstr != entry.msgid
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es", "tl", "zh-hans", "ar", "pa", "uk", "th", "vi"])
def test_the_reporters_path_shows_no_english_in_any_other_language(cast: Cast, language: str) -> None:
    import html

    from django.utils import translation

    keys_for(cast)
    receiver = ReportReceiver.objects.get(organisation=cast.harbour_house).pk
    with translation.override(language):
        start, write, back = reverse("reports:start"), reverse("reports:write"), reverse("reports:return")
        sent_heading = translation.gettext("Your report is sent")
        one_file = translation.ngettext("%(counter)s file added.", "%(counter)s files added.", 1) % {"counter": 1}
    assert sent_heading != "Your report is sent"
    client = Client()
    photo = SimpleUploadedFile("IMG_1.jpg", jpeg_with_gps(), "image/jpeg")
    receipt_page = client.post(write, {"to": receiver, **ANSWERS, "files": [photo]})
    receipt = receipt_page.content.decode().split('class="receipt"')[1].split("<strong>")[1].split("</strong>")[0]
    pages = {
        "start": client.get(start),
        "form": client.get(write, {"to": receiver}),
        "refused": client.post(
            write, {"to": receiver, **ANSWERS, "files": [SimpleUploadedFile("a.exe", b"MZ\x90\x00", "x/y")]}
        ),
        "receipt": receipt_page,
        "thread": client.post(back, {"receipt": receipt}),
        "answered": client.post(back, {"receipt": receipt, "step": "answer", "text": "more"}),
        "wrong code": client.post(back, {"receipt": "1111 2222 3333 4444"}),
    }
    assert [response.status_code for response in pages.values()] == [200, 200, 400, 200, 200, 200, 400]
    english = _reports_msgids()
    assert len(english) > 100
    for name, response in pages.items():
        text = html.unescape(response.content.decode())
        assert [msgid for msgid in english if msgid in text] == [], name
    assert sent_heading in html.unescape(pages["receipt"].content.decode())
    assert one_file in html.unescape(pages["thread"].content.decode())
