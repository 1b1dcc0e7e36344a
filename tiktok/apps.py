"""The TikTok Shop connection: the signed Open API client, tokens, sync, webhooks and the
outbox of actions that must reach TikTok."""

from django.apps import AppConfig


class TikTokConfig(AppConfig):
    name = "tiktok"
    verbose_name = "TikTok Shop"

    def ready(self):
        # The order services reach TikTok through this hook: orders never imports tiktok.
        from orders.platform import platform_register
        from tiktok.services.platform import TikTokPlatform

        platform_register(TikTokPlatform())

        from accounts.roles import Perm
        from orders.bulk_actions import BulkAction, bulk_action_register
        from tiktok.bulk_views import bulk_arrange_action, bulk_labels_action

        bulk_action_register(
            BulkAction("arrange", "Arrange shipment", Perm.CHANGE_ORDER_STATUS, bulk_arrange_action)
        )
        bulk_action_register(
            BulkAction("print_labels", "Print labels", Perm.CHANGE_ORDER_STATUS, bulk_labels_action)
        )
