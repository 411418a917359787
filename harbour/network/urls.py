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
]
