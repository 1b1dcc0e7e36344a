"""TikTok Seller Center order files: read, plan, apply; import jobs."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Imports"
