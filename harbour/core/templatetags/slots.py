"""`{% slot "name" key=value ... %}`: what higher apps registered for a named place (see core/slots.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from harbour.core.slots import slot_render

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str, **values: Any) -> SafeString:
    request = context.get("request")
    if request is None:
        return SafeString("")
    return slot_render(name, request, values)
