"""Weighs every public page in every language and fails if one transfers more than the limit.

Run collectstatic first (`make bench-weight` does): the weights of stylesheets and
scripts are read from the compressed files it writes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.checks.page_weight import KB, PageWeight, limit_kb_from_environment, measure, public_pages


class Command(BaseCommand):
    help = (
        "List every public page without URL parameters, in every language, with the bytes a first visit "
        "transfers (HTML, stylesheets, scripts, icons, images and fonts, gzip-compressed; 1 KB = 1,000 bytes). "
        "Fails if any page weighs more than --limit KB (default: HARBOUR_PAGE_WEIGHT_LIMIT_KB, or 50)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=float, default=None, help="the most a page may weigh, in KB")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if limit is None:
            try:
                limit = limit_kb_from_environment()
            except ValueError as error:
                raise CommandError(str(error)) from None
        if limit <= 0:
            raise CommandError("--limit must be more than 0")
        verbose = options["verbosity"] >= 2

        pages = public_pages()
        weights: list[PageWeight] = []
        width = max((len(page.path) for page in pages), default=4)
        self.stdout.write(f"{'page':<{width}}  status  {'bytes':>7}  {'KB':>6}  files")
        for page in pages:
            weight = measure(page.path)
            weights.append(weight)
            line = (
                f"{page.path:<{width}}  {weight.status:>6}  {weight.total:>7}  {weight.kb:>6.1f}  "
                f"{len(weight.resources):>5}"
            )
            if weight.over_limit(limit) or weight.unmeasured:
                self.stdout.write(self.style.ERROR(line))
            else:
                self.stdout.write(line)
            if verbose:
                for resource in weight.resources:
                    self.stdout.write(
                        f"    {resource.bytes:>7}  {resource.kind:<10}  {resource.url}  ({resource.source})"
                    )
                for url in weight.unmeasured:
                    self.stdout.write(f"    {'?':>7}  {'elsewhere':<10}  {url}")

        too_heavy = [weight for weight in weights if weight.over_limit(limit)]
        elsewhere = [weight for weight in weights if weight.unmeasured]
        problems = [
            f"{weight.path} weighs {weight.kb:.1f} KB ({weight.total} bytes), over the {limit:g} KB limit"
            for weight in too_heavy
        ] + [
            f"{weight.path} loads files from another origin, which cannot be weighed: {', '.join(weight.unmeasured)}"
            for weight in elsewhere
        ]
        if problems:
            raise CommandError("\n".join(problems))
        heaviest = max(weights, key=lambda weight: weight.total, default=None)
        summary = f"All {len(weights)} public pages are within {limit:g} KB ({limit * KB:,.0f} bytes)"
        if heaviest is not None:
            summary += f"; the heaviest is {heaviest.path} at {heaviest.kb:.1f} KB"
        self.stdout.write(self.style.SUCCESS(summary + "."))
