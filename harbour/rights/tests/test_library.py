"""The resource library: search, filters, uploads behind an access check, members-only items, stories' permission."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.rights import actions
from harbour.rights.models import Resource
from harbour.testing import Cast

LIBRARY = "/en/rights/library/"


@pytest.fixture
def media_root(settings) -> Path:
    """The test's own upload folder (conftest's `_own_media_folder`)."""
    return Path(settings.MEDIA_ROOT)


def item(cast: Cast, title: str, **fields: Any) -> Resource:
    values: dict[str, Any] = {
        "kind": Resource.Kind.REPORT,
        "description": "",
        "url": "https://example.org/report",
        "file": None,
        "audience": Resource.Audience.FRONT_LINE,
        "language": "en",
        "visibility": Resource.Visibility.PUBLIC,
        "tags": [],
    }
    values.update(fields)
    return actions.resource_add(by=cast.alice, title=title, **values)


def listing(client: Client, query: str = "") -> str:
    response = client.get(LIBRARY + query)
    assert response.status_code == 200
    return response.content.decode()


def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_story_cannot_be_published_without_the_tellers_recorded_permission(db) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(
            title="My story",
            kind=Resource.Kind.STORY,
            url="https://example.org/story",
            audience=Resource.Audience.EVERYONE,
            language="en",
            visibility=Resource.Visibility.PUBLIC,
            is_published=True,
        )
    # Unpublished, it may wait for the permission; with it recorded, it may be published.
    story = Resource.objects.create(
        title="My story",
        kind=Resource.Kind.STORY,
        url="https://example.org/story",
        audience=Resource.Audience.EVERYONE,
        language="en",
        visibility=Resource.Visibility.PUBLIC,
    )
    # A date alone is not a permission: the teller's words must be recorded with it.
    story.permission_recorded_at = timezone.now()
    story.is_published = True
    with pytest.raises(IntegrityError), transaction.atomic():
        story.save()
    story.permission_wording = "You can share my story without my name."
    story.save()
    assert list(Resource.objects.published()) == [story]


def test_the_story_action_never_publishes_without_permission(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        item(cast, "Story without permission", kind=Resource.Kind.STORY)
    story = item(
        cast,
        "Story with permission",
        kind=Resource.Kind.STORY,
        permission_wording="Yes, members may read it.",
        permission_given=True,
    )
    assert story.permission_recorded_by == cast.alice
    assert story.permission_recorded_at is not None


def test_the_form_refuses_a_story_without_permission_and_keeps_what_was_typed(cast: Cast) -> None:
    response = member_client(cast.alice).post(
        reverse("rights:resource_new"),
        {
            "title": "A worker's story",
            "kind": "story",
            "url": "https://example.org/s",
            "audience": "everyone",
            "language": "en",
            "visibility": "public",
            "tags": "",
            "permission_wording": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "only with the teller" in html
    assert "A worker&#x27;s story" in html or "A worker's story" in html
    assert not Resource.objects.exists()


def test_members_only_items_are_never_shown_to_visitors(cast: Cast) -> None:
    item(cast, "Public report on recruitment fees", tags=["fees"])
    item(cast, "Members-only response plan", visibility=Resource.Visibility.MEMBERS, tags=["fees"])
    visitor = Client()
    for query in ("", "?q=response", "?tag=fees", "?kind=report", "?audience=front_line&language=en"):
        html = listing(visitor, query)
        assert "Members-only response plan" not in html, query
    assert "Public report on recruitment fees" in listing(visitor)
    assert "Members-only response plan" in listing(member_client(cast.bob))
    # Liaisons and researchers get a members-only item only when its editor opened it to them.
    for member in (cast.lee, cast.rhea):
        assert "Members-only response plan" not in listing(member_client(member))
    # A member of an organisation waiting for vetting sees only public items.
    assert "Members-only response plan" not in listing(member_client(cast.pat))


def test_members_only_files_are_served_only_through_the_access_check(cast: Cast, media_root: Path) -> None:
    upload = SimpleUploadedFile("names of workers.pdf", b"%PDF-1.4 members only", content_type="application/pdf")
    private = item(cast, "Members-only guide", url="", file=upload, visibility=Resource.Visibility.MEMBERS)
    stored = media_root / private.file.name
    assert stored.is_file() and stored.suffix == ".pdf"
    assert "names of workers" not in private.file.name  # the uploader's file name is not kept
    download = f"{LIBRARY}?file={private.pk}"
    assert Client().get(download).status_code == 404
    assert member_client(cast.pat).get(download).status_code == 404
    response = member_client(cast.bob).get(download)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 members only"
    assert "attachment" in response["Content-Disposition"]
    # Never under the static URL, never under a media URL that something could serve.
    assert Client().get(f"/media/{private.file.name}").status_code == 404
    assert Client().get(f"/static/{private.file.name}").status_code == 404


def test_public_files_download_for_everyone(cast: Cast) -> None:
    upload = SimpleUploadedFile("leaflet.txt", b"Your rights at work", content_type="text/plain")
    public = item(cast, "Leaflet", url="", file=upload)
    response = Client().get(f"{LIBRARY}?file={public.pk}")
    assert response.status_code == 200
    assert response.content == b"Your rights at work"
    assert Client().get(f"{LIBRARY}?file=not-a-number").status_code == 404


def test_uploads_refuse_files_that_could_run(cast: Cast) -> None:
    response = member_client(cast.alice).post(
        reverse("rights:resource_new"),
        {
            "title": "Script",
            "kind": "article",
            "file": SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html"),
            "audience": "everyone",
            "language": "en",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert "Harbour keeps only these kinds of file" in response.content.decode()
    assert not Resource.objects.exists()


def test_search_and_filters(cast: Cast) -> None:
    item(cast, "Open work permits explained", kind=Resource.Kind.VIDEO, language="es", tags=["permits"])
    item(cast, "Wage theft report", description="Unpaid wages in agriculture", tags=["wages"])
    visitor = Client()
    assert "Wage theft report" in listing(visitor, "?q=agriculture")
    assert "Open work permits explained" not in listing(visitor, "?q=agriculture")
    assert "Open work permits explained" in listing(visitor, "?kind=video")
    assert "Wage theft report" not in listing(visitor, "?kind=video")
    assert "Open work permits explained" in listing(visitor, "?language=es")
    assert "Wage theft report" in listing(visitor, "?tag=wages")
    assert "Wage theft report" in listing(visitor, "?q=wages")  # tags are searched too
    assert "Nothing matches" in listing(visitor, "?q=nothing-like-this")


def test_the_loaded_library_holds_public_and_members_items(rights_content) -> None:
    assert Resource.objects.filter(visibility="public").exists()
    assert Resource.objects.filter(visibility="members").exists()


def edit_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Recruitment fees report",
        "kind": "report",
        "description": "",
        "url": "https://example.org/report",
        "audience": "front_line",
        "language": "en",
        "visibility": "public",
        "tags": "fees",
        "permission_wording": "",
        "is_published": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_editor_changes_an_item_and_the_library_shows_the_new_words(cast: Cast) -> None:
    report = item(cast, "Recruitment fees report", tags=["fees"])
    edit = reverse("rights:resource_edit", kwargs={"pk": report.pk})
    form = member_client(cast.cora).get(edit).content.decode()
    assert 'value="Recruitment fees report"' in form and "fees" in form  # the form starts from the item
    response = member_client(cast.cora).post(edit, edit_post(title="Recruitment fees in 2026", tags="fees, agents"))
    assert response.status_code == 302
    html = listing(Client())
    assert "Recruitment fees in 2026" in html and "Recruitment fees report" not in html
    assert "#agents" in html


def test_an_unpublished_item_is_shown_to_no_one_but_editors(cast: Cast) -> None:
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 taken down", content_type="application/pdf")
    guide = item(cast, "Guide taken down", url="", file=upload, tags=["fees"])
    edit = reverse("rights:resource_edit", kwargs={"pk": guide.pk})
    response = member_client(cast.omar).post(edit, edit_post(title="Guide taken down", url="", is_published=None))
    assert response.status_code == 302
    guide.refresh_from_db()
    assert not guide.is_published and guide.file  # the file stays, for when it is published again
    for client in (Client(), member_client(cast.bob), member_client(cast.pat)):
        for query in ("", "?q=guide", "?tag=fees", "?kind=report"):
            assert "Guide taken down" not in listing(client, query), query
        assert client.get(f"{LIBRARY}?file={guide.pk}").status_code == 404
    editor_view = listing(member_client(cast.alice))
    assert "Not published" in editor_view and "Guide taken down" in editor_view
    # Publishing it again puts it back for everyone.
    member_client(cast.alice).post(edit, edit_post(title="Guide taken down", url=""))
    assert "Guide taken down" in listing(Client())
    assert Client().get(f"{LIBRARY}?file={guide.pk}").status_code == 200


def test_non_editors_see_no_edit_links_and_cannot_change_items(cast: Cast) -> None:
    report = item(cast, "Recruitment fees report")
    edit = reverse("rights:resource_edit", kwargs={"pk": report.pk})
    assert edit not in listing(Client())
    assert edit not in listing(member_client(cast.bob))
    assert edit in listing(member_client(cast.alice))
    assert member_client(cast.bob).post(edit, edit_post(title="Changed")).status_code in (403, 404)
    report.refresh_from_db()
    assert report.title == "Recruitment fees report"


def test_a_link_replacing_a_file_deletes_the_stored_file(
    cast: Cast, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    upload = SimpleUploadedFile("old.pdf", b"%PDF-1.4 old", content_type="application/pdf")
    guide = item(cast, "Guide", url="", file=upload)
    stored = media_root / guide.file.name
    assert stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        actions.resource_edit(
            by=cast.alice,
            resource=guide,
            title="Guide",
            kind="report",
            description="",
            file=None,
            tags=[],
            url="https://example.org/guide",
            audience="everyone",
            language="en",
            visibility="public",
            permission_wording="",
            permission_given=False,
            is_published=True,
        )
    guide.refresh_from_db()
    assert guide.url == "https://example.org/guide" and not guide.file
    assert not stored.exists()


def test_changing_a_story_keeps_its_permission_and_refuses_to_drop_it(cast: Cast) -> None:
    story = item(
        cast,
        "A worker's story",
        kind=Resource.Kind.STORY,
        permission_wording="You may share my story without my name.",
        permission_given=True,
    )
    recorded_at = story.permission_recorded_at
    assert recorded_at is not None
    edit = reverse("rights:resource_edit", kwargs={"pk": story.pk})
    form = member_client(cast.cora).get(edit).content.decode()
    assert "You may share my story without my name." in form
    keep = {"kind": "story", "title": "A worker's story", "permission_wording": story.permission_wording}
    member_client(cast.cora).post(edit, edit_post(**keep, description="Shorter", permission_given="on"))
    story.refresh_from_db()
    assert story.description == "Shorter" and story.permission_recorded_at == recorded_at
    response = member_client(cast.cora).post(edit, edit_post(**{**keep, "permission_wording": ""}))
    assert response.status_code == 200 and "only with the teller" in response.content.decode()
    story.refresh_from_db()
    assert story.permission_recorded_at == recorded_at and story.is_published


# Who reaches each members-only item, by name in the cast: the walk below tries every one of them.
LIBRARY_EXPECTED = {
    "Quarterly shelter review": {"alice", "bob", "hana", "carol", "omar", "cora"},
    "Joint training notes": {"alice", "bob", "hana", "carol", "omar", "cora", "lee", "rhea"},
    "Story of a garment worker": {"alice", "bob", "hana", "carol", "omar", "cora"},
}


def test_walk_every_members_only_item_with_every_role(cast: Cast) -> None:
    """A personal story never reaches a liaison or a researcher; other items only when opened to them."""
    members_only = {"visibility": Resource.Visibility.MEMBERS}
    items = {
        "Quarterly shelter review": item(cast, "Quarterly shelter review", **members_only),
        "Joint training notes": item(cast, "Joint training notes", open_to_liaisons=True, **members_only),
        # The editor ticked the box for a story too: it is refused.
        "Story of a garment worker": item(
            cast,
            "Story of a garment worker",
            kind=Resource.Kind.STORY,
            permission_wording="You may share my story with the network.",
            permission_given=True,
            open_to_liaisons=True,
            file=SimpleUploadedFile("story.pdf", b"%PDF-1.7 my story"),
            url="",
            **members_only,
        ),
    }
    people = {"anonymous": None, **cast.members()}
    failures = []
    for title, resource in items.items():
        for who, member in people.items():
            client = member_client(member) if member is not None else Client()
            listed = title in listing(client)
            fetched = resource.file and client.get(f"{LIBRARY}?file={resource.pk}").status_code == 200
            if listed != (who in LIBRARY_EXPECTED[title]) or (resource.file and fetched != listed):
                failures.append(f"{title} as {who}: listed {listed}, file {fetched}")
    assert failures == []
    assert Resource.objects.get(pk=items["Story of a garment worker"].pk).open_to_liaisons is False


def test_the_choice_to_include_liaisons_is_off_by_default(cast: Cast) -> None:
    page = member_client(cast.alice).get(reverse("rights:resource_new")).content.decode()
    assert 'name="open_to_liaisons"' in page
    assert not re.search(r'name="open_to_liaisons"[^>]*checked', page)
