"""The TikTok Shop connection: the signed Open API client, tokens, sync and webhooks."""

from django.apps import AppConfig


class TikTokConfig(AppConfig):
    name = "tiktok"
    verbose_name = "TikTok Shop"
