from django.urls import URLPattern, URLResolver, path

from harbour.directory import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    # Public.
    path("directory/", views.search_public, name="search"),
    path("directory/services/<str:service_id>/", views.service_public, name="service"),
    # Members.
    path("members/directory/", views.search_members, name="member_search"),
    path("members/directory/services/<str:service_id>/", views.service_members, name="member_service"),
    path("members/directory/hotline/", views.hotline, name="hotline"),
    path("members/directory/beds/", views.beds, name="beds"),
    path("members/directory/mine/", views.my_services, name="my_services"),
    path("members/directory/mine/<str:service_id>/edit/", views.service_edit, name="service_edit"),
    path("members/directory/mine/<str:service_id>/verify/", views.service_verify, name="service_verify"),
    path("members/directory/stale/", views.stale, name="stale"),
    path("members/directory/gaps/", views.gaps, name="gaps"),
    path("members/directory/gaps.csv", views.gaps_csv, name="gaps_csv"),
]
