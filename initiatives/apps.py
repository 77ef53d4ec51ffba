from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives"
    verbose_name = "Catalogue"

    def ready(self):
        from . import history

        history.register()
        # Keeps the stored search vectors current (see signals.py).
        from . import signals  # noqa: F401
