from django.urls import path

from bedside.moderation import views

app_name = "moderation"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<int:pk>/", views.comment_detail, name="comment"),
    path("moderation/<int:pk>/reply/", views.comment_reply, name="reply"),
]
