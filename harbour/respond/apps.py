from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RespondConfig(AppConfig):
    name = "harbour.respond"
    label = "respond"
    verbose_name = _("Response plans and the hotline")

    def ready(self) -> None:
        # Screening and cases name slots on their pages; respond fills them with the region's plan
        # (see harbour/core/slots.py), so neither of those lower apps imports this one.
        from harbour.core.slots import slot_fill
        from harbour.respond import slots

        slot_fill("screening.result", slots.plan_after_screening)
        slot_fill("cases.case_detail", slots.plan_for_case)
