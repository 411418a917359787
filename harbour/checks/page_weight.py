"""How many bytes a first visit to a public page transfers, compressed.

A page's weight is the gzip-compressed body of its HTML (and of any redirect on
the way to it) plus every same-origin stylesheet, script, icon, image and font
the page asks for, including what its stylesheets pull in with url() and
@import. Static files are read from the static files storage: the `.gz` file
that WhiteNoise writes beside each one at collectstatic is exactly what it
serves to a browser that accepts gzip; a file without one is sent through
GZipMiddleware, so its gzip-compressed size is counted instead. Each resource
is counted once, however often it is referenced. Response headers are not
counted.

Anything the page references on another origin cannot be measured here (and the
Content-Security-Policy would block it anyway); it is listed in `unmeasured`
so that a check can refuse it.

One KB here is 1,000 bytes.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from django.utils.text import compress_string

from harbour.core.access import policy_of

KB = 1000
DEFAULT_LIMIT_KB = 50
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# <link rel=...> values whose href a browser downloads while loading the page.
FETCHED_LINK_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload"})
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*\)""", re.IGNORECASE)
CSS_IMPORT_STRING = re.compile(r"""@import\s+(?P<quote>['"])(?P<url>.*?)(?P=quote)""", re.IGNORECASE)
# ManifestStaticFilesStorage names: "core/harbour.736bc04b10cc.css" for "core/harbour.css".
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{12}(?P<suffix>\.[^./]+)$")


@dataclass(frozen=True)
class Resource:
    """One transfer: `kind` is html, redirect, stylesheet, script, icon, image, font or other."""

    url: str
    kind: str
    bytes: int
    source: str


@dataclass
class PageWeight:
    path: str
    status: int
    resources: list[Resource] = field(default_factory=list)
    unmeasured: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(resource.bytes for resource in self.resources)

    @property
    def html_bytes(self) -> int:
        return sum(resource.bytes for resource in self.resources if resource.kind in {"html", "redirect"})

    @property
    def kb(self) -> float:
        return self.total / KB

    def over_limit(self, limit_kb: float) -> bool:
        return self.total > limit_kb * KB


@dataclass(frozen=True)
class PublicPage:
    """A public page that takes no URL parameters; `language` is None outside the language prefixes."""

    path: str
    language: str | None
    name: str


# Public URLs that answer with a redirect, never a page: the quick exit's way out (core/views.py).
NOT_PAGES = frozenset({"leave"})


def public_pages() -> list[PublicPage]:
    """Every public, parameter-free page of the URL configuration, once per language where it has a prefix."""
    pages: list[PublicPage] = []
    seen: set[str] = set()
    for name, route, localised in _parameter_free_public_routes(get_resolver().url_patterns, [], [], False):
        if name in NOT_PAGES:
            continue
        languages: list[str | None] = [code for code, _label in settings.LANGUAGES] if localised else [None]
        for language in languages:
            path = route(language)
            if path not in seen:
                seen.add(path)
                pages.append(PublicPage(path=path, language=language, name=name))
    return pages


Route = Callable[[str | None], str]


def _parameter_free_public_routes(
    patterns: list[URLPattern | URLResolver], namespaces: list[str], prefix: list[str], localised: bool
) -> Iterator[tuple[str, Route, bool]]:
    """(URL name, how to build its path in a language, whether it sits under a language prefix)."""
    for entry in patterns:
        pattern = entry.pattern
        here_localised = localised
        if isinstance(pattern, LocalePrefixPattern):
            here_localised = True
            piece = ""
        elif isinstance(pattern, RoutePattern):
            if pattern.converters:
                continue
            piece = str(pattern)
        elif isinstance(pattern, RegexPattern):
            if pattern.regex.groups:
                continue
            piece = ""  # a regex cannot be turned back into a path; only named ones are reached, by reverse()
        else:
            continue
        if isinstance(entry, URLResolver):
            nested = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _parameter_free_public_routes(entry.url_patterns, nested, [*prefix, piece], here_localised)
            continue
        policy = policy_of(entry.callback)
        if policy is None or not policy.is_public:
            continue
        if entry.name:
            name = ":".join([*namespaces, entry.name])
            yield name, _reversing(name), here_localised
        elif isinstance(pattern, RoutePattern) and not here_localised:
            path = "/" + "".join([*prefix, piece])
            yield path, _literal(path), False


