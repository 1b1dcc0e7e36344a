"""The production settings, and a timer on this process's SQL statements (statements.py):
what the load test starts gunicorn and the Celery worker with."""

from django.db.backends.signals import connection_created

from benchmarks.loadtest.statements import time_statements
from sellercenter.settings.production import *  # noqa: F403

connection_created.connect(time_statements)
