import pytest
from django.conf import LazySettings
from nacl.pwhash import argon2id


@pytest.fixture(autouse=True)
def _fast_stretching(settings: LazySettings) -> None:
    # The real cost is in settings (and measured by make bench-reports); tests need speed.
    settings.HARBOUR_REPORT_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.HARBOUR_REPORT_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN
