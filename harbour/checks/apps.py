from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "harbour.checks"
    label = "checks"
