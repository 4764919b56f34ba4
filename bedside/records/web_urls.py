from django.urls import path

from bedside.records import views

app_name = "records"

urlpatterns = [
    path("threads/<int:pk>/transcript.pdf", views.transcript_new, name="transcript"),
    path("threads/<int:pk>/transcripts/<int:tid>.pdf", views.transcript_stored, name="transcript-stored"),
]
