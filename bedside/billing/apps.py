from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "bedside.billing"
    label = "billing"
    verbose_name = "E-visit billing and e-consults"
