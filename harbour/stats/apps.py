from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "harbour.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The records live outside models.py so that the public pages cannot import them by accident.
        from harbour.stats import records  # noqa: F401
