from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "bedside.followup"
    label = "followup"
    verbose_name = "Post-operative follow-up"
