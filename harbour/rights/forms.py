"""Forms of the rights app."""

from __future__ import annotations

import math
from pathlib import PurePath
from typing import Any

import yaml
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from harbour.rights.loading import ContentError, check_course_content, check_package_content
from harbour.rights.models import Resource, SheetText

# Files members may upload to the library; what a phone can open, nothing that runs.
LIBRARY_FILE_TYPES = {".pdf", ".txt", ".mp3", ".mp4", ".jpg", ".jpeg", ".png", ".webm", ".ogg"}
LIBRARY_MAX_BYTES = 20 * 1024 * 1024
SOURCE_FIELDS = ("title", "publisher", "url", "date")


class SheetTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Paragraphs separated by an empty line; “## ” starts a heading, “- ” a list item, "
            "**words** are stressed, [words](https://…) is a link."
        ),
    )
    sources = forms.CharField(
        label=_("Sources"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One source a line: title | publisher | address | date (YYYY-MM)."),
    )
    quality = forms.ChoiceField(
        label=_("Translation status"),
        choices=[(value, label) for value, label in SheetText.Quality.choices if value != SheetText.Quality.ORIGINAL],
        required=False,
    )
    checked_against_original = forms.BooleanField(
        label=_("I checked this translation against the current original"), required=False
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300)

    def __init__(self, *args: Any, is_original: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_original:
            del self.fields["quality"]
            del self.fields["checked_against_original"]
        else:
            self.fields["quality"].required = True

    def clean_sources(self) -> list[dict[str, str]]:
        sources = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != len(SOURCE_FIELDS) or not all(parts):
                raise forms.ValidationError(
                    _("Line %(number)d needs four parts separated by |: title, publisher, address, date."),
                    params={"number": number},
                )
            if not parts[2].startswith(("https://", "http://")):
                raise forms.ValidationError(
                    _("Line %(number)d: the address must start with https://."), params={"number": number}
                )
            sources.append(dict(zip(SOURCE_FIELDS, parts, strict=True)))
        if not sources:
            raise forms.ValidationError(_("Name at least one source."))
        return sources


def sources_as_text(sources: list[dict[str, str]]) -> str:
    return "\n".join(" | ".join(source.get(key, "") for key in SOURCE_FIELDS) for source in sources)


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Resource.Kind.choices], required=False)
    audience = forms.ChoiceField(
        label=_("For"), choices=[("", _("Anyone")), *Resource.Audience.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *settings.LANGUAGES], required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Or a file"), required=False)
    audience = forms.ChoiceField(label=_("For"), choices=Resource.Audience.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Resource.Visibility.choices)
    open_to_liaisons = forms.BooleanField(
        label=_("Members only: also for government and law-enforcement liaisons and researchers"),
        required=False,
        help_text=_(
            "Leave unticked for anything meant for the network's organisations only. Never for a personal story."
        ),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    permission_wording = forms.CharField(
        label=_("For a personal story: the permission the teller gave, in their words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    permission_given = forms.BooleanField(
        label=_("The teller gave this permission to publish their story, for the audience chosen above"),
        required=False,
    )
    is_published = forms.BooleanField(
        label=_("Published in the library"),
        required=False,
        initial=True,
        help_text=_("Untick to take the item down: only editors see it until it is published again."),
    )

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # When changing an item that has a file, the file stays unless a link or another file replaces it.
        self.has_file = has_file
        if has_file:
            self.fields["file"].help_text = _("The item has a file: it stays unless you give a link or another file.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if PurePath(upload.name or "").suffix.lower() not in LIBRARY_FILE_TYPES:
            raise forms.ValidationError(
                _("Harbour keeps only these kinds of file: %(types)s."),
                params={"types": ", ".join(sorted(LIBRARY_FILE_TYPES))},
            )
        if upload.size is not None and upload.size > LIBRARY_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean_tags(self) -> list[str]:
        return sorted({tag.strip().lower() for tag in self.cleaned_data["tags"].split(",") if tag.strip()})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("file") and not self.has_file:
            raise forms.ValidationError(_("Give a link or a file."))
        if data.get("url") and data.get("file"):
            raise forms.ValidationError(_("Give a link or a file, not both."))
        if data.get("kind") == Resource.Kind.STORY and not (
            data.get("permission_given") and (data.get("permission_wording") or "").strip()
        ):
            raise forms.ValidationError(
                _("A personal story is published only with the teller's permission: write it down and confirm it.")
            )
        return data


CONTENT_MAX_CHARS = 100_000
_LARGEST_NUMBER = 2**53  # what every JSON reader keeps exactly


class _ContentLoader(yaml.SafeLoader):
    """YAML as an editor writes a version: no aliases (280 bytes of them can stand for megabytes),
    and dates kept as the text they were typed as (a JSON column cannot hold a date)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        return super().compose_node(parent, index)


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _plain(value: Any) -> Any:
    """The value if it is text, a sensible number, true/false, nothing, a list or a mapping of those."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and abs(value) <= _LARGEST_NUMBER:
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= _LARGEST_NUMBER:
        return value
    raise ValueError(f"{str(value)[:20]} is not a number Harbour can keep")


def read_content(text: str) -> Any:
    """An editor's YAML as plain values, or a ValidationError that says what is wrong."""
    if len(text) > CONTENT_MAX_CHARS:
        raise forms.ValidationError(
            _("The content is longer than %(limit)s characters."), params={"limit": CONTENT_MAX_CHARS}
        )
    try:
        return _plain(yaml.load(text, Loader=_ContentLoader))  # noqa: S506 - a SafeLoader, made stricter
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0]
    except RecursionError:
        reason = str(_("it nests too deeply"))
    except (ValueError, OverflowError) as error:  # a 5,000-digit number, a date such as 0000-00-00
        reason = str(error).splitlines()[0][:200]
    raise forms.ValidationError(_("This cannot be read: %(error)s"), params={"error": reason})


class ContentVersionForm(forms.Form):
    """A new version of a help package or a course module, written as in the content files (YAML)."""

    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 30, "dir": "auto"}),
        help_text=_("Written as in the content files (YAML): keep the same keys, change the words."),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_content(self) -> dict[str, Any]:
        data = read_content(self.cleaned_data["content"])
        check = check_package_content if self.kind == "help" else check_course_content
        try:
            return check(str(_("content")), data)
        except ContentError as error:
            raise forms.ValidationError(_("This cannot be used: %(error)s"), params={"error": str(error)}) from None


def content_as_text(content: dict[str, Any]) -> str:
    text: str = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100)
    return text
