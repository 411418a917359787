from django.urls import URLPattern, URLResolver, path

from harbour.rights import views

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rights/<slug:slug>/", views.fact_sheet, name="fact_sheet"),
]
