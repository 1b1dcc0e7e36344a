from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        from accounts.roles import Perm
        from exports.views import export_bulk_action
        from orders.bulk_actions import BulkAction, bulk_action_register

        bulk_action_register(
            BulkAction("export", "Export…", Perm.EXPORT_ORDERS, export_bulk_action)
        )
