"""The Celery app: configured from Django settings (the ``CELERY_`` names)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itbrehab.settings")

app = Celery("itbrehab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["itbrehab"])


@app.on_after_configure.connect
def _make_embedded_broker_folders(sender: Celery, **kwargs: object) -> None:
    """Create the file-system broker's folders before anyone reads or writes them."""
    if sender.conf.broker_url != "filesystem://":
        return
    options = sender.conf.broker_transport_options
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    Path(sender.conf.result_backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
