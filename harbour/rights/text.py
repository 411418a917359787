"""The small plain-text format of fact sheets and lessons, turned into safe HTML.

Editors write paragraphs separated by a blank line, `## ` for a heading,
`- ` for a list item, `**words**` for emphasis and `[words](address)` for a
link (http, https, tel or a path on this site). Everything else is text:
HTML typed by an editor is shown, never run.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
STRONG = re.compile(r"\*\*([^*\n]+)\*\*")
ALLOWED_SCHEMES = ("https://", "http://", "tel:")
# A path on this site: one slash, then only the characters of a URL path and query. Browsers read a
# backslash as a slash, so "/\\evil.example/x" would leave the site like "//evil.example/x".
SITE_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*")


def _inline(text: str) -> str:
    html = str(escape(text))

    def link(match: re.Match[str]) -> str:
        label, address = match.group(1), match.group(2)
        # escape() turned & into &amp; already; the address is checked on its escaped form.
        if "\\" in address or not (address.startswith(ALLOWED_SCHEMES) or SITE_PATH.fullmatch(address)):
            return match.group(0)
        return f'<a href="{address}">{label}</a>'

    html = LINK.sub(link, html)
    return STRONG.sub(r"<strong>\1</strong>", html)


def _is_list(lines: list[str]) -> bool:
    return bool(lines) and all(line.lstrip().startswith("- ") for line in lines)


def _list(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_inline(line.lstrip()[2:].strip())}</li>" for line in lines) + "</ul>"


def render(source: str, heading_level: int = 2) -> SafeString:
    """HTML for a text in the fact-sheet format; `## ` headings become <h{heading_level}>."""
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        # A block may start with a heading; what follows it is a list or a paragraph.
        if lines and lines[0].startswith("## "):
            blocks.append(f"<h{heading_level}>{_inline(lines[0][3:].strip())}</h{heading_level}>")
            lines = lines[1:]
        if not lines:
            continue
        if _is_list(lines):
            blocks.append(_list(lines))
        else:
            blocks.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of text above went through escape()
