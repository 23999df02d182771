from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cld.web.api"
    label = "cld_api"
    default_auto_field = "django.db.models.BigAutoField"
