from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "政策提醒"
    default_auto_field = "django.db.models.BigAutoField"
