from django.urls import URLPattern, URLResolver, path

from harbour.respond import views

app_name = "respond"

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:plan_id>/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("console/", views.console, name="console"),
    path("console/calls/", views.call_new, name="call_new"),
    path("console/referrals/", views.referral_new, name="referral_new"),
    path("calls/", views.call_list, name="call_list"),
]
