"""Demo data and the local simulators; installed in local and test settings only."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo"
