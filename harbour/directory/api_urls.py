"""The HSDS 3.0 API, outside the language prefix: machines read it, not people."""

from django.urls import URLPattern, URLResolver

app_name = "hsds"

urlpatterns: list[URLPattern | URLResolver] = []
