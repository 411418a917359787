from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "harbour.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The records live outside models.py so that the public pages cannot import them by accident.
        from harbour.cases.signals import consent_withdrawn
        from harbour.stats import records  # noqa: F401
        from harbour.stats.contributions import on_consent_withdrawn

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="stats-consent-withdrawn")
