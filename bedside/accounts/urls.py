from django.urls import path

from bedside.accounts import views

app_name = "accounts"

urlpatterns = [
    path("emergency/", views.break_glass, name="break_glass"),
    path("emergency/review/", views.break_glass_review, name="break_glass_review"),
    path("emergency/<int:pk>/", views.break_glass_detail, name="break_glass_detail"),
    path("emergency/<int:pk>/end/", views.break_glass_end, name="break_glass_end"),
    path("emergency/<int:pk>/reviewed/", views.break_glass_mark_reviewed, name="break_glass_reviewed"),
]
