"""Help packages and course modules: draft, review and publish with a history; only the published version is shown."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from harbour.rights import actions
from harbour.rights.loading import CONTENT_DIR, load_content
from harbour.rights.models import ContentVersion, CourseCompletion, CourseModule, Package
from harbour.testing import Cast

MODULE = "recognising-trafficking"


def package_draft(cast: Cast, name: str) -> ContentVersion:
    package = Package.objects.get(slug="toronto")
    published = package.versions.get(state="published")
    content = copy.deepcopy(published.content)
    content["entries"][0]["name"] = name
    return actions.content_version_draft(by=cast.alice, subject=package, content=content, change_note="renamed")


def module_draft(cast: Cast, title: str) -> ContentVersion:
    module = CourseModule.objects.get(slug=MODULE)
    content = copy.deepcopy(module.content)
    content["en"]["title"] = title
    return actions.content_version_draft(by=cast.alice, subject=module, content=content, change_note="retitled")


def test_the_loader_makes_the_first_published_version(rights_content) -> None:
    subjects: list[Package | CourseModule] = [*Package.objects.all(), *CourseModule.objects.all()]
    for subject in subjects:
        assert [(v.number, v.state) for v in subject.versions.all()] == [(1, "published")]
    assert load_content().packages == rights_content.packages  # again: no new version
    assert ContentVersion.objects.filter(number=2).count() == 0


def test_an_unpublished_package_version_is_never_shown_to_visitors(rights_content, cast: Cast) -> None:
    draft = package_draft(cast, "Unpublished hotline name")
    url = reverse("rights:package", kwargs={"slug": "toronto"})
    assert "Unpublished hotline name" not in Client().get(url).content.decode()
    actions.content_version_submit(by=cast.alice, text=draft)
    assert "Unpublished hotline name" not in Client().get(url).content.decode()
    actions.content_version_publish(by=cast.cora, text=draft)
    assert "Unpublished hotline name" in Client().get(url).content.decode()


def test_an_unpublished_module_version_is_never_shown_to_members(rights_content, cast: Cast) -> None:
    draft = module_draft(cast, "Unpublished module title")
    client = Client()
    client.force_login(cast.bob)
    url = reverse("rights:course_module", kwargs={"slug": MODULE})
    actions.content_version_submit(by=cast.alice, text=draft)
    assert "Unpublished module title" not in client.get(url).content.decode()
    assert "Unpublished module title" not in client.get(reverse("rights:course")).content.decode()
    actions.content_version_publish(by=cast.omar, text=draft)
    assert "Unpublished module title" in client.get(url).content.decode()


def test_a_writer_cannot_publish_their_own_version(rights_content, cast: Cast) -> None:
    draft = package_draft(cast, "Mine")
    with pytest.raises(ValidationError):
        actions.content_version_publish(by=cast.cora, text=draft)  # not sent for review yet
    actions.content_version_submit(by=cast.alice, text=draft)
    with pytest.raises(PermissionDenied):
        actions.content_version_publish(by=cast.alice, text=draft)
    client = Client()
    client.force_login(cast.alice)
    response = client.post(reverse("rights:version_detail", kwargs={"pk": draft.pk}), {"step": "publish"}, follow=True)
    assert "Another editor must review and publish what you wrote." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "in_review"
    assert Package.objects.get(slug="toronto").entries.filter(name="Mine").count() == 0


def test_the_history_lists_versions_newest_first_and_keeps_the_replaced_one(rights_content, cast: Cast) -> None:
    second = package_draft(cast, "Second")
    actions.content_version_submit(by=cast.alice, text=second)
    actions.content_version_publish(by=cast.cora, text=second)
    third = package_draft(cast, "Third")
    client = Client()
    client.force_login(cast.omar)
    html = client.get(reverse("rights:version_history", kwargs={"kind": "help", "slug": "toronto"})).content.decode()
    links = [reverse("rights:version_detail", kwargs={"pk": v.pk}) for v in (third, second)]
    first = ContentVersion.objects.get(package__slug="toronto", number=1)
    links.append(reverse("rights:version_detail", kwargs={"pk": first.pk}))
    positions = [html.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    assert [v.state for v in Package.objects.get(slug="toronto").versions.order_by("number")] == [
        "retired",
        "published",
        "draft",
    ]


def test_completions_survive_a_new_module_version(rights_content, cast: Cast) -> None:
    module = CourseModule.objects.get(slug=MODULE)
    CourseCompletion.objects.create(member=cast.bob, module=module, score=100)
    draft = module_draft(cast, "A new title")
    actions.content_version_submit(by=cast.alice, text=draft)
    actions.content_version_publish(by=cast.cora, text=draft)
    assert CourseCompletion.objects.filter(member=cast.bob, module__slug=MODULE).count() == 1
    assert CourseModule.objects.get(slug=MODULE).words("en")["title"] == "A new title"


def test_an_editor_writes_a_draft_through_the_form_and_bad_content_is_refused(rights_content, cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    url = reverse("rights:version_new", kwargs={"kind": "help", "slug": "toronto"})
    form = client.get(url).content.decode()
    assert "entries:" in form
    response = client.post(url, {"content": "entries:\n- kind: nonsense\n  name: X\n", "change_note": "x"})
    assert response.status_code == 200
    assert "unknown kind" in response.content.decode()
    assert "kind: nonsense" in response.content.decode()  # what was typed is kept
    good = "entries:\n- kind: hotline\n  name: Written in the form\n  phone: 1-833-900-1010\n"
    response = client.post(url, {"content": good, "change_note": "one line"})
    version = Package.objects.get(slug="toronto").versions.get(number=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{version.pk}/")
    assert version.state == "draft" and version.written_by == cast.alice
    assert version.content["entries"][0]["name"] == "Written in the form"


def test_update_makes_a_new_published_version_from_a_changed_file(db, tmp_path: Path) -> None:
    load_content()
    content = tmp_path / "content"
    content.mkdir()
    (content / "fact_sheets").mkdir()
    packages = yaml.safe_load((CONTENT_DIR / "packages.yaml").read_text(encoding="utf-8"))
    packages[0]["entries"][0]["name"] = "Changed in the file"
    (content / "packages.yaml").write_text(yaml.safe_dump(packages, allow_unicode=True), encoding="utf-8")
    load_content(content)
    package = Package.objects.get(slug=packages[0]["slug"])
    assert package.versions.count() == 1  # without --update, what is published stays
    load_content(content, update=True)
    assert [(v.number, v.state) for v in package.versions.all()] == [(2, "published"), (1, "retired")]
    assert package.entries.filter(name="Changed in the file").exists()


def test_a_module_loaded_before_versions_keeps_its_words_as_its_first_version(rights_content) -> None:
    module = CourseModule.objects.get(slug=MODULE)
    module.versions.all().delete()
    older = copy.deepcopy(module.content)
    older["en"]["title"] = "The words members read today"
    module.content = older
    module.save()
    load_content()
    module.refresh_from_db()
    assert module.words("en")["title"] == "The words members read today"
    assert [(v.number, v.state, v.content) for v in module.versions.all()] == [(1, "published", older)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("entries:\n- kind: hotline\n  name: X\n  phone: " + "9" * 30 + "\n", "not a number Harbour can keep"),
        ("entries:\n- kind: hotline\n  name: X\n  phone: " + "9" * 5000 + "\n", "This cannot be read"),
        ("entries:\n- kind: hotline\n  name: 0000-00-00\n", None),  # kept as the text typed
        ("entries:\n- kind: hotline\n  name: X\n  note: .nan\n", "not a number Harbour can keep"),
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "aliases (*name) are not allowed"),
        ("entries: " + "[" * 5000 + "]" * 5000, "This cannot be read"),
        ("entries:\n- kind: hotline\n  name: X\n  note: " + "x" * 100_001 + "\n", "longer than 100000 characters"),
    ],
)
def test_hostile_content_gets_a_message_never_a_server_error(
    rights_content, cast: Cast, content: str, message: str | None
) -> None:
    client = Client()
    client.force_login(cast.alice)
    url = reverse("rights:version_new", kwargs={"kind": "help", "slug": "toronto"})
    response = client.post(url, {"content": content, "change_note": "x"})
    if message is None:
        assert response.status_code == 302
        version = Package.objects.get(slug="toronto").versions.get(number=2)
        assert version.content["entries"][0]["name"] == "0000-00-00"
    else:
        assert response.status_code == 200
        assert message in response.content.decode().replace("&#x27;", "'")
