from django.urls import URLPattern, URLResolver, path

from harbour.directory import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("directory/", views.search, name="search"),
]
