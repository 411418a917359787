from django.urls import path

from harbour.network import views

app_name = "network"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.two_factor, name="two_factor"),
    path("sign-in/set-up-code/", views.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/<str:uidb64>/<str:token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("members/", views.dashboard, name="dashboard"),
    path("members/sign-ins/", views.my_sign_ins, name="my_sign_ins"),
    path("members/password/", views.password_change, name="password_change"),
    path("members/organisation/staff/", views.organisation_staff, name="organisation_staff"),
    path("members/organisation/staff/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "members/organisation/staff/<int:member_id>/reset-two-factor/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path(
        "members/organisation/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("members/organisation/audit/", views.organisation_audit, name="organisation_audit"),
    path("members/network/organisations/", views.organisations, name="organisations"),
    path("members/network/organisations/new/", views.organisation_new, name="organisation_new"),
    path("members/network/organisations/<int:organisation_id>/", views.organisation_vet, name="organisation_vet"),
    path("members/network/working-groups/", views.working_groups, name="working_groups"),
    path("members/network/working-groups/new/", views.working_group_edit, name="working_group_new"),
    path("members/network/working-groups/<int:group_id>/", views.working_group_edit, name="working_group_edit"),
    path("members/announcements/", views.announcements, name="announcements"),
    path("members/announcements/new/", views.announcement_new, name="announcement_new"),
    path("members/announcements/<int:announcement_id>/", views.announcement_detail, name="announcement_detail"),
    path("members/announcements/<int:announcement_id>/reply/", views.announcement_reply, name="announcement_reply"),
    path("members/network-email/", views.delivery_preference, name="delivery_preference"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("members/meetings/", views.meetings, name="meetings"),
    path("members/meetings/new/", views.meeting_edit, name="meeting_new"),
    path("members/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("members/meetings/<int:meeting_id>/change/", views.meeting_edit, name="meeting_edit"),
    path("members/meeting-reports/<int:report_id>/", views.meeting_report, name="meeting_report"),
    path("members/partners/", views.partners, name="partners"),
    path("members/partners/<int:organisation_id>/", views.organisation_profile, name="organisation_profile"),
    path("members/organisation/profile/", views.organisation_profile_edit, name="organisation_profile_edit"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<slug:code>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "members/recommendations/<slug:code>/progress/",
        views.recommendation_status_add,
        name="recommendation_status_add",
    ),
]
