from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "harbour.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The member's home (network, a lower layer) names a slot; cases fills it with what is due
        # this week (see harbour/core/slots.py), so the network never imports cases.
        from harbour.cases import home
        from harbour.core.slots import slot_fill

        slot_fill("network.dashboard", home.due_this_week)
