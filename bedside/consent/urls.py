from django.urls import path

from bedside.consent import views

app_name = "consent"

urlpatterns = [
    path("", views.consent_list, name="list"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("signatures/<int:pk>/revoke/", views.signature_revoke, name="revoke"),
    path("relationships/", views.relationship_list, name="relationships"),
    path("relationships/new/", views.relationship_new, name="relationship_new"),
    path("relationships/<int:pk>/end/", views.relationship_end, name="relationship_end"),
]

urlpatterns += [
    path("invitations/", views.invitation_new, name="invitations"),
    path("invitations/welcome/", views.invitation_welcome, name="invitation_welcome"),
    path("invitations/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/", views.invitation_open, name="invitation_open"),
]
