"""Sends the simulator's notifications to one URL, signed and retried as TikTok does.

Each notification is POSTed as JSON with `Authorization` = the webhook signature of its exact
bytes. A 2xx answer delivers it; a 401 is an answer too (the receiver refused the signature)
and is not retried; anything else, or no answer within 3 seconds, is tried again after
TikTok's delays divided by the simulator's speed, and given up after the last.
"""

import heapq
import json
import threading
import time
import urllib.error
import urllib.request

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.signing import webhook_signature


class WebhookSender:
    def __init__(
        self,
        url: str,
        *,
        app_key: str,
        app_secret: str,
        speed: float = 60.0,
        delays=c.WEBHOOK_RETRY_DELAYS,
        timeout: float = c.WEBHOOK_TIMEOUT,
    ):
        self.url, self.app_key, self.app_secret = url, app_key, app_secret
        self.delays = tuple(delay / speed for delay in delays)
        self.timeout = timeout
        self.queue: list = []  # (due, sequence, attempt, body)
        self.sequence = 0
        self.delivered = self.refused = self.failed = self.attempts = 0
        self.log: list[tuple[str, int, int | None]] = []  # (notification id, attempt, status)
        self.wake = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="tiktok-webhooks", daemon=True)

    def start(self) -> "WebhookSender":
        self.thread.start()
        return self

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wake.notify()
        self.thread.join(timeout=self.timeout + 1)

    def enqueue(self, envelope: dict) -> None:
        body = json.dumps(envelope, separators=(",", ":")).encode()
        self._schedule(time.monotonic(), 0, body)

    def _schedule(self, due: float, attempt: int, body: bytes) -> None:
        with self.wake:
            self.sequence += 1
            heapq.heappush(self.queue, (due, self.sequence, attempt, body))
            self.wake.notify()

    def pending(self) -> int:
        with self.wake:
            return len(self.queue)

    def post(self, body: bytes) -> int | None:
        """The receiver's HTTP status, or None when it did not answer in time."""
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own setting
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": webhook_signature(self.app_key, self.app_secret, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (OSError, ValueError):
            return None

    def _run(self) -> None:
        while True:
            with self.wake:
                while not self.stopped and (not self.queue or self.queue[0][0] > time.monotonic()):
                    wait = self.queue[0][0] - time.monotonic() if self.queue else None
                    self.wake.wait(timeout=wait)
                if self.stopped:
                    return
                _, _, attempt, body = heapq.heappop(self.queue)
            status = self.post(body)
            self.attempts += 1
            notification_id = json.loads(body)["tts_notification_id"]
            self.log.append((notification_id, attempt, status))
            if status is not None and 200 <= status < 300:
                self.delivered += 1
            elif status in c.WEBHOOK_FINAL_STATUSES:
                self.refused += 1
            elif attempt < len(self.delays):
                self._schedule(time.monotonic() + self.delays[attempt], attempt + 1, body)
            else:
                self.failed += 1
