"""`manage.py loadtest`: gunicorn and a Celery worker with the production settings, driven by
signed-in clients of every role on loopback (docs/operations.md "Load test")."""
