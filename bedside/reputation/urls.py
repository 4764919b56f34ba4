from django.urls import path

from bedside.reputation import views

app_name = "reputation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("watch/", views.watch, name="watch"),
    path("watch/terms/<int:pk>/remove/", views.term_remove, name="term_remove"),
    path("watch/feeds/<int:pk>/remove/", views.feed_remove, name="feed_remove"),
    path("self-audit/", views.self_audit, name="self_audit"),
]
