"""Django app of the submissions store (metadata models and migrations)."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "cld.store"
    label = "store"
    verbose_name = "CLD submissions store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import sys

        # absent while cld.store itself sets up (it loads them itself, once ready)
        load = getattr(sys.modules["cld.store"], "_load", None)
        if load is not None:
            load()
