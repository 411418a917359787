from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "harbour.reports"
    label = "reports"
    verbose_name = _("Safe reports")

    def ready(self) -> None:
        from harbour.network import password_hooks
        from harbour.reports import actions

        password_hooks.register("reports: member keys", actions.password_entered)
