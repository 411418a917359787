"""`{% load access %}`: ask the access policy before showing a link.

{% if user|may_use:"cases:case_edit" %}<a href="{% url 'cases:case_edit' case.reference %}">…</a>{% endif %}
"""

from __future__ import annotations

from typing import Any

from django import template

from harbour.core import access

register = template.Library()


@register.filter(name="may_use")
def may_use(user: Any, view_name: str) -> bool:
    """Whether `user` may open the view named `view_name`, by the view's own declared policy."""
    return access.may_use(user, view_name)
