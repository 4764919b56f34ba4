from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bedside.accounts"
    label = "accounts"

    def ready(self) -> None:
        from bedside.accounts import receivers  # noqa: F401  (auth events -> audit)
