"""The Celery application. Settings come from Django's, under the CELERY_ namespace."""

import os
from pathlib import Path

from celery import Celery

# Production by default, as wsgi.py: a worker started by hand must not get the demo's settings
# (the simulated carrier, DEBUG). `dev.py run` and the tests name their settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings.production")

app = Celery("sellercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["sellercenter"])


def _prepare_embedded_folders() -> None:
    """The serverless broker and result store are folders; create them before first use."""
    conf = app.conf
    if str(conf.broker_url).startswith("filesystem://"):
        options = conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if str(conf.result_backend).startswith("file://"):
        Path(conf.result_backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _prepare_embedded_folders(), weak=False)
