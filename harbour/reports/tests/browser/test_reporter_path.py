"""The reporter's whole path in a browser without JavaScript, from choosing a receiver to answering a reply."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Page, Request, Response, expect

from harbour.core.tests.browser.harness import harbour_origin
from harbour.network.models import Member
from harbour.reports import actions, keys
from harbour.reports.models import Attachment, MemberKey, Message, Report
from harbour.reports.tests.helpers import ANSWERS, GPS_MARKER, jpeg_with_gps, keys_for, pdf_with_author
from harbour.testing import CAST_PASSWORD, make_cast

pytestmark = pytest.mark.browser

REPLY = "We read your report. Can you tell us which town the farm is near?"
ANSWER = "It is near Kingsville, on the road by the lake."
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _open_with_code(page: Page, base_url: str, code: str) -> Response:
    page.goto(f"{base_url}/en/report/return/")
    page.get_by_label("Your receipt code (16 digits)").fill(code)
    with page.expect_navigation() as opened:
        page.get_by_role("button", name="Open my report").click()
    response = opened.value
    assert response is not None
    return response


def _page_without(page: Page, code: str) -> str:
    """The page as served, without the code typed back into the form and the per-page CSRF token."""
    return CSRF_FIELD.sub("", page.content()).replace(code, "")


def _member_private_key(member: Member) -> bytes:
    """What the member's password opens, as at sign-in: their own private key."""
    stored = MemberKey.objects.get(member=member)
    return keys.unlock(bytes(stored.password_locked), keys.stretch(CAST_PASSWORD, bytes(stored.password_salt)))


def test_a_reporter_reports_returns_with_the_code_reads_a_reply_and_answers(
    live_server, no_script_context: BrowserContext
):
    cast = make_cast()
    keys_for(cast)
    origin = harbour_origin(live_server)
    page = no_script_context.new_page()
    requests: list[Request] = []
    pages: list[Response] = []
    page.on("request", lambda request: requests.append(request))
    page.on(
        "response", lambda response: pages.append(response) if response.request.resource_type == "document" else None
    )

    # Whom to report to, and what they will and will not do.
    page.goto(f"{live_server.url}/en/report/")
    expect(page.get_by_role("heading", name="Report exploitation safely")).to_be_visible()
    promise = page.get_by_role("region", name="What the organisation will and will not do")
    expect(promise.get_by_text("It is not the police and not immigration.")).to_be_visible()
    expect(promise.get_by_text("if a child is at risk")).to_be_visible()
    card = page.locator("ul.cards > li").filter(has=page.get_by_role("heading", name="Harbour House"))
    card.get_by_role("button", name="Report to this organisation").click()

    # The guided form, with a photo that says where it was taken.
    expect(page.get_by_role("heading", name="Your report to Harbour House")).to_be_visible()
    page.get_by_label("What work do you do, or did you do?").fill(ANSWERS["work"])
    page.get_by_label("Where is it? A town or area is enough.").fill(ANSWERS["place"])
    page.get_by_label("What were you promised?").fill(ANSWERS["promised"])
    page.get_by_label("What is happening now?").fill(ANSWERS["now"])
    page.get_by_label("What do you need?").fill(ANSWERS["need"])
    photo = jpeg_with_gps()
    with Image.open(io.BytesIO(photo)) as sent:
        assert sent.getexif().get_ifd(0x8825)  # the photo chosen does carry a position
    page.get_by_label("Photos or documents (optional): pay stubs, contracts, messages").set_input_files(
        [FilePayload(name="IMG_2041.jpg", mimeType="image/jpeg", buffer=photo)]
    )
    page.get_by_role("button", name="Send the report").click()

    # The receipt, then typed again to check it was kept.
    expect(page.get_by_role("heading", name="Your report is sent")).to_be_visible()
    expect(page.locator("a#quick-exit")).to_have_count(1)
    code = page.locator("p.receipt").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code), code
    expect(page.get_by_text("if you lose the code, you must start a new report")).to_be_visible()
    page.get_by_label("Type your receipt code again").fill(code)
    page.get_by_role("button", name="Open my report").click()
    expect(page.get_by_role("heading", name="Your report", exact=True)).to_be_visible()
    expect(page.get_by_text("1 file added.")).to_be_visible()
    expect(page.get_by_text(ANSWERS["now"])).to_have_count(0)  # what was sent is never shown again

    # A member who receives reports replies, through the app's own functions.
    bob = cast.bob
    report = Report.objects.visible_to(bob).get()
    actions.report_reply(member=bob, report=report, text=REPLY)

    # Later, another visit: back with the code, read the reply, answer and add a file.
    page.goto(f"{live_server.url}/en/")
    _open_with_code(page, live_server.url, code)
    expect(page.get_by_text(REPLY)).to_be_visible()
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label("Photos or documents (optional)", exact=True).set_input_files(
        [FilePayload(name="contract.pdf", mimeType="application/pdf", buffer=pdf_with_author())]
    )
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Sent. The organisation will be told that something is waiting.")).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_have_count(0)
    expect(page.locator("a#quick-exit")).to_have_count(1)
    assert Message.objects.filter(report=report).count() == 3

    # The member opens the stored files: the photo has no EXIF (no GPS), the PDF no author.
    report_key = actions.report_private_key(report, bob, _member_private_key(bob))
    assert report_key is not None
    opened = {
        name: content
        for content, name, _type in (
            actions.attachment_read(stored, report_key) for stored in Attachment.objects.filter(report=report)
        )
    }
    assert set(opened) == {"IMG_2041.jpg", "contract.pdf"}
    with Image.open(io.BytesIO(opened["IMG_2041.jpg"])) as kept:
        assert kept.size == (40, 30)
        assert not kept.getexif()
        assert not kept.getexif().get_ifd(0x8825)
        assert "exif" not in kept.info
    assert GPS_MARKER.encode() not in opened["IMG_2041.jpg"]
    with pikepdf.open(io.BytesIO(opened["contract.pdf"])) as document:
        assert "/Author" not in document.docinfo
    assert b"Marker" not in opened["contract.pdf"]

    # A code that never existed and the code of a report since deleted get the same page.
    gone = actions.report_submit(organisation=cast.harbour_house, language="en", answers=ANSWERS, files=[])
    Report.system_objects.filter(pk=gone.report.pk).delete()
    digits = code.replace(" ", "")
    one_off = f"{digits[:-1]}{(int(digits[-1]) + 1) % 10}"
    seen = set()
    for wrong in (one_off, gone.receipt, "0000 0000 0000 0000"):
        response = _open_with_code(page, live_server.url, wrong)
        expect(page.get_by_role("alert")).to_have_text(re.compile("This code does not open a report"))
        seen.add((response.status, _page_without(page, wrong)))
    assert len(seen) == 1
    assert next(iter(seen))[0] == 400

    # Nothing went to another host, the code never entered an address, and no page may be cached.
    assert requests
    assert [r.url for r in requests if not r.url.startswith(origin + "/")] == []
    assert [r.url for r in requests if digits in r.url.replace("%20", "").replace("+", "")] == []
    assert len(pages) >= 9
    assert [r.url for r in pages if "no-store" not in r.headers.get("cache-control", "")] == []
    # No session is opened for a reporter: the only cookie is the CSRF one.
    assert {cookie["name"] for cookie in no_script_context.cookies()} <= {"csrftoken"}
