"""Forms of the directory pages: one search form for every search page, and the members' edits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from harbour.core.reference import LANGUAGES
from harbour.core.widgets import Checkboxes, Select
from harbour.directory import places, vocabulary
from harbour.directory.models import Service
from harbour.directory.search import DEFAULT_RADIUS_KM, RADIUS_CHOICES_KM, SearchQuery


def _choices(terms: tuple[vocabulary.Term, ...]) -> list[tuple[str, Any]]:
    return [(term.code, term.label) for term in terms]


def _kilometre_label(km: int) -> str:
    return gettext("%(km)s km") % {"km": km}


# Lazy, so the choice reads in the language of the request that shows it (not the one at import).
_kilometres = lazy(_kilometre_label, str)


_PLACE_UNKNOWN = _("We do not know this place. Type a Canadian postal code (like M5V 2T6) or a city name.")
# Coordinates come only from "Use my location": wrong ones mean the location could not be used.
_LOCATION_UNUSABLE = {
    key: _("Your location could not be used: it must be in Canada. Type a postal code or a city instead.")
    for key in ("invalid", "min_value", "max_value")
}


class SearchForm(forms.Form):
    """What a person asks the directory. Read from GET; the place is used for this answer only."""

    q = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Type at most %(limit_value)d characters in the words to look for.")},
    )
    place = forms.CharField(
        label=_("Postal code or city"),
        required=False,
        max_length=60,
        error_messages={"max_length": _("Type at most %(limit_value)d characters for the postal code or city.")},
        help_text=_("For example M5V 2T6, or Winnipeg. Only the first three characters of a postal code are used."),
    )
    # Other apps link with ?postcode= or ?city=; the form shows them in the one place box.
    postcode = forms.CharField(
        required=False, max_length=10, widget=forms.HiddenInput, error_messages={"max_length": _PLACE_UNKNOWN}
    )
    city = forms.CharField(
        required=False, max_length=60, widget=forms.HiddenInput, error_messages={"max_length": _PLACE_UNKNOWN}
    )
    # Filled only when the person presses "Use my location" (rounded to about a kilometre).
    lat = forms.FloatField(
        required=False, min_value=41.0, max_value=84.0, widget=forms.HiddenInput, error_messages=_LOCATION_UNUSABLE
    )
    lon = forms.FloatField(
        required=False, min_value=-142.0, max_value=-52.0, widget=forms.HiddenInput, error_messages=_LOCATION_UNUSABLE
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(str(km), _kilometres(km)) for km in RADIUS_CHOICES_KM],
        widget=Select,
        coerce=float,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a distance from the list.")},
    )
    need = forms.MultipleChoiceField(
        label=_("What do you need?"),
        choices=_choices(vocabulary.NEEDS),
        required=False,
        widget=Checkboxes,
        error_messages={"invalid_choice": _("“%(value)s” is not a need we know. Choose needs from the list.")},
    )
    population = forms.MultipleChoiceField(
        label=_("Who is it for?"),
        choices=_choices(vocabulary.POPULATIONS),
        required=False,
        widget=Checkboxes,
        error_messages={"invalid_choice": _("“%(value)s” is not a group of people we know. Choose from the list.")},
    )
    language = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=list(LANGUAGES),
        required=False,
        widget=Checkboxes,
        error_messages={"invalid_choice": _("“%(value)s” is not a language we know. Choose languages from the list.")},
    )
    status_safe = forms.BooleanField(
        label=_("Safe regardless of immigration status"),
        help_text=_("Does not ask about status, and never shares information with immigration authorities."),
        required=False,
    )
    free = forms.BooleanField(label=_("Free"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    always_open = forms.BooleanField(label=_("Open day and night (24/7)"), required=False)
    has_place_now = forms.BooleanField(label=_("Has a place tonight"), required=False)

    def __init__(self, *args: Any, members: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["radius"].initial = str(int(DEFAULT_RADIUS_KM))
        if self.is_bound and not self.data.get("radius"):
            # Links from other apps carry no distance: show (and search) the default.
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["radius"] = str(int(DEFAULT_RADIUS_KM))
            self.data = data
        self.members = members
        if not members:
            del self.fields["has_place_now"]
        self.origin_label = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (data.get("place") or data.get("postcode") or data.get("city") or "").strip()
        origin = None
        if not typed and data.get("lat") is not None and data.get("lon") is not None:
            origin = places.Point(round(data["lat"], 2), round(data["lon"], 2))
            self.origin_label = str(_("your location"))
        elif typed:
            fsa = places.postcode_place(typed)
            if fsa is not None:
                origin = fsa.point
                self.origin_label = str(places.normalise_postcode(typed))
            else:
                origin = places.place_point(typed)
                self.origin_label = typed
            if origin is None:
                self.add_error("place", _PLACE_UNKNOWN)
            # Show what was typed in the one box, wherever it came from.
            shown = QueryDict(mutable=True)
            shown.update(self.data)
            shown["place"] = typed
            self.data = shown
        data["origin"] = origin
        return data

    def search_query(self, *, include_confidential: bool = False) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            text=data.get("q") or "",
            origin=data.get("origin"),
            radius_km=data.get("radius") or DEFAULT_RADIUS_KM,
            needs=frozenset(data.get("need") or ()),
            populations=frozenset(data.get("population") or ()),
            languages=frozenset(data.get("language") or ()),
            free=bool(data.get("free")),
            open_now=bool(data.get("open_now")),
            always_open=bool(data.get("always_open")),
            status_safe=bool(data.get("status_safe")),
            has_place_now=bool(data.get("has_place_now")),
            include_confidential=include_confidential,
        )


class QuickSearchForm(forms.Form):
    """The hotline's quick search: a need and a place, each one field."""

    need = forms.CharField(label=_("Need"), max_length=60, required=False)
    place = forms.CharField(label=_("Postal code or city"), max_length=60, required=False)
    has_place_now = forms.BooleanField(label=_("Has a place tonight"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (data.get("need") or "").strip()
        data["needs"] = frozenset(need_codes_matching(typed)) if typed else frozenset()
        data["text"] = typed if typed and not data["needs"] else ""
        place = (data.get("place") or "").strip()
        data["origin"] = places.place_point(place) if place else None
        if place and data["origin"] is None:
            self.add_error("place", _("We do not know this place. Type a postal code or a city name."))
        return data


def need_codes_matching(typed: str) -> list[str]:
    """Needs whose code or label (in the current language or English) contains what was typed."""
    folded = places.fold(typed)
    if not folded:
        return []
    found = []
    for term in vocabulary.NEEDS:
        names = (places.fold(term.code), places.fold(str(term.label)), places.fold(term.english_label))
        if any(folded in name for name in names):
            found.append(term.code)
    return found


class ServiceEditForm(forms.ModelForm):  # type: ignore[type-arg]
    """What an organisation administrator keeps current about one of its services."""

    class Meta:
        model = Service
        fields = ("name", "name_fr", "description", "description_fr", "url", "email", "fees_description", "status")
        labels = {
            "name": _("Name in English"),
            "name_fr": _("Name in French"),
            "description": _("Description in English"),
            "description_fr": _("Description in French"),
            "url": _("Website"),
            "email": _("Email"),
            "fees_description": _("Fees"),
            "status": _("Status"),
        }
        widgets = {
            "name": forms.TextInput,
            "name_fr": forms.TextInput,
            "url": forms.URLInput,
            "email": forms.EmailInput,
            "fees_description": forms.TextInput,
        }


class BedsForm(forms.Form):
    places_available = forms.IntegerField(label=_("Places available tonight"), min_value=0, max_value=500)
