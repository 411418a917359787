from django.urls import path

from harbour.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("from-screening/", views.case_from_screening, name="case_from_screening"),
    path("referrals/", views.referrals_received, name="referrals_received"),
    path("referrals/<int:referral_id>/", views.referral_received, name="referral_received"),
    path("emergency/", views.emergency_request, name="emergency_request"),
    path("emergency/granted/", views.emergency_granted, name="emergency_granted"),
    path("emergency/<int:grant_id>/", views.emergency_case, name="emergency_case"),
    path("emergency/<int:grant_id>/end/", views.emergency_end, name="emergency_end"),
    path("retention/", views.retention_settings, name="retention_settings"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/edit/", views.case_edit, name="case_edit"),
    path("<str:reference>/consent/<str:purpose>/", views.consent_new, name="consent_new"),
    path("<str:reference>/consent/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<str:reference>/refer/", views.referral_new, name="referral_new"),
    path("<str:reference>/referrals/<int:referral_id>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
    path("<str:reference>/export/", views.case_export, name="case_export"),
    path("<str:reference>/export/print/", views.case_print, name="case_print"),
    path("<str:reference>/notes/new/", views.note_new, name="note_new"),
    path("<str:reference>/tasks/new/", views.task_new, name="task_new"),
    path("<str:reference>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<str:reference>/protection/new/", views.milestone_new, name="milestone_new"),
    path("<str:reference>/close/", views.case_close, name="case_close"),
    path("<str:reference>/erase/", views.case_erase, name="case_erase"),
]
