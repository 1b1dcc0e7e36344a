"""Carrier tracking: adapters, polling, checkpoints and pushed updates."""

from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Tracking"
