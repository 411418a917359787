"""What a person can search the directory for: needs, populations served, safety and languages.

Each term has a stable code (other apps link to the search with `?need=<code>`,
so a code never changes once published) and a translatable label, so a person
searches in their own language. In HSDS the terms are taxonomy terms of
Harbour's own taxonomies, linked to services by attributes; where a need has an
equivalent in the Open Eligibility taxonomy (Aunt Bertha v2.0, CC BY-SA 3.0,
`../shared/data/openeligibility/auntbertha/taxonomy.xml`), its id and title are
kept here so exports carry that term as well. Needs without one are local terms.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Stable identifiers: a term's HSDS id is derived from its taxonomy and code, never stored twice.
HARBOUR_NAMESPACE = uuid.UUID("8d1f3c0e-6a55-4f0c-9a43-7c1d2b6e9f10")
TAXONOMY_VERSION = "1"


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str
    uri: str

    @cached_property
    def id(self) -> str:  # read on every result of every search: computed once
        return str(uuid.uuid5(HARBOUR_NAMESPACE, f"taxonomy:{self.key}"))


NEEDS_TAXONOMY = Taxonomy(
    "harbour-needs",
    "Harbour needs",
    "What a person needs help with, in Harbour's directory.",
    "https://harbour.example/taxonomies/needs",
)
POPULATIONS_TAXONOMY = Taxonomy(
    "harbour-populations",
    "Harbour populations served",
    "Whom a service is for.",
    "https://harbour.example/taxonomies/populations",
)
SAFETY_TAXONOMY = Taxonomy(
    "harbour-safety",
    "Harbour safety commitments",
    "Commitments a service makes about immigration status.",
    "https://harbour.example/taxonomies/safety",
)
OPEN_ELIGIBILITY_TAXONOMY = Taxonomy(
    "open-eligibility",
    "Open Eligibility",
    "Open Eligibility human services taxonomy v2.0 by Aunt Bertha, Inc. (CC BY-SA 3.0).",
    "https://github.com/auntbertha/openeligibility",
)
TAXONOMIES = (NEEDS_TAXONOMY, POPULATIONS_TAXONOMY, SAFETY_TAXONOMY, OPEN_ELIGIBILITY_TAXONOMY)

# HSDS attribute.link_type for each of Harbour's taxonomies.
LINK_TYPES = {
    NEEDS_TAXONOMY.key: "service_type",
    POPULATIONS_TAXONOMY.key: "eligibility",
    SAFETY_TAXONOMY.key: "safety",
    OPEN_ELIGIBILITY_TAXONOMY.key: "service_type",
}


@dataclass(frozen=True)
class Term:
    code: str
    label: str | Promise
    taxonomy: Taxonomy
    # Open Eligibility v2.0 id and title, when the need has an equivalent there.
    open_eligibility: tuple[str, str] | None = None

    @cached_property
    def id(self) -> str:  # read on every result of every search: computed once
        return str(uuid.uuid5(HARBOUR_NAMESPACE, f"term:{self.taxonomy.key}:{self.code}"))

    @property
    def english_label(self) -> str:
        from django.utils import translation

        with translation.override("en"):
            return str(self.label)


def _need(code: str, label: str | Promise, open_eligibility: tuple[str, str] | None = None) -> Term:
    return Term(code, label, NEEDS_TAXONOMY, open_eligibility)


def _population(code: str, label: str | Promise) -> Term:
    return Term(code, label, POPULATIONS_TAXONOMY)


def _safety(code: str, label: str | Promise) -> Term:
    return Term(code, label, SAFETY_TAXONOMY)


# The order is the order a person sees; the first fourteen codes are a published contract.
NEEDS: tuple[Term, ...] = (
    _need("shelter", _("A safe place to stay"), ("1121", "Emergency Shelter")),
    _need("trafficking-support", _("Support after trafficking or exploitation")),
    _need("labour-rights", _("Labour rights and unpaid wages"), ("1386", "Workplace Rights")),
    _need("immigration-legal", _("Immigration legal help"), ("1381", "Citizenship & Immigration")),
    _need("legal-aid", _("Legal aid"), ("1375", "Advocacy & Legal Aid")),
    _need("interpretation", _("Interpretation and translation"), ("1390", "Translation & Interpretation")),
    _need("health-care", _("Health care"), ("1206", "Medical Care")),
    _need("mental-health", _("Counselling and mental health"), ("1220", "Counseling")),
    _need("crisis-line", _("Crisis line, day and night"), ("1305", "Help Hotlines")),
    _need("food", _("Food"), ("1102", "Food")),
    _need("clothing", _("Clothing"), ("1158", "Clothing")),
    _need("employment-help", _("Help finding safe work"), ("1357", "Help Find Work")),
    _need("settlement", _("Settlement help for newcomers")),
    _need("transportation", _("Transportation"), ("1175", "Transportation")),
    # Local additions.
    _need("housing-help", _("Help finding housing"), ("1136", "Help Find Housing")),
    _need("child-protection", _("Protection for children")),
    _need("language-classes", _("English or French classes"), ("1326", "English as a Second Language (ESL)")),
    _need("identity-documents", _("Replacing identity documents"), ("1384", "Identification Recovery")),
)

POPULATIONS: tuple[Term, ...] = (
    _population("women", _("Women")),
    _population("men", _("Men")),
    _population("gender-diverse", _("Gender-diverse people")),
    _population("children", _("Children")),
    _population("youth", _("Youth")),
    _population("families", _("Families")),
    _population("newcomers", _("Newcomers")),
    _population("no-immigration-status", _("People without immigration status")),
    _population("labour-trafficking-survivors", _("Survivors of labour trafficking")),
    _population("sexual-exploitation-survivors", _("Survivors of sexual exploitation")),
)

# "Safe regardless of immigration status" is these two facts together.
DOES_NOT_ASK_STATUS = "does-not-ask-status"
DOES_NOT_SHARE_STATUS = "does-not-share-status"
SAFETY: tuple[Term, ...] = (
    _safety(DOES_NOT_ASK_STATUS, _("Does not ask about immigration status")),
    _safety(DOES_NOT_SHARE_STATUS, _("Never shares information with immigration authorities")),
)
NEED_CODES = frozenset(term.code for term in NEEDS)
_BY_KEY = {(term.taxonomy.key, term.code): term for term in NEEDS + POPULATIONS + SAFETY}


def need(code: str) -> Term | None:
    return _BY_KEY.get((NEEDS_TAXONOMY.key, code))


def population(code: str) -> Term | None:
    return _BY_KEY.get((POPULATIONS_TAXONOMY.key, code))


def term_by_code(taxonomy_key: str, code: str) -> Term | None:
    return _BY_KEY.get((taxonomy_key, code))


def open_eligibility_term_id(oe_id: str) -> str:
    return str(uuid.uuid5(HARBOUR_NAMESPACE, f"term:{OPEN_ELIGIBILITY_TAXONOMY.key}:{oe_id}"))


# Other ISO 639 codes directories use for each language Harbour lists (harbour/core/reference.py):
# the ISO 639-2 codes (bibliographic and terminology), and the ISO 639-3 codes of the individual
# languages a macrolanguage groups (Chinese: Mandarin, Cantonese...; Cree and Ojibwe: their
# dialects), from SIL International's ISO 639-3 code tables (iso639-3.sil.org, macrolanguage
# mappings). A code may also carry a region or script ("es-MX", "zh-Hant"): only the part before
# it is compared.
LANGUAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "en": ("eng",),
    "fr": ("fra", "fre"),
    "es": ("spa",),
    "tl": ("tgl", "fil"),
    "zh": ("zho", "chi", "cmn", "yue", "wuu", "hak", "nan", "cdo", "gan", "hsn", "cjy", "cpx", "mnp", "czh"),
    "pa": ("pan", "pnb"),
    "ar": ("ara", "arb", "apc", "ajp", "arz", "acm", "ary", "apd", "ayl", "aeb", "afb", "ars"),
    "uk": ("ukr",),
    "th": ("tha",),
    "vi": ("vie",),
    "pt": ("por",),
    "ko": ("kor",),
    "fa": ("fas", "per", "pes", "prs"),
    "hi": ("hin",),
    "ru": ("rus",),
    "so": ("som",),
    "ti": ("tir",),
    "ht": ("hat",),
    "oj": ("oji", "ojg", "ojb", "ojc", "ojs", "ojw", "otw", "ciw"),
    "cr": ("cre", "crk", "crj", "crl", "crm", "csw", "cwd"),
    "iu": ("iku", "ike", "ikt"),
    "ase": (),
}
_HARBOUR_CODE = {alias: code for code, aliases in LANGUAGE_ALIASES.items() for alias in (code, *aliases)}


def language_code(code: str | None) -> str:
    """Harbour's code for an ISO 639 code as a directory wrote it ("cmn", "zh-Hant" and "ZHO" are "zh").

    A language Harbour does not list keeps its own code, in lower case, without region.
    """
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return _HARBOUR_CODE.get(base, base)


def language_spellings(code: str) -> tuple[str, ...]:
    """Every base code meaning this language, to match however a directory wrote it."""
    code = language_code(code)
    return (code, *LANGUAGE_ALIASES.get(code, ()))


def hsds_taxonomies() -> list[dict[str, str]]:
    """Harbour's taxonomies as HSDS taxonomy objects."""
    return [
        {"id": t.id, "name": t.name, "description": t.description, "uri": t.uri, "version": TAXONOMY_VERSION}
        for t in TAXONOMIES
    ]


