from django.urls import path

from harbour.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("from-screening/", views.case_from_screening, name="case_from_screening"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/edit/", views.case_edit, name="case_edit"),
]
