"""The one error page every part of Harbour answers with: a title, a plain message, no trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise


def error_page(request: HttpRequest, *, title: str | Promise, message: str | Promise, status: int) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)
