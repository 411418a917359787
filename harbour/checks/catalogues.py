"""Where Harbour's translation catalogues live.

The layout, the foundation's pages and anything outside an app with its own
catalogue use the project catalogue (LOCALE_PATHS). An app with a `locale/`
folder of its own (directory, screening, rights) keeps its strings there:
makemessages sends each file's strings to the nearest `locale/` above it, and
Django reads app catalogues after the project's.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.translation import to_locale


def catalogue_roots() -> list[Path]:
    """Every locale folder Harbour owns: the project's first, then each app's."""
    roots = [Path(root) for root in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_locale = Path(config.path) / "locale"
        if config.name.startswith("harbour.") and app_locale.is_dir():
            roots.append(app_locale)
    return roots


# Plural rules for languages Django has no catalogue of, so makemessages cannot copy them.
PLURAL_FORMS = {"tl": "nplurals=2; plural=(n > 1);"}


def catalogue_path(root: Path, language: str) -> Path:
    return root / to_locale(language) / "LC_MESSAGES" / "django.po"


def translated_languages() -> list[str]:
    """Messages are written in LANGUAGE_CODE, so it needs no catalogue."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
