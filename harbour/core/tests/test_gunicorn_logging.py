"""The access log keeps pages' names but never a link's secret token."""

from harbour.gunicorn_logging import redact_path


def test_invitation_and_reset_tokens_are_cut_from_logged_paths() -> None:
    assert redact_path("/en/invitation/Zk3v_9aQ-1pLmN0oRsTuVwXyZ0123456789abcdEF/") == "/en/invitation/[token]/"
    assert redact_path("/fr/password-reset/MQ/cz7b1k-8f2c9d1e0a4b5c6d7e8f9a0b1c2d/") == (
        "/fr/password-reset/MQ/[token]/"
    )


def test_ordinary_paths_are_kept() -> None:
    assert redact_path("/en/members/network/working-groups/new/") == "/en/members/network/working-groups/new/"
    assert redact_path("/static/core/harbour.3f2a9c1b0d4e.css") == "/static/core/harbour.3f2a9c1b0d4e.css"


def test_a_real_invitation_token_is_long_enough_to_be_cut() -> None:
    import secrets

    token = secrets.token_urlsafe(32)  # as network.actions.invitation_send makes them
    assert redact_path(f"/en/invitation/{token}/") == "/en/invitation/[token]/"
