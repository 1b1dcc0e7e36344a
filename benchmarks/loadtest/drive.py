"""N clients, each a thread with its own keep-alive connection, asking one after another for
their role's paths until the time is up: a closed loop with no pause, as wrk drives it (the
capacity), or with a pause between requests of `think` seconds on average, half to one and a
half times it at random, as a person reads a page before the next click (Locust's users)."""

import random
import re
import threading
import time
from dataclasses import dataclass

import requests

from benchmarks.loadtest.mix import EXPORT_QUERY, RoleMix

TIMEOUT = 30  # seconds: a request slower than this is an error
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    ms: float
    error: str  # "" when the answer was a 2xx or 3xx (not to the sign-in page)


def _request(http: requests.Session, method: str, url: str, **kwargs) -> tuple[float, str, object]:
    started = time.perf_counter()
    try:
        response = http.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        return (time.perf_counter() - started) * 1000, f"{type(exc).__name__}", None
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        return elapsed, str(response.status_code), response
    if "/login" in response.headers.get("Location", ""):
        return elapsed, f"{response.status_code} to the sign-in page", response
    return elapsed, "", response


def _export(http: requests.Session, base: str, mix: RoleMix, out: list[Sample]) -> None:
    """The form's page, then its POST with the CSRF token it gave (as a browser sends it)."""
    ms, error, page = _request(http, "GET", f"{base}/exports/new/?{EXPORT_QUERY}")
    out.append(Sample("export", ms, error and f"{error} GET /exports/new/ ({mix.role.value})"))
    found = CSRF_FIELD.search(page.text) if page is not None and not error else None
    if found is None:
        return
    cookie = http.headers["Cookie"] + f"; csrftoken={page.cookies.get('csrftoken', '')}"
    data = {
        "csrfmiddlewaretoken": found.group(1),
        "query": EXPORT_QUERY,
        "format": "csv",
        "template": "tiktok_sku_list",
    }
    ms, error, _ = _request(http, "POST", f"{base}/exports/", data=data, headers={"Cookie": cookie})
    out.append(Sample("export", ms, error and f"{error} POST /exports/ ({mix.role.value})"))


def _client(
    base: str, mix: RoleMix, seed: int, until: float, out: list[Sample], think: float
) -> None:
    rng = random.Random(seed)
    with requests.Session() as http:
        http.headers["Cookie"] = f"sessionid={mix.session}"
        if think:  # people do not all click in the same instant
            time.sleep(min(rng.uniform(0, think), max(0.0, until - time.monotonic())))
        while time.monotonic() < until:
            kind, path = mix.pick(rng)
            ms, error, _ = _request(http, "GET", base + path)
            out.append(Sample(kind, ms, error and f"{error} GET {path} ({mix.role.value})"))
            if think:
                pause = rng.uniform(0.5, 1.5) * think
                time.sleep(min(pause, max(0.0, until - time.monotonic())))


def _exporter(base: str, mix: RoleMix, out: list[Sample]) -> None:
    with requests.Session() as http:
        http.headers["Cookie"] = f"sessionid={mix.session}"
        _export(http, base, mix, out)


def drive(
    *, base: str, mixes: list[RoleMix], users: int, seconds: float, export: bool, think: float = 0.0
):
    """(samples, wall seconds): `users` clients spread over the roles in turn; with `export`,
    each role that may export also starts one export as the level begins (one person more
    for the two requests that takes, whether or not that role has a client)."""
    samples: list[Sample] = []  # list.append is atomic under the GIL
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client, args=(base, mixes[n % len(mixes)], n, until, samples, think)
        )
        for n in range(users)
    ]
    if export:
        threads += [
            threading.Thread(target=_exporter, args=(base, mix, samples))
            for mix in mixes
            if mix.exports
        ]
    started = time.monotonic()
    for thread in threads:
        thread.daemon = True  # a Ctrl-C does not wait for a request in flight
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.monotonic() - started


def check_signed_in(base: str, mixes: list[RoleMix]) -> list[str]:
    """The roles whose session does not open the order list (should be none)."""
    failed = []
    for mix in mixes:
        cookie = {"Cookie": f"sessionid={mix.session}"}
        _, error, _ = _request(requests.Session(), "GET", f"{base}/orders/", headers=cookie)
        if error:
            failed.append(f"{mix.role.value} ({mix.email}): {error}")
    return failed