def hsds_taxonomy_term(term: Term) -> dict[str, object]:
    """One of Harbour's terms as an HSDS taxonomy_term object (English name; labels translate in the UI)."""
    taxonomy = term.taxonomy
    return {
        "id": term.id,
        "code": term.code,
        "name": term.english_label,
        "description": term.english_label,
        "taxonomy": taxonomy.key,
        "taxonomy_detail": {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": TAXONOMY_VERSION,
        },
        "language": "en",
        "term_uri": f"{taxonomy.uri}#{term.code}",
    }


def hsds_open_eligibility_term(oe_id: str, title: str) -> dict[str, object]:
    taxonomy = OPEN_ELIGIBILITY_TAXONOMY
    return {
        "id": open_eligibility_term_id(oe_id),
        "code": oe_id,
        "name": title,
        "description": title,
        "taxonomy": taxonomy.key,
        "taxonomy_detail": {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": "2.0",
        },
        "language": "en",
    }


def hsds_taxonomy_terms() -> list[dict[str, object]]:
    """Every term of Harbour's taxonomies, and the Open Eligibility terms they map to."""
    terms = [hsds_taxonomy_term(term) for term in NEEDS + POPULATIONS + SAFETY]
    terms += [hsds_open_eligibility_term(*term.open_eligibility) for term in NEEDS if term.open_eligibility]
    return terms
