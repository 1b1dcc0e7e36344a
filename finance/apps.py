from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_migrate


def _catalogue_written(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After every `migrate` and every `flush` (which ends by sending post_migrate, as
    content types and permissions rely on), the fee catalogue's rows are in their tables."""
    from finance.catalogue import catalogue_sync

    try:
        model = apps.get_model("finance", "FeeComponent")
    except LookupError:  # migrated back past the tables
        return
    if router.allow_migrate_model(using, model):
        catalogue_sync(apps, using=using)


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Finance"

    def ready(self):
        from finance.selectors.order_paid import order_paid_part
        from orders.page_parts import order_page_part_register

        order_page_part_register(order_paid_part)
        post_migrate.connect(_catalogue_written, sender=self)
