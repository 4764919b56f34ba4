from django.urls import path

from bedside.billing import views

app_name = "billing"

urlpatterns = [
    path("threads/<int:pk>/time/", views.time_add, name="time_add"),
    path("threads/<int:pk>/time/start/", views.timer_action, {"action": "start"}, name="timer_start"),
    path("threads/<int:pk>/time/stop/", views.timer_action, {"action": "stop"}, name="timer_stop"),
    path("threads/<int:pk>/time/cancel/", views.timer_action, {"action": "cancel"}, name="timer_cancel"),
    path("threads/<int:pk>/billing/", views.thread_billing, name="thread"),
    path("threads/<int:pk>/econsult/", views.econsult_new, name="econsult_new"),
    path("time/<int:pk>/edit/", views.time_edit, name="time_edit"),
    path("time/<int:pk>/delete/", views.time_delete, name="time_delete"),
    path("billing/report/", views.report, name="report"),
    path("econsults/", views.econsult_list, name="econsults"),
    path("econsults/<int:pk>/", views.econsult_detail, name="econsult"),
    path("econsults/<int:pk>/answer/", views.econsult_respond, {"action": "answer"}, name="econsult_answer"),
    path("econsults/<int:pk>/decline/", views.econsult_respond, {"action": "decline"}, name="econsult_decline"),
    path("econsults/<int:pk>/close/", views.econsult_respond, {"action": "close"}, name="econsult_close"),
    path("econsults/<int:pk>/attachments/<int:attachment_pk>/", views.econsult_attachment, name="econsult_attachment"),
]
