"""Every string people see is translatable, French is complete, and Arabic pages read right to left."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import LazySettings, settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils.translation.reloader import translation_file_changed

from harbour.checks.i18n_lint import Problem, check_python, check_templates, python_problems, template_problems
from harbour.checks.management.commands.check_translations import placeholder_problems
from harbour.checks.tests import small_catalogues

BASE_DIR = Path(settings.BASE_DIR)


def texts(problems: list[Problem]) -> list[str]:
    return [problem.text for problem in problems]


# The template checker


def test_template_checker_flags_an_unmarked_sentence() -> None:
    problems = template_problems("{% load i18n %}\n<p>\n  Your case is saved.\n</p>", "example.html")
    assert [(problem.path, problem.line, problem.text) for problem in problems] == [
        ("example.html", 3, "Your case is saved.")
    ]


def test_template_checker_flags_an_unmarked_aria_label() -> None:
    problems = template_problems('<nav aria-label="Main menu"><a href="/">{{ home }}</a></nav>')
    assert texts(problems) == ['aria-label="Main menu"']


def test_template_checker_flags_other_attributes_people_read_or_hear() -> None:
    source = (
        '<img alt="A map" src="x.png"><input type="submit" value="Send">'
        '<input type="text" name="q" value="kept"><meta name="description" content="Help near you">'
        '{{ value|default:"Unknown" }}'
    )
    assert texts(template_problems(source)) == [
        'alt="A map"',
        'content="Help near you"',
        'default:"Unknown"',
        'value="Send"',
    ]


def test_template_checker_flags_literals_that_tags_print() -> None:
    source = """{% load i18n %}
{% include "core/form.html" with submit="Save" title=_("Fine") count="3" %}"""
    assert [(problem.line, problem.text) for problem in template_problems(source)] == [(2, 'submit="Save"')]


def test_template_checker_accepts_the_same_text_when_translated() -> None:
    source = """{% load i18n %}
<p>{% translate "Your case is saved." %}</p>
<nav aria-label="{% translate 'Main menu' %}"></nav>
<p>{% blocktranslate trimmed with name=person.name %}
  Your case is saved, <a href="/" title="Home">{{ name }}</a>.
{% endblocktranslate %}</p>
<p>{% blocktrans %}Old spelling, still fine.{% endblocktrans %}</p>"""
    assert template_problems(source) == []


def test_template_checker_ignores_markup_code_comments_and_allowed_words() -> None:
    source = """<!doctype html>
<title>{% block title %}{% endblock %} · Harbour</title>
<!-- a note for developers -->
{# a template comment #}
{% comment %}A longer note.{% endcomment %}
<script>document.title = "not prose";</script><style>.a::after { content: "x" }</style>
<td>{{ entry.record_type }} #{{ entry.record_id }} &amp; &nbsp; (911) <kbd>Esc</kbd></td>
<a href="{% url 'home' %}"{% if current %} aria-current="true"{% endif %}>{{ label }}</a>"""
    assert template_problems(source) == []


def test_template_checker_reports_the_line_in_the_template() -> None:
    source = "{% if a %}\n{% blocktranslate %}fine\nfine{% endblocktranslate %}\n{% endif %}\n<p>Not fine</p>"
    assert [problem.line for problem in template_problems(source)] == [5]


# The Python checker


def test_python_checker_flags_unmarked_messages_and_validation_errors() -> None:
    source = """
from django.contrib import messages
from django.core.exceptions import ValidationError

def view(request):
    messages.error(request, "Oops")
    raise ValidationError("Bad")
"""
    problems = python_problems(source, "example.py")
    assert [(problem.path, problem.line, problem.text) for problem in problems] == [
        ("example.py", 6, "Oops"),
        ("example.py", 7, "Bad"),
    ]


def test_python_checker_accepts_marked_strings() -> None:
    source = """
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, ngettext

def view(request, count):
    messages.error(request, _("Oops"))
    messages.info(request, ngettext("%(n)s case", "%(n)s cases", count) % {"n": count})
    logger.error("Not shown to people")
    raise ValidationError(_("Bad"), code="bad")
"""
    assert python_problems(source) == []


def test_python_checker_flags_the_other_places_people_read() -> None:
    source = """
class Kind(models.TextChoices):
    SHELTER = "shelter", "Shelter"
    CLINIC = "clinic", _("Clinic")
    OTHER = "other"

class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text=_("Fine"))
    place = forms.ChoiceField(choices=[("a", "Here"), ("b", _("There"))])
    note = forms.CharField(widget=forms.Textarea(attrs={"placeholder": "Write here", "rows": "3"}))

