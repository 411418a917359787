from django.urls import path

from harbour.reports import views

app_name = "reports"

urlpatterns = [
    path("report/", views.start, name="start"),
    path("report/write/", views.write, name="write"),
    path("report/return/", views.return_to_report, name="return"),
    path("members/reports/", views.inbox, name="inbox"),
    path("members/reports/key/", views.key, name="key"),
    path("members/reports/settings/", views.receiver_settings, name="settings"),
    path("members/reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("members/reports/<int:report_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
