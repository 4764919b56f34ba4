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
