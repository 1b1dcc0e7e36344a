from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self):
        from orders import signals  # noqa: F401 - connects the shop time zone receivers
