"""Django app of the submissions store (metadata models and migrations)."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "cld.store"
    label = "store"
    verbose_name = "CLD submissions store"
    default_auto_field = "django.db.models.BigAutoField"
