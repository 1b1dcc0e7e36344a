"""The webhook workers run as the benchmark measured them: docker-compose.yml's
`webhook-worker` service, `dev.py run` and the benchmark take the options of
webhooks/worker.py."""

from pathlib import Path

from benchmarks.webhooks import _worker
from webhooks.worker import worker_options

ROOT = Path(__file__).resolve().parents[2]


def _pairs(options: list[str]) -> list[str]:
    """["--pool", "threads", …] as compose writes them: ["--pool=threads", …]."""
    return [f"{name}={value}" for name, value in zip(options[::2], options[1::2], strict=True)]


def _service(compose: str, name: str) -> list[str]:
    """The lines of one service of docker-compose.yml, stripped."""
    block = compose.split(f"\n  {name}:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip().removeprefix("- ") for line in block.splitlines()]


def test_compose_runs_the_webhook_worker_with_its_options():
    compose = (ROOT / "docker-compose.yml").read_text()
    service = _service(compose, "webhook-worker")
    assert service[2:5] == ["celery", "--app=sellercenter", "worker"]
    assert set(_pairs(worker_options())) <= set(service)
    assert "replicas: 2" in service  # the benchmark's two
    assert "--queues=celery,exports,tracking" in _service(compose, "worker")  # not webhooks


def test_the_benchmark_and_dev_run_use_the_same_options():
    assert "".join(worker_options("bench")) in "".join(_worker(0))
    assert "*worker_options()" in (ROOT / "dev.py").read_text()
