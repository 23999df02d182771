from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cld.web.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
