"""manage.py deploy_files FOLDER: nginx.conf and Harbour's own error pages for the proxy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from harbour.operations.deploy import nginx_config, write_error_pages


class Command(BaseCommand):
    help = "Write nginx.conf and the error pages nginx serves when it answers itself (docs/deploy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="where to write nginx.conf and errors/")
        parser.add_argument("--listen", default="127.0.0.1:8080")
        parser.add_argument("--upstream", action="append", help="a gunicorn address (repeat for several)")
        parser.add_argument("--run-dir", help="nginx's pid, logs and buffers (default: FOLDER/run)")
        parser.add_argument("--read-timeout", type=int, default=60, help="seconds nginx waits for Harbour")
        parser.add_argument("--static-root", help="where nginx reads the static files (default: STATIC_ROOT)")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]).resolve()
        run_dir = Path(options["run_dir"]).resolve() if options["run_dir"] else folder / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        pages = write_error_pages(folder / "errors")
        config = nginx_config(
            listen=options["listen"],
            upstreams=options["upstream"] or ["127.0.0.1:8000"],
            static_root=Path(options["static_root"] or settings.STATIC_ROOT).resolve(),
            error_pages=folder / "errors",
            run_dir=run_dir,
            upload_max_mb=settings.HARBOUR_UPLOAD_MAX_MB,
            read_timeout_seconds=options["read_timeout"],
        )
        (folder / "nginx.conf").write_text(config, encoding="utf-8")
        self.stdout.write(f"Wrote {folder / 'nginx.conf'} and {len(pages)} error pages")
