from django.urls import URLPattern, URLResolver, path

from harbour.screening import views

app_name = "screening"

urlpatterns: list[URLPattern | URLResolver] = [
    path("self-check/", views.self_check, name="self_check"),
    path("members/screening/", views.worker, name="worker"),
    path("members/screening/resume/", views.resume_screening, name="resume"),
    path("members/screening/evaluate.json", views.evaluate_json, name="evaluate_json"),
]
