"""Every public page weighs at most 50 KB transferred, compressed, with everything it loads."""

from __future__ import annotations

import secrets
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import path

from harbour.checks.page_weight import KB, PageWeight, Resource, css_references, measure, public_pages
from harbour.core import access

LIMIT_KB = 50


def _collected_files_are_stale() -> bool:
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return True
    collected_at = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for name, storage in finder.list([]):
            if Path(storage.path(name)).stat().st_mtime > collected_at:
                return True
    return False


@pytest.fixture(scope="session", autouse=True)
def _collected_static(django_db_blocker):
    """The weights of stylesheets and scripts come from the compressed files collectstatic writes."""
    if _collected_files_are_stale():
        with django_db_blocker.unblock():
            call_command("collectstatic", interactive=False, verbosity=0)


@pytest.mark.parametrize("page", public_pages(), ids=lambda page: page.path)
def test_public_page_weighs_at_most_50_kb(db, page):
    weight = measure(page.path)
    assert weight.status == 200, f"{page.path} answered {weight.status}"
    assert not weight.unmeasured, f"{page.path} loads files from another origin: {weight.unmeasured}"
    breakdown = "\n".join(f"  {resource.bytes:>7} {resource.kind} {resource.url}" for resource in weight.resources)
    assert weight.total <= LIMIT_KB * KB, f"{page.path} weighs {weight.total} bytes:\n{breakdown}"


def test_public_pages_cover_every_language_and_skip_pages_with_parameters():
    paths = {page.path for page in public_pages()}
    for code, _name in settings.LANGUAGES:
        assert f"/{code}/" in paths
        assert f"/{code}/sign-in/" in paths
    assert "/healthz" in paths
    assert not any("<" in found or "members" in found for found in paths), paths


def test_the_weight_counts_the_stylesheet_script_and_icon_once(db):
    weight = measure("/en/")
    names = [resource.url for resource in weight.resources]
    assert any("harbour" in name and name.endswith(".css") for name in names), names
    assert any("harbour" in name and name.endswith(".js") for name in names), names
    assert any(resource.kind == "icon" for resource in weight.resources), names
    assert len(names) == len(set(names))
    assert weight.total > weight.html_bytes > 0
    assert weight.total == sum(resource.bytes for resource in weight.resources)


def test_static_files_are_counted_compressed(db):
    weight = measure("/en/")
    stylesheet = next(resource for resource in weight.resources if resource.kind == "stylesheet")
    assert stylesheet.source == "static .gz"
    raw_size = (settings.STATIC_ROOT / stylesheet.url.removeprefix(settings.STATIC_URL)).stat().st_size
    assert 0 < stylesheet.bytes < raw_size


# A tiny URL configuration for the tests below: pages built to be too heavy, or odd.


@access.public
def heavy_page(request: HttpRequest) -> HttpResponse:
    # Random text barely compresses, so 90,000 characters stay well over 50 KB gzipped.
    filler = secrets.token_urlsafe(90_000)
    return HttpResponse(f'<!doctype html><link rel="stylesheet" href="{static("core/harbour.css")}"><p>{filler}</p>')


@access.public
def odd_page(request: HttpRequest) -> HttpResponse:
    css = static("core/harbour.css")
    return HttpResponse(
        "<!doctype html>"
        f'<link rel="stylesheet" href="{css}"><link rel="stylesheet" href="{css}#again">'
        '<script src="https://cdn.example/tracker.js"></script>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">'
        '<img src="/pixel/" alt="">'
        "<p>" + "small " * 50 + "</p>"
    )


@access.public
def pixel(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"GIF89a" + b"\0" * 300, content_type="image/gif")


@access.public
def moved(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=302, headers={"Location": "/odd/"})


urlpatterns = [
    path("heavy/", heavy_page),
    path("odd/", odd_page),
    path("pixel/", pixel),
    path("moved/", moved),
]


@pytest.mark.urls(__name__)
def test_a_heavy_page_is_reported_over_the_limit(db):
    weight = measure("/heavy/")
    assert weight.status == 200
    assert weight.html_bytes > LIMIT_KB * KB
    assert weight.over_limit(LIMIT_KB)
    assert weight.total > weight.html_bytes  # the stylesheet is added on top


@pytest.mark.urls(__name__)
def test_duplicates_data_urls_other_origins_and_redirects(db):
    weight = measure("/moved/")
    kinds = [(resource.kind, resource.url) for resource in weight.resources]
    assert kinds[0] == ("redirect", "/moved/")
    assert kinds[1] == ("html", "/odd/")
    assert [kind for kind, _url in kinds].count("stylesheet") == 1
    assert ("image", "/pixel/") in kinds
    assert weight.unmeasured == ["https://cdn.example/tracker.js"]


def test_css_references_finds_fonts_images_and_imports():
    css = """
    /* url(commented-out.png) */
    @import "base.css";
    @import url('print.css') print;
    @font-face { src: url("fonts/inter.woff2") format("woff2"); }
    .hero { background: url(img/wave.svg) no-repeat; }
    """
    assert sorted(css_references(css)) == [
        ("font", "fonts/inter.woff2"),
        ("image", "img/wave.svg"),
        ("stylesheet", "base.css"),
        ("stylesheet", "print.css"),
    ]


def test_over_limit_arithmetic():
    weight = PageWeight(path="/x/", status=200, resources=[Resource("/x/", "html", 30_000, "response")])
    assert not weight.over_limit(50)
    weight.resources.append(Resource("/s.css", "stylesheet", 20_000, "static .gz"))
    assert weight.total == 50_000
    assert not weight.over_limit(50)  # at most 50 KB is allowed
    weight.resources.append(Resource("/s.js", "script", 1, "static .gz"))
    assert weight.over_limit(50)
    assert weight.kb == pytest.approx(50.001)


def test_command_lists_every_page_and_passes(db):
    out = StringIO()
    call_command("page_weight", stdout=out)
    report = out.getvalue()
    for page in public_pages():
        assert page.path in report
    assert "All" in report and "within 50 KB" in report


def test_command_fails_over_the_limit(db, monkeypatch):
    with pytest.raises(CommandError, match=r"/en/ weighs .* over the 1 KB limit"):
        call_command("page_weight", "--limit", "1", stdout=StringIO())
    monkeypatch.setenv("HARBOUR_PAGE_WEIGHT_LIMIT_KB", "2")
    with pytest.raises(CommandError, match="over the 2 KB limit"):
        call_command("page_weight", stdout=StringIO())
    monkeypatch.setenv("HARBOUR_PAGE_WEIGHT_LIMIT_KB", "lots")
    with pytest.raises(CommandError, match="must be a number"):
        call_command("page_weight", stdout=StringIO())
