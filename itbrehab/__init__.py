# Load the Celery app with Django so @shared_task binds to it and on_commit enqueues work.
from itbrehab.celery import app as celery_app

__all__ = ("celery_app",)
