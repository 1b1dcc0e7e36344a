"""Connecting a portal shop to the running TikTok simulator the way its administrator would on
the shop's TikTok Shop page: the authorization page, the callback, the TikTok shop chosen."""

import time
from urllib.parse import parse_qs, urlsplit

import requests

from accounts.models import Shop, User
from tiktok.models import TikTokConnection
from tiktok.services.linking import (
    connection_authorize_url,
    connection_authorized_shops,
    connection_callback,
    connection_shop_link,
)


class SimulatorUnreachable(Exception):
    """The simulator did not answer, or its page did not send the seller back with a code."""


def simulator_connect(*, shop: Shop, user: User, wait: float = 30) -> TikTokConnection:
    """Authorize on the simulator's page as `user` and link `shop` to the simulated TikTok shop
    of its market; ConnectRefused when the portal refuses, as on the page."""
    code, state = _authorize(connection_authorize_url(shop=shop, user=user), wait)
    outcome = connection_callback(user=user, state=state, code=code)
    if not outcome.linked:
        authorized = connection_authorized_shops(connection=outcome.connection)
        mine = [s for s in authorized if s.region == shop.market] or authorized
        connection_shop_link(connection=outcome.connection, tiktok_shop=mine[0], actor=user)
    return TikTokConnection.objects.get(shop=shop)


def _authorize(link: str, wait: float) -> tuple[str, str]:
    """Press "Authorize" on the simulator's page; the code and state of its redirect."""
    page = urlsplit(link)
    query = {key: values[0] for key, values in parse_qs(page.query).items()}
    url = f"{page.scheme}://{page.netloc}{page.path}"
    deadline = time.monotonic() + wait
    while True:
        try:
            answer = requests.post(
                url, data={**query, "decision": "authorize"}, allow_redirects=False, timeout=5
            )
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise SimulatorUnreachable(
                    f"The TikTok simulator does not answer at {url}."
                ) from None
            time.sleep(0.5)
    back = parse_qs(urlsplit(answer.headers.get("Location", "")).query)
    if answer.status_code != 302 or not back.get("code"):
        raise SimulatorUnreachable(
            f"The simulator's authorization page answered {answer.status_code}."
        )
    return back["code"][0], back.get("state", [query.get("state", "")])[0]
