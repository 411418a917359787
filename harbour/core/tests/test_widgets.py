"""`harbour.core.widgets.Checkboxes` writes exactly the HTML Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from harbour.core.widgets import Checkboxes, Select
from harbour.directory.forms import SearchForm

CHOICES = [("a", "Plain"), ("b&c", 'Quotes " and <tags>'), ("d", "L'apostrophe")]
GROUPED = [("Group <one>", [("x", "Ex"), ("y", "Why")]), ("z", "Zed")]


class Both(forms.Form):
    fast = forms.MultipleChoiceField(choices=CHOICES, widget=Checkboxes, required=False)
    slow = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    fast_grouped = forms.MultipleChoiceField(
        choices=GROUPED, widget=Checkboxes(attrs={"class": "choices"}), required=False
    )
    slow_grouped = forms.MultipleChoiceField(
        choices=GROUPED, widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}), required=False
    )


def _same(form: forms.Form, fast: str, slow: str) -> None:
    mine = str(form[fast]).replace(f"id_{fast}", "ID").replace(f'name="{fast}"', "NAME")
    django = str(form[slow]).replace(f"id_{slow}", "ID").replace(f'name="{slow}"', "NAME")
    assert mine == django


@pytest.mark.parametrize("data", ["", "fast=a&slow=a", "fast=b%26c&slow=b%26c&fast=d&slow=d"])
def test_checkboxes_write_djangos_html(data):
    form = Both(QueryDict(data) if data else None)
    _same(form, "fast", "slow")
    grouped = data.replace("fast=a", "fast_grouped=x").replace("slow=a", "slow_grouped=x")
    form = Both(QueryDict(grouped) if grouped else None)
    _same(form, "fast_grouped", "slow_grouped")


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_directory_search_forms_lists_are_djangos_html_in_every_language(language):
    with translation.override(language):
        form = SearchForm(QueryDict("need=shelter&population=women&language=fr&language=ar"))
        assert form.is_valid(), form.errors
        for name in ("need", "population", "language"):
            field = form[name]
            assert isinstance(field.field, forms.MultipleChoiceField)
            django = forms.CheckboxSelectMultiple(choices=list(field.field.choices))  # type: ignore[arg-type]
            expected = django.render(name, field.value(), attrs={"id": f"id_{name}"})
            assert str(field) == expected
            assert "checked" in str(field)


class Lists(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, widget=Select, required=False)
    slow = forms.ChoiceField(choices=CHOICES, widget=forms.Select, required=False)
    fast_grouped = forms.ChoiceField(choices=GROUPED, widget=Select(attrs={"class": "pick"}), required=False)
    slow_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.Select(attrs={"class": "pick"}), required=False)


@pytest.mark.parametrize("data", ["", "fast=a&slow=a", "fast=b%26c&slow=b%26c", "fast=zz&slow=zz"])
def test_select_writes_djangos_html(data):
    form = Lists(QueryDict(data) if data else None)
    _same(form, "fast", "slow")
    grouped = data.replace("fast=", "fast_grouped=").replace("slow=", "slow_grouped=").replace("=a", "=y")
    form = Lists(QueryDict(grouped) if grouped else None)
    _same(form, "fast_grouped", "slow_grouped")
    assert ("selected" in str(form["fast_grouped"])) == ("=y" in grouped)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("radius", ["", "5", "500"])
def test_the_directory_search_forms_distance_list_is_djangos_html_in_every_language(language, radius):
    with translation.override(language):
        form = SearchForm(QueryDict(f"radius={radius}&q=x"))
        assert form.is_valid(), form.errors
        field = form["radius"]
        assert isinstance(field.field, forms.ChoiceField)
        django = forms.Select(choices=list(field.field.choices))  # type: ignore[arg-type]
        expected = django.render("radius", field.value(), attrs={"id": "id_radius"})
        assert str(field) == expected
        assert f'value="{radius or 50}" selected' in str(field)
