"""Starting a task by its registered name, the one way services and admin actions enqueue.

Tasks import services; a service that queues work for a worker must not import a tasks module
back (that is a cycle), so it names the task as its `@shared_task(name=...)` registers it.
The task object is looked up, not sent blind with `send_task`: `.delay` and
`.delay_on_commit` then keep the queue routes and `task_always_eager`, and an unknown name
fails at once instead of queueing a message no worker knows. Here because every app depends on
`accounts`, as with `heartbeat`.
"""

import threading

from celery import current_app
from celery.app.task import Task

# A gthread web process serves two first requests at once: without the lock the second
# look-up found the first one's imports under way, imported nothing and raised NotRegistered
# (a 500 on the second of two exports started together; `manage.py loadtest` found it).
_IMPORTING = threading.Lock()


def registered_task(name: str) -> Task:
    """The task registered as `name`. A web process has not imported the apps' tasks modules
    (a worker does at start): the first look-up imports them the way the worker does, and a
    look-up in another thread meanwhile waits for those imports to finish."""
    if name not in current_app.tasks:
        with _IMPORTING:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()
    return current_app.tasks[name]
