"""Every page of Harbour. Pages are under a language prefix (/en/, /fr/, /es/ ...) so no cookie is needed."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from harbour.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("leave", core_views.leave, name="leave"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/hsds/", include("harbour.directory.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("", include("harbour.network.urls")),
    path("members/cases/", include("harbour.cases.urls")),
    path("", include("harbour.directory.urls")),
    path("", include("harbour.screening.urls")),
    path("", include("harbour.rights.urls")),
    path("members/respond/", include("harbour.respond.urls")),
    path("", include("harbour.stats.urls")),
    path("", include("harbour.reports.urls")),
    prefix_default_language=True,
)

handler400 = "harbour.core.views.bad_request"
handler403 = "harbour.core.views.permission_denied"
handler404 = "harbour.core.views.page_not_found"
handler500 = "harbour.core.views.server_error"
