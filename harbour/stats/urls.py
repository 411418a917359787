from django.urls import path

from harbour.stats import member_views, views

app_name = "stats"

urlpatterns = [
    path("statistics/", views.dashboard, name="dashboard"),
    path("statistics/budget/", views.ledger, name="ledger"),
    path("statistics/<int:release_id>/", views.release_detail, name="release_detail"),
    path("members/statistics/research/", views.research, name="research"),
    path("members/statistics/research/csv/", views.research_csv, name="research_csv"),
    path("members/statistics/releases/", member_views.releases, name="releases"),
    path("members/statistics/releases/new/", member_views.release_new, name="release_new"),
    path("members/statistics/releases/<int:release_id>/publish/", member_views.release_publish, name="release_publish"),
    path("members/statistics/releases/<int:release_id>/discard/", member_views.release_discard, name="release_discard"),
    path("members/statistics/upload/", member_views.records_upload, name="records_upload"),
    path("members/statistics/upload/template/", member_views.upload_template, name="upload_template"),
    path("members/statistics/upload/<int:upload_id>/withdraw/", member_views.upload_withdraw, name="upload_withdraw"),
]
