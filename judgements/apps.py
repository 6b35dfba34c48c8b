from django.apps import AppConfig


class JudgementsConfig(AppConfig):
    name = "judgements"
    verbose_name = "Key judgements"

    def ready(self) -> None:
        # Connects the access audit to Django's and django-axes's sign-in signals.
        import judgements.signin.audit  # noqa: F401  (app loading: models must be ready first)
