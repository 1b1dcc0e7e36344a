"""How the permission matrix asks: what an entry says (Ask), the cells of who gets what,
the walk over the URL conf, and one request as one person, undone afterwards."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, reverse

from accounts.roles import Role
from tests.permission_world import ANONYMOUS, EVERYONE, OUTSIDER, SUPERUSER

LOGIN = "→ sign-in"
ADMIN_LOGIN = "→ admin sign-in"
ADMIN_INDEX = "→ admin index"


@dataclass(frozen=True)
class Ask:
    """How to ask a URL with one method, and what each person must get."""

    expected: dict
    kwargs: object = None  # (world, who) → URL kwargs
    data: object = None  # POST payload, or (world, who) → payload
    query: object = None  # query string parameters, or (world, who) → them
    htmx: bool = False
    content_type: str | None = None  # POST body type; form-encoded when None
    settings: dict | None = None  # overridden for the request
    # A third-party admin template reads a variable its view does not set; pages of ours
    # keep failing on undefined variables.
    lenient_template: bool = False
    # An API URL: sent with `Authorization: Bearer` and a token of the person's with only this
    # scope (anonymous sends none), never with a session.
    api: str | None = None


def roles(allowed, ok, *, denied=403, anonymous=LOGIN, outsider=None, superuser=None) -> dict:
    """Portal page: `allowed` roles get `ok`, the shop's other roles `denied`; the outsider
    answers as the administrator of their own shop unless said otherwise."""
    cells = {role: ok if role in allowed else denied for role in Role}
    cells[ANONYMOUS] = anonymous
    cells[OUTSIDER] = cells[Role.ADMINISTRATOR] if outsider is None else outsider
    cells[SUPERUSER] = ok if superuser is None else superuser
    return cells


def mine(allowed, ok, **overrides) -> dict:
    """A page about one object of the shop: the member of another shop gets 404."""
    return roles(allowed, ok, outsider=404, **overrides)


def api(ok, *, outsider=None, anonymous=401, allowed=None) -> dict:
    """An API URL asked with a token: every role of the shop (or only the `allowed` ones; the
    others 403, their token's owner lacking the scope's permission) and the superuser get
    `ok`, the outsider (whose token covers another shop) `outsider` or `ok`, no token 401."""
    cells = {who: ok for who in EVERYONE}
    cells |= {role: 403 for role in Role if allowed is not None and role not in allowed}
    cells[ANONYMOUS] = anonymous
    cells[OUTSIDER] = ok if outsider is None else outsider
    return cells


def everyone(answer, **overrides) -> dict:
    return {who: overrides.get(str(who), answer) for who in EVERYONE}


def admin_page(ok, *, shop_admin=None, outsider=None, superuser=None) -> dict:
    """Django admin: people who are not staff and anonymous go to the admin sign-in."""
    cells = {who: ADMIN_LOGIN for who in EVERYONE}
    cells[Role.ADMINISTRATOR] = ok if shop_admin is None else shop_admin
    cells[OUTSIDER] = cells[Role.ADMINISTRATOR] if outsider is None else outsider
    cells[SUPERUSER] = ok if superuser is None else superuser
    return cells


def superuser_only(ok) -> dict:
    return admin_page(ok, shop_admin=403)


def url_walk(patterns, prefix="", namespace=None):
    """(key, route) of every URL pattern: its name with namespace, or its route if unnamed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            inner = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            elif not route.startswith("admin/"):  # admin's unnamed redirects and catch-all
                yield route, route


def _answer(response):
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/accounts/login/?next="):
        return LOGIN
    if location.startswith("/admin/login/?next="):
        return ADMIN_LOGIN
    if location == reverse("admin:index"):
        return ADMIN_INDEX
    return response.status_code


def _call(value, world, who):
    return value(world, who) if callable(value) else value


def ask_as(world, urls: dict, key: str, method: str, ask: Ask, who) -> object:
    """The answer `who` gets (a status, or where a redirect goes); nothing stays changed."""
    return _answer(response_as(world, urls, key, method, ask, who))


def response_as(world, urls: dict, key: str, method: str, ask: Ask, who, headers=None):
    """The response `who` gets, with `headers` besides the ask's; nothing stays changed."""
    kwargs = _call(ask.kwargs, world, who)
    url = reverse(key, kwargs=kwargs) if urls[key] != key else f"/{key}"
    headers = ({"HX-Request": "true"} if ask.htmx else {}) | (headers or {})
    client = world.client(who)
    if ask.api:
        client = Client()  # tokens, not sessions
        if secret := world.api_tokens.get(who, {}).get(ask.api):
            headers["Authorization"] = f"Bearer {secret}"
    verb = method.split()[0]
    with (
        override_settings(**(ask.settings or {})),
        transaction.atomic(),  # whatever the request changes is undone before the next one
    ):
        if verb == "GET":
            response = client.get(url, _call(ask.query, world, who), headers=headers)
        else:
            if query := _call(ask.query, world, who):
                url += f"?{urlencode(query)}"
            body = _call(ask.data, world, who) or {}
            typed = {"content_type": ask.content_type} if ask.content_type else {}
            response = client.post(url, body, headers=headers, **typed)
        if response.streaming:
            b"".join(response.streaming_content)  # the client closes it (and its file) after
        transaction.set_rollback(True)
    return response
