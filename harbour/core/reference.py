"""Reference data every app shares: Canada's provinces and territories, and the languages people speak.

One module, low in the layering, so no app reaches into another's models for a vocabulary.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


# Languages a service can offer, each named in its own language so a person finds theirs
# whatever language the page is in. Codes are ISO 639-1 where one exists (HSDS language.code).
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("tl", "Tagalog"),
    ("zh", "中文"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("pt", "Português"),
    ("ko", "한국어"),
    ("fa", "فارسی"),
    ("hi", "हिन्दी"),
    ("ru", "Русский"),
    ("so", "Soomaali"),
    ("ti", "ትግርኛ"),
    ("ht", "Kreyòl ayisyen"),
    ("oj", "Anishinaabemowin"),
    ("cr", "ᓀᐦᐃᔭᐍᐏᐣ"),
    ("iu", "ᐃᓄᒃᑎᑐᑦ"),
    ("ase", "ASL"),
)
LANGUAGE_NAMES = dict(LANGUAGES)
# English names, for HSDS language.name in exports.
LANGUAGE_ENGLISH_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "tl": "Tagalog",
    "zh": "Chinese",
    "pa": "Punjabi",
    "ar": "Arabic",
    "uk": "Ukrainian",
    "th": "Thai",
    "vi": "Vietnamese",
    "pt": "Portuguese",
    "ko": "Korean",
    "fa": "Persian",
    "hi": "Hindi",
    "ru": "Russian",
    "so": "Somali",
    "ti": "Tigrinya",
    "ht": "Haitian Creole",
    "oj": "Ojibwe",
    "cr": "Cree",
    "iu": "Inuktitut",
    "ase": "American Sign Language",
}
