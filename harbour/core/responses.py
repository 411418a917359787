"""Responses every part of Harbour shares: the one error page (a title, a plain message, no trace) and
stored files handed out after an access check."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.http import content_disposition_header


def error_page(request: HttpRequest, *, title: str | Promise, message: str | Promise, status: int) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def stored_file(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """A stored file as a download; a file missing from storage is a 404, not an error page.

    Call it only after the view has checked who may have the file: files are never served by URL alone.
    The files are small (library items at most 20 MB, meeting reports HARBOUR_MEETING_REPORT_MAX_MB), so
    they are read whole.
    """
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response
