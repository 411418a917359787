from django.urls import path

from harbour.network.views import (
    accounts,
    announcements,
    coordination,
    meetings,
    profiles,
    recommendations,
    staff,
)

app_name = "network"

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-in/code/", accounts.two_factor, name="two_factor"),
    path("sign-in/set-up-code/", accounts.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/<str:uidb64>/<str:token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("invitation/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("members/", accounts.dashboard, name="dashboard"),
    path("members/sign-ins/", accounts.my_sign_ins, name="my_sign_ins"),
    path("members/password/", accounts.password_change, name="password_change"),
    path("members/organisation/staff/", staff.organisation_staff, name="organisation_staff"),
    path("members/organisation/staff/<int:member_id>/remove/", staff.member_remove, name="member_remove"),
    path(
        "members/organisation/staff/<int:member_id>/reset-two-factor/",
        staff.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path(
        "members/organisation/invitations/<int:invitation_id>/withdraw/",
        staff.invitation_revoke,
        name="invitation_revoke",
    ),
    path("members/organisation/audit/", staff.organisation_audit, name="organisation_audit"),
    path("members/network/organisations/", coordination.organisations, name="organisations"),
    path("members/network/organisations/new/", coordination.organisation_new, name="organisation_new"),
    path(
        "members/network/organisations/<int:organisation_id>/", coordination.organisation_vet, name="organisation_vet"
    ),
    path("members/network/working-groups/", coordination.working_groups, name="working_groups"),
    path("members/network/working-groups/new/", coordination.working_group_edit, name="working_group_new"),
    path("members/network/working-groups/<int:group_id>/", coordination.working_group_edit, name="working_group_edit"),
    path("members/announcements/", announcements.announcements, name="announcements"),
    path("members/announcements/new/", announcements.announcement_new, name="announcement_new"),
    path("members/announcements/<int:announcement_id>/", announcements.announcement_detail, name="announcement_detail"),
    path(
        "members/announcements/<int:announcement_id>/reply/",
        announcements.announcement_reply,
        name="announcement_reply",
    ),
    path("members/network-email/", announcements.delivery_preference, name="delivery_preference"),
    path("unsubscribe/<str:token>/", announcements.unsubscribe, name="unsubscribe"),
    path("members/meetings/", meetings.meetings, name="meetings"),
    path("members/meetings/new/", meetings.meeting_edit, name="meeting_new"),
    path("members/meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("members/meetings/<int:meeting_id>/change/", meetings.meeting_edit, name="meeting_edit"),
    path("members/meeting-reports/<int:report_id>/", meetings.meeting_report, name="meeting_report"),
    path("members/partners/", profiles.partners, name="partners"),
    path("members/partners/<int:organisation_id>/", profiles.organisation_profile, name="organisation_profile"),
    path("members/organisation/profile/", profiles.organisation_profile_edit, name="organisation_profile_edit"),
    path("recommendations/", recommendations.recommendations, name="recommendations"),
    path("recommendations/<slug:code>/", recommendations.recommendation_detail, name="recommendation_detail"),
    path(
        "members/recommendations/<slug:code>/progress/",
        recommendations.recommendation_status_add,
        name="recommendation_status_add",
    ),
]
