"""The words a person is read before they agree, one text per purpose, versioned.

A consent record keeps the exact text shown, in the language it was shown in,
and the version, so what the person agreed to can always be read back. A new
wording gets a new version string; old records keep theirs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Wording:
    version: str
    text: str

    @property
    def digest(self) -> str:
        """A short fingerprint of the text: the consent form posts it back to prove which text it showed."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


WORDINGS: dict[str, Wording] = {
    "open_case": Wording(
        "open_case-2026-1",
        gettext_noop(
            "You can choose whether we open a file to coordinate help for you. It is known by a reference, "
            "not your name. Only people at this organisation who work on it can read it, and every reading is "
            "recorded. If you agree, we also keep your answers to these questions in it. Nothing is shared with "
            "anyone else, including immigration or the police, unless you agree to that separately. You can "
            "change your mind at any time."
        ),
    ),
    "refer": Wording(
        "refer-2026-1",
        gettext_noop(
            "You can choose whether we send some of what we know to the organisation named here, so they can "
            "help you. Only the kinds of information listed here go to them, and only until the date shown. "
            "Nothing goes to immigration or the police. You can stop this at any time; they will be told."
        ),
    ),
    "contact": Wording(
        "contact-2026-1",
        gettext_noop(
            "You can choose whether we may contact you, and how. We use only the way you give us, and you can "
            "tell us to stop at any time."
        ),
    ),
    "statistics": Wording(
        "statistics-2026-1",
        gettext_noop(
            "You can choose whether some facts about your situation, without your name or anything that points "
            "to you, are counted in national statistics on exploitation in Canada. Saying no changes nothing in "
            "the help you get. You can change your mind at any time."
        ),
    ),
}


def public_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def wording_in(purpose: str, language: str) -> tuple[Wording, str]:
    """The wording for `purpose` as shown in `language`, and the language it really is in.

    A draft language without a translation of this text shows the English one,
    and the record says English, not the language asked for.
    """
    source = WORDINGS[purpose]
    if language not in public_languages():
        language = "en"
    with translation.override(language):
        text = gettext(source.text)
    shown_in = language if (text != source.text or language == "en") else "en"
    return Wording(source.version, text), shown_in


def shown_fields(purpose: str, language: str) -> dict[str, str]:
    """What a consent form carries back for the wording it shows: language, version and the text's digest."""
    wording, shown_in = wording_in(purpose, language)
    return {"language": shown_in, "wording_version": wording.version, "wording_shown": wording.digest}
