"""The HSDS 3.0 API, outside the language prefix: machines read it, not people."""

from django.urls import URLPattern, URLResolver, path

from harbour.directory import api

app_name = "hsds"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.root, name="root"),
    path("openapi.json", api.openapi_document, name="openapi"),
    path("services", api.services, name="services"),
    path("services/<str:id>", api.service, name="service"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:id>", api.organization, name="organization"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", api.service_at_location, name="service_at_location"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", api.taxonomy, name="taxonomy"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", api.taxonomy_term, name="taxonomy_term"),
]