def _reversing(name: str) -> Route:
    def route(language: str | None) -> str:
        with translation.override(language or settings.LANGUAGE_CODE):
            return reverse(name)

    return route


def _literal(path: str) -> Route:
    return lambda language: path


def _request_host() -> str:
    """A host name ALLOWED_HOSTS accepts, so the command works outside the test environment too."""
    for host in settings.ALLOWED_HOSTS:
        if host == "testserver":
            return host
    for host in settings.ALLOWED_HOSTS:
        if host != "*" and "*" not in host:
            return host.lstrip(".")
    return "testserver"


def _body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


class _ReferenceParser(HTMLParser):
    """Collects what a browser downloads while rendering the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & FETCHED_LINK_RELS:
                kind = "stylesheet" if "stylesheet" in rels else ("icon" if "icon" in rels else "other")
                if kind == "other" and values.get("as") in {"style", "script", "font", "image"}:
                    kind = {"style": "stylesheet", "script": "script", "font": "font", "image": "image"}[values["as"]]
                self.references.append((kind, values["href"]))
        elif tag == "script" and values.get("src"):
            self.references.append(("script", values["src"]))
        elif values.get("src") and (tag == "img" or (tag == "input" and values.get("type", "").lower() == "image")):
            self.references.append(("image", values["src"]))
        elif tag == "style":
            self._in_style = True
        if values.get("style"):
            self.inline_css.append(values["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.inline_css.append(data)


def css_references(css: str) -> list[tuple[str, str]]:
    """(kind, url) for everything a stylesheet pulls in: fonts, images and imported stylesheets."""
    css = CSS_COMMENT.sub("", css)
    found: list[tuple[str, str]] = []
    imports = {match.group("url") for match in CSS_IMPORT_STRING.finditer(css)}
    for url in imports:
        found.append(("stylesheet", url))
    for match in CSS_URL.finditer(css):
        url = match.group("url").strip()
        before = css[max(0, match.start() - 20) : match.start()].lower()
        found.append(("stylesheet" if "@import" in before else _kind_from_name(url), url))
    return found


def _kind_from_name(url: str) -> str:
    suffix = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    if suffix in {"woff", "woff2", "ttf", "otf", "eot"}:
        return "font"
    if suffix in {"png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico"}:
        return "image"
    if suffix == "css":
        return "stylesheet"
    if suffix in {"js", "mjs"}:
        return "script"
    return "other"


class _Measurer:
    def __init__(self, client: Client, host: str, secure: bool) -> None:
        self.client = client
        self.host = host
        self.origin = f"{'https' if secure else 'http'}://{host}"
        self.secure = secure
        self.counted: set[str] = set()

    def same_origin_path(self, url: str) -> str | None:
        """The path (with query) of a same-origin URL, or None for another origin."""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != self.host:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def get(self, path: str) -> HttpResponseBase:
        return self.client.get(path, headers={"accept-encoding": "gzip"}, secure=self.secure)

    def page(self, path: str) -> PageWeight:
        weight = PageWeight(path=path, status=0)
        url = urljoin(self.origin, path)
        for _hop in range(MAX_REDIRECTS + 1):
            local = self.same_origin_path(url)
            if local is None:
                weight.unmeasured.append(url)
                return weight
            response = self.get(local)
            body = _body(response)
            weight.status = response.status_code
            if response.status_code in REDIRECT_STATUSES and response.has_header("Location"):
                weight.resources.append(Resource(local, "redirect", len(body), "response"))
                url = urljoin(url, response["Location"])
                continue
            weight.resources.append(Resource(local, "html", len(body), "response"))
            self.counted.add(local)
            if "html" in response.get("Content-Type", ""):
                self.html(url, _decoded(response, body), weight)
            return weight
        raise RuntimeError(f"{path} redirects more than {MAX_REDIRECTS} times")

    def html(self, page_url: str, body: bytes, weight: PageWeight) -> None:
        parser = _ReferenceParser()
        parser.feed(body.decode("utf-8", errors="replace"))
        parser.close()
        for kind, reference in parser.references:
            self.resource(urljoin(page_url, reference), kind, weight)
        for css in parser.inline_css:
            for kind, reference in css_references(css):
                self.resource(urljoin(page_url, reference), kind, weight)

    def resource(self, url: str, kind: str, weight: PageWeight) -> None:
        if urlsplit(url).scheme in {"data", "blob", "about"}:
            return  # already counted in the document that holds it
        local = self.same_origin_path(url)
        if local is None:
            if url not in weight.unmeasured:
                weight.unmeasured.append(url)
            return
        key = local.split("#", 1)[0]
        if key in self.counted:
            return
        self.counted.add(key)
        static_name = _static_name(urlsplit(url).path, urlsplit(url).netloc or self.host, self.host)
        if static_name is not None:
            raw, sent, source = _static_bytes(static_name)
        else:
            response = self.get(key)
            sent_body = _body(response)
            raw, sent, source = _decoded(response, sent_body), len(sent_body), "response"
        weight.resources.append(Resource(key, kind, sent, source))
        if kind == "stylesheet" or key.split("?", 1)[0].endswith(".css"):
            for nested_kind, reference in css_references(raw.decode("utf-8", errors="replace")):
                self.resource(urljoin(url, reference), nested_kind, weight)


def _decoded(response: HttpResponseBase, body: bytes) -> bytes:
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(body)
    return body


def _static_name(path: str, netloc: str, host: str) -> str | None:
    static = urlsplit(settings.STATIC_URL or "")
    if static.netloc and static.netloc != netloc:
        return None
    if not static.netloc and netloc != host:
        return None
    prefix = static.path if static.path.startswith("/") else f"/{static.path}"
    if not prefix or prefix == "/" or not path.startswith(prefix):
        return None
    return unquote(path[len(prefix) :])


def _static_bytes(name: str) -> tuple[bytes, int, str]:
    """The file's own bytes, what is sent for it, and where that figure came from."""
    storage: Any = staticfiles_storage
    if storage.exists(name):
        with storage.open(name) as handle:
            raw = handle.read()
        if storage.exists(f"{name}.gz"):
            return raw, storage.size(f"{name}.gz"), "static .gz"
        return raw, len(compress_string(raw)), "static, gzip on the fly"
    found = finders.find(name)
    if found is None:
        hashed = HASHED_NAME.match(name)
        found = finders.find(hashed.group("stem") + hashed.group("suffix")) if hashed else None
    if found is None:
        raise FileNotFoundError(f"static file {name!r} is neither collected nor found; run collectstatic")
    path = found[0] if isinstance(found, list) else found
    with open(path, "rb") as handle:
        raw = handle.read()
    return raw, len(compress_string(raw)), "source file, gzip on the fly"


def measure(path: str, client: Client | None = None) -> PageWeight:
    """The weight of a first visit to `path`: a fresh client, so no cookies and nothing cached."""
    host = _request_host()
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    measurer = _Measurer(client or Client(HTTP_HOST=host), host, secure)
    return measurer.page(path)


def limit_kb_from_environment() -> float:
    raw = os.environ.get("HARBOUR_PAGE_WEIGHT_LIMIT_KB", "")
    if not raw:
        return DEFAULT_LIMIT_KB
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"HARBOUR_PAGE_WEIGHT_LIMIT_KB must be a number, not {raw!r}") from None
    if value <= 0:
        raise ValueError("HARBOUR_PAGE_WEIGHT_LIMIT_KB must be more than 0")
    return value
