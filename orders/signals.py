"""A shop's time zone decides which local day each of its orders is on: when an administrator
changes it, the shop's sales roll-ups are computed again (orders/services/sales_rollups.py)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Shop
from orders.services.sales_rollups import sales_shop_zone_changed


@receiver(pre_save, sender=Shop)
def shop_zone_before(sender, instance, raw=False, **kwargs):
    stored = Shop.objects.filter(pk=instance.pk) if instance.pk and not raw else Shop.objects.none()
    instance._zone_before = stored.values_list("timezone", flat=True).first()


@receiver(post_save, sender=Shop)
def shop_zone_after(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_zone_before", None)
    if not raw and not created and before is not None and before != instance.timezone:
        sales_shop_zone_changed(instance)
