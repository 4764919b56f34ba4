from django.urls import path

from bedside.followup import views

app_name = "followup"

urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("enrol/", views.enrol, name="enrol"),
    path("<int:pk>/", views.enrolment_detail, name="detail"),
    path("<int:pk>/stop/", views.enrolment_stop, name="stop"),
    path("mine/", views.my_check_ins, name="mine"),
    path("check-ins/<int:pk>/", views.check_in, name="check_in"),
]
