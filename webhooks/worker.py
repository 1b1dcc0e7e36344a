"""The webhook worker's options, one list for docker-compose.yml (its `webhook-worker`
service, checked by tests/webhooks/test_worker_command.py), `dev.py run` and the benchmark.

A delivery mostly waits on the endpoint's answer, so a worker runs a pool of threads, each
sending one endpoint's batch at a time (webhooks/services/batches.py); it takes only the
webhooks queue, so no export or import ever waits behind deliveries, nor they behind one.
"""

QUEUE = "webhooks"  # settings.WEBHOOKS_QUEUE's default
THREADS = 8


def worker_options(queue: str = QUEUE) -> list[str]:
    """`celery -A sellercenter worker` + these."""
    return ["--pool", "threads", "--concurrency", str(THREADS), "--queues", queue]
