from django.urls import path

from bedside.messaging import views

app_name = "messaging"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("messages/new/", views.thread_new, name="new"),
    path("threads/<int:pk>/", views.thread_detail, name="thread"),
    path("threads/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("threads/<int:pk>/assign/", views.thread_assign, name="assign"),
    path("threads/<int:pk>/close/", views.thread_close, name="close"),
    path("threads/<int:pk>/reopen/", views.thread_reopen, name="reopen"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("queue/", views.queue, name="queue"),
]
