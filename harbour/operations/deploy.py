"""What a production deployment needs beside the code: nginx's configuration and Harbour's own error pages.

nginx answers some requests itself, before Harbour sees them: a body over the
upload limit (413), an address or headers too long (414, 431), a malformed
request (400), and the times Harbour is down or slow (502, 504). Its own pages
for these are bare and in English, and carry its version. `write_error_pages`
renders Harbour's error page for each of those answers in every public
language, with the quick exit, and `nginx_config` points nginx at them, in the
reader's language by the address's prefix, with Harbour's security headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.core.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY


@dataclass(frozen=True)
class ProxyError:
    status: int
    title: Promise
    message: Promise


PROXY_ERRORS = [
    ProxyError(
        400,
        _("Harbour could not read this request"),
        _("Something in the request was not as expected. Go back and try again."),
    ),
    ProxyError(
        413,
        _("What you sent is too large"),
        _("Harbour takes files up to the size the form says. Nothing was saved: go back and send a smaller file."),
    ),
    ProxyError(
        414, _("This address is too long"), _("Harbour cannot read an address this long. Go back and try again.")
    ),
    ProxyError(
        431,
        _("Your browser sent too much"),
        _(
            "Your browser sent more than Harbour reads. "
            "Closing other Harbour tabs, or clearing this site's data, may help."
        ),
    ),
    ProxyError(
        502,
        _("Harbour is not answering right now"),
        _(
            "Harbour is restarting or briefly down. "
            "What you sent in this request was not saved: please try again in a minute."
        ),
    ),
    ProxyError(
        504,
        _("Harbour took too long to answer"),
        _("What you sent may not have been saved. Please wait a minute, then check before you send it again."),
    ),
]


def write_error_pages(folder: Path) -> list[Path]:
    """Harbour's page for each answer nginx gives itself, in every public language: folder/<language>/<status>.html."""
    written = []
    for code, _name in settings.LANGUAGES:
        (folder / code).mkdir(parents=True, exist_ok=True)
        with translation.override(code):
            request = RequestFactory().get(f"/{code}/")
            request.user = AnonymousUser()
            request.LANGUAGE_CODE = code
            for error in PROXY_ERRORS:
                # nginx shows these when Harbour does not answer, so /leave would not either: the
                # quick exit goes straight to the neutral site.
                context = {
                    "title": error.title,
                    "message": error.message,
                    "quick_exit_href": settings.HARBOUR_QUICK_EXIT_URL,
                }
                html = render_to_string("core/error.html", context, request=request)
                target = folder / code / f"{error.status}.html"
                target.write_text(html, encoding="utf-8")
                written.append(target)
    return written


def nginx_config(
    *,
    listen: str,
    upstreams: list[str],
    static_root: Path,
    error_pages: Path,
    run_dir: Path,
    upload_max_mb: int,
    read_timeout_seconds: int = 60,
) -> str:
    """A whole nginx.conf for Harbour behind nginx on one host (docs/deploy.md explains each part)."""
    languages = "|".join(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    servers = "\n".join(f"        server {upstream};" for upstream in upstreams)
    headers = f"""
            add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;
            add_header Permissions-Policy "{PERMISSIONS_POLICY}" always;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Referrer-Policy same-origin always;
            add_header Cache-Control no-store always;"""
    return f"""# Written by `manage.py deploy_files`; see docs/deploy.md.
worker_processes auto;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log error;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    # Method, path (no query string: it may hold a place someone searched for), status, size, time.
    # No client address, user agent or referrer.
    log_format harbour '$time_iso8601 "$request_method $uri" $status $body_bytes_sent $request_time';
    access_log {run_dir}/nginx-access.log harbour;
    client_body_temp_path {run_dir}/body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    client_max_body_size {upload_max_mb}m;
    # Tighter than gunicorn's own limits (4094-byte request line, 8190-byte header), so nginx
    # answers an oversized request with Harbour's page before gunicorn answers with its bare one.
    large_client_header_buffers 4 4k;
    sendfile on;
    gzip on;
    gzip_types text/css application/javascript image/svg+xml application/json;

    map $request_uri $harbour_language {{
        ~^/({languages})/ $1;
        default {settings.LANGUAGE_CODE};
    }}

    upstream harbour {{
{servers}
        keepalive 16;
    }}

    server {{
        listen {listen};
        server_name _;

        error_page 400 /_harbour_errors/$harbour_language/400.html;
        error_page 413 /_harbour_errors/$harbour_language/413.html;
        error_page 414 /_harbour_errors/$harbour_language/414.html;
        # nginx's own code for headers too large; the browser is told 431.
        error_page 494 =431 /_harbour_errors/$harbour_language/431.html;
        error_page 502 503 /_harbour_errors/$harbour_language/502.html;
        error_page 504 /_harbour_errors/$harbour_language/504.html;

        location /_harbour_errors/ {{
            internal;
            alias {error_pages}/;{headers}
        }}

        location /static/ {{
            alias {static_root}/;
            gzip_static on;
            expires 1h;
            add_header X-Content-Type-Options nosniff always;
            add_header Cross-Origin-Resource-Policy same-origin always;
        }}

        location / {{
            proxy_pass http://harbour;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Harbour never wants the client's address, from nginx or from the client.
            proxy_set_header X-Forwarded-For "";
            proxy_set_header X-Real-IP "";
            proxy_read_timeout {read_timeout_seconds}s;
            proxy_request_buffering on;
        }}
    }}
}}
"""
