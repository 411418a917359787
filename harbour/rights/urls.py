from django.urls import URLPattern, URLResolver, path

from harbour.rights import views

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rights/", views.index, name="index"),
    path("rights/library/", views.library, name="library"),
    path("rights/help/<slug:slug>/", views.package, name="package"),
    path("rights/<slug:slug>/", views.fact_sheet, name="fact_sheet"),
    path("members/rights/library/new/", views.resource_form, name="resource_new"),
    path("members/rights/library/<int:pk>/", views.resource_form, name="resource_edit"),
    path("members/rights/course/", views.course, name="course"),
    path("members/rights/course/records/", views.course_records, name="course_records"),
    path("members/rights/course/<slug:slug>/", views.course_module, name="course_module"),
    path("members/rights/content/", views.editor, name="editor"),
    path("members/rights/content-versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("members/rights/content-versions/<str:kind>/<slug:slug>/", views.version_history, name="version_history"),
    path("members/rights/content-versions/<str:kind>/<slug:slug>/new/", views.version_new, name="version_new"),
    path("members/rights/content/version/<int:pk>/", views.text_detail, name="text_detail"),
    path("members/rights/content/<slug:slug>/", views.sheet_history, name="sheet_history"),
    path("members/rights/content/<slug:slug>/<str:language>/new/", views.text_new, name="text_new"),
]
