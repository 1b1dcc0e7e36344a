"""`manage.py benchmark` and its cases; installed in local and test settings only."""

from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks"