class Example(models.Model):
    title = models.CharField("title", max_length=10)
    owner = models.ForeignKey("network.Member", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "example"

def view(request, form):
    form.add_error("name", f"Name {form} taken")
    return render(request, "core/form.html", {"title": "Hello", "form": form, "submit": _("Go")})
"""
    assert texts(python_problems(source)) == [
        "Shelter",
        "OTHER: choice without a translated label",
        "Name",
        "Here",
        "Write here",
        "title",
        "example",
        "f'Name {form} taken'",
        "Hello",
    ]


# The real project


def test_every_template_is_marked_for_translation() -> None:
    assert [str(problem) for problem in check_templates(BASE_DIR)] == []


def test_every_user_facing_python_string_is_marked_for_translation() -> None:
    assert [str(problem) for problem in check_python(BASE_DIR)] == []


def test_check_translations_passes_on_the_real_catalogues() -> None:
    out, errors = StringIO(), StringIO()
    try:
        call_command("check_translations", "--no-update", stdout=out, stderr=errors)
    except CommandError:
        pytest.fail(errors.getvalue())
    assert "every required translation is there" in out.getvalue()


def test_catalogues_declare_their_plural_forms() -> None:
    french = polib.pofile(str(BASE_DIR / "locale/fr/LC_MESSAGES/django.po"))
    arabic = polib.pofile(str(BASE_DIR / "locale/ar/LC_MESSAGES/django.po"))
    assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert arabic.metadata["Plural-Forms"].startswith("nplurals=6;")


# The catalogue checks, on small catalogues of their own


def run_check(settings: LazySettings, tmp_path: Path, fr: list[polib.POEntry], ar: list[polib.POEntry]) -> str:
    return small_catalogues.run_check(settings, tmp_path, fr, ar, draft_language="ar")


LAYOUT = [("harbour/core/templates/core/base.html", "")]
ELSEWHERE = [("harbour/network/views.py", "")]


def test_a_missing_french_translation_fails(settings: LazySettings, tmp_path: Path) -> None:
    fr = [polib.POEntry(msgid="Save", msgstr="", occurrences=ELSEWHERE)]
    assert "untranslated: 'Save'" in run_check(settings, tmp_path, fr, [])


def test_a_fuzzy_french_translation_fails(settings: LazySettings, tmp_path: Path) -> None:
    fr = [polib.POEntry(msgid="Save", msgstr="Supprimer", flags=["fuzzy"], occurrences=ELSEWHERE)]
    assert "fuzzy: 'Save'" in run_check(settings, tmp_path, fr, [])


def test_a_changed_placeholder_fails(settings: LazySettings, tmp_path: Path) -> None:
    fr = [
        polib.POEntry(
            msgid="Case %(reference)s", msgstr="Dossier %(référence)s", flags=["python-format"], occurrences=ELSEWHERE
        )
    ]
    assert "placeholders differ" in run_check(settings, tmp_path, fr, [])


def test_plural_forms_may_drop_the_number_but_not_invent_a_placeholder() -> None:
    entry = polib.POEntry(
        msgid="%(count)s case",
        msgid_plural="%(count)s cases",
        msgstr_plural={0: "un dossier", 1: "%(count)s dossiers"},
        flags=["python-format"],
    )
    assert placeholder_problems(entry) == []
    entry.msgstr_plural[1] = "%(total)s dossiers"
    assert placeholder_problems(entry) == ["plural form 1 has unknown placeholders ['%(total)s']: '%(count)s case'"]


def test_arabic_may_be_partial_but_not_in_the_layout(settings: LazySettings, tmp_path: Path) -> None:
    ar_partial = [polib.POEntry(msgid="Save", msgstr="", occurrences=ELSEWHERE)]
    assert run_check(settings, tmp_path, [], ar_partial) == ""


def test_an_untranslated_arabic_layout_string_fails(settings: LazySettings, tmp_path: Path) -> None:
    ar_layout = [polib.POEntry(msgid="Sign out", msgstr="", occurrences=LAYOUT)]
    assert "untranslated layout string (core/base.html): 'Sign out'" in run_check(settings, tmp_path, [], ar_layout)


# Pages in French and Arabic


@pytest.fixture
def compiled_catalogues() -> None:
    call_command("build_translations", stdout=StringIO())
    # Forget catalogues an earlier test loaded before the .mo files existed.
    translation_file_changed(None, BASE_DIR / "locale/fr/LC_MESSAGES/django.mo")


@pytest.mark.usefixtures("db", "compiled_catalogues")
def test_home_page_in_french(client: Client) -> None:
    page = client.get("/fr/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Quitter ce site maintenant" in page
    assert "Si vous êtes en danger maintenant" in page


@pytest.mark.usefixtures("db", "compiled_catalogues")
def test_home_page_in_arabic_reads_right_to_left(client: Client) -> None:
    page = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "غادر هذا الموقع الآن" in page
    assert "انتقل إلى المحتوى الرئيسي" in page
