"""Every URL of the URL conf × every method it accepts × everyone (STYLE.md rule 18).

The URL conf is walked (`get_resolver()`, Django admin included) and each URL name is asked
with the methods EXPECTED gives it, as each of the five roles of one shop, anonymous, the
administrator of another shop (OUTSIDER) and a superuser. The expected answer is written once,
below; a URL name without an entry fails `test_every_url_has_an_entry`, naming what to add.
How to add one: docs/architecture.md, "The permission matrix".

Objects in URLs (an order, an import job, an export job, a saved view, a report…) are real
objects of the first shop (tests/permission_world.py), so the OUTSIDER shows that another
shop's object is a 404. Answers are a status, or where a redirect goes: LOGIN (the portal's
sign-in), ADMIN_LOGIN, ADMIN_INDEX (where Django admin sends someone already signed in, and
its "no such object" answer, the same for objects out of reach as for objects that do not
exist).
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.urls import get_resolver

from accounts.roles import Role
from accounts.tracking_providers import configured_providers
from tests.permission_asking import (
    ADMIN_INDEX,
    Ask,
    admin_page,
    api,
    ask_as,
    everyone,
    mine,
    roles,
    superuser_only,
    url_walk,
)
from tests.permission_world import (
    ANONYMOUS,
    EVERYONE,
    OUTSIDER,
    SUPERUSER,
    finance_import_upload,
    import_upload,
    world_build,
)

A, CS, FUL, ACC, VIEW = (
    Role.ADMINISTRATOR,
    Role.CUSTOMER_SERVICE,
    Role.FULFILMENT,
    Role.ACCOUNTANT,
    Role.VIEWER,
)
ALL = frozenset(Role)
EXPORTERS = frozenset({A, ACC})
NOTE_TAKERS = frozenset({A, CS, FUL})
FULFILLERS = frozenset({A, FUL})
REFUNDERS = frozenset({A, CS})
ADMINISTRATORS = frozenset({A})
INSIGHT_READERS = frozenset({A, ACC, VIEW})
FINANCE = frozenset({A, ACC})  # view finance and explain reconciliation differences


def order_id(world, who):
    return {"order_id": world.order.order_id}


def post_only(allowed, kwargs, data=None, *, passing=ALL) -> dict:
    """A POST-only action on an object of the shop; `passing` are the roles that get past the
    view's permission decorator to the method check (405 on GET)."""
    return {
        "POST": Ask(mine(allowed, 302), kwargs=kwargs, data=data),
        "GET": Ask(roles(passing, 405), kwargs=kwargs),
    }


def order_action(allowed, data, *, kwargs=order_id) -> dict:
    """A form on the order page (the view-orders check comes first)."""
    return post_only(allowed, kwargs, data)


def pk_of(name):
    return lambda world, who: {"pk": getattr(world, name).pk}


def own_pk(name):
    """The person's own object (another's when they have none: a 404 when it is hidden)."""

    return lambda world, who: {"pk": world.own(getattr(world, name), who).pk}


def _a_configured_provider() -> str:
    providers = configured_providers()
    assert providers, "carrier_webhook needs a tracking provider configured in test settings"
    return providers[0]


def shop_slug(world, who):
    return {"shop": world.shop.slug}


def package_pk(world, who):
    from orders.models import Package

    return {"package_pk": Package.objects.filter(order=world.order).first().pk}


def package_label(world, who):
    return {**package_pk(world, who), "kind": "shipping_label"}


def bulk_token(world, who):
    return {"token": "18b0c0ffee0000aa"}  # a run nobody's session keeps: 404 past the check


def api_export_job(*, other_scope: str) -> dict:
    """An API URL about the shop's export job (the accountant's): exporters read it, the
    outsider's token gets 404, a token without `exports:read` 403."""
    job = pk_of("export_job")
    return {
        "GET": Ask(api(200, allowed=EXPORTERS, outsider=404), api="exports:read", kwargs=job),
        "GET other scope": Ask(api(403), api=other_scope, kwargs=job),
    }


# --- The portal ------------------------------------------------------------------------------

PORTAL = {
    "home": {"GET": Ask(roles(ALL, 200))},
    # A probe: no sign-in. No worker runs here, so it answers 503 after a short wait.
    "healthz": {
        "GET": Ask(everyone(503), settings={"HEALTHZ_WORKER_TIMEOUT": 0.05}),
        "POST": Ask(everyone(405)),
    },
    "carrier_webhook": {
        # No sign-in: the signature is the credential, so an unsigned body is refused.
        "POST": Ask(
            everyone(401),
            kwargs=lambda world, who: {"provider": _a_configured_provider()},
            data={"event": "TRACKING_UPDATED", "data": {"number": "1Z999"}},
            content_type="application/json",
        ),
        "GET": Ask(everyone(405), kwargs=lambda world, who: {"provider": "simulator"}),
    },
    "tiktok_webhook": {
        # No sign-in: TikTok's signature is the credential, so an unsigned body is refused.
        "POST": Ask(
            everyone(401),
            data={"type": 1, "shop_id": "7000714532876273420", "data": {"order_id": "1"}},
            content_type="application/json",
        ),
        "GET": Ask(everyone(405)),
    },
    # Sign-in, two-factor, passwords
    "accounts:login": {
        "GET": Ask(everyone(302, anonymous=200)),  # signed in: on to the home page
        "POST": Ask(
            everyone(302, anonymous=200), data={"username": "x@example.test", "password": "no"}
        ),
    },
    "accounts:login_verify": {
        "GET": Ask(everyone(302)),  # no password step pending: back to sign-in
        "POST": Ask(everyone(302), data={"code": "123456"}),
    },
    "accounts:logout": {"POST": Ask(everyone(302)), "GET": Ask(everyone(405))},
    "accounts:two_factor": {
        "GET": Ask(roles(ALL, 200)),
        "POST": Ask(roles(ALL, 200), data={"code": "000000"}),  # a wrong code: the form again
    },
    "accounts:two_factor_disable": {
        "POST": Ask(roles(ALL, 302), data={"disable-password": "wrong"}),
        "GET": Ask(roles(ALL, 405)),
    },
    "accounts:recovery_codes_regenerate": {
        "POST": Ask(roles(ALL, 302), data={"codes-password": "wrong"}),
        "GET": Ask(roles(ALL, 405)),
    },
    # Only the session that just made its codes downloads them; nobody in the world has.
    "accounts:recovery_codes_download": {"GET": Ask(roles(ALL, 302))},
    "accounts:shop_switch": {
        "POST": Ask(roles(ALL, 302), data={"shop": "north-shop", "next": "/orders/"}),
        "GET": Ask(roles(ALL, 405)),
    },
    # API tokens: everyone signed in has the page; a token is revoked by its owner (the viewer
    # here) or an administrator of a shop it covers, and is not found by anyone else.
    "tokens:list": {
        "GET": Ask(roles(ALL, 200)),
        "POST": Ask(roles(ALL, 400), data={"name": ""}),  # refused: the form again
    },
    "tokens:revoke": {
        "POST": Ask(
            roles({A, VIEW}, 302, denied=404, outsider=404),
            kwargs=lambda world, who: {"pk": world.member_token.pk},
        ),
        "GET": Ask(roles(ALL, 405), kwargs=lambda world, who: {"pk": world.member_token.pk}),
    },
    # The read API: a token of each person (api=the scope it has), never a session.
    "api:shops": {
        "GET": Ask(api(200), api="orders:read"),
        "GET other scope": Ask(api(403), api="exports:read"),
    },
    "api:orders": {
        "GET": Ask(api(200), api="orders:read"),
        "GET shop": Ask(api(200, outsider=404), api="orders:read", query=shop_slug),
        "GET other scope": Ask(api(403), api="insights:read"),
        "POST": Ask(api(405), api="orders:read", data={}, content_type="application/json"),
    },
    "api:order": {
        "GET": Ask(api(200, outsider=404), api="orders:read", kwargs=order_id),
        "GET other scope": Ask(api(403), api="exports:write", kwargs=order_id),
    },
    "api:exports": {
        "GET": Ask(api(200, allowed=EXPORTERS), api="exports:read"),
        "GET other scope": Ask(api(403), api="exports:write"),
        "POST": Ask(
            api(201, allowed=EXPORTERS),
            api="exports:write",
            data={"template": "orders"},
            content_type="application/json",
        ),
        "POST other scope": Ask(
            api(403), api="exports:read", data={}, content_type="application/json"
        ),
    },
    "api:export": api_export_job(other_scope="orders:read"),
    "api:export_download": api_export_job(other_scope="exports:write"),
    "api:insights": {
        "GET": Ask(api(200, allowed=INSIGHT_READERS), api="insights:read"),
        "GET shop": Ask(
            api(200, allowed=INSIGHT_READERS, outsider=404), api="insights:read", query=shop_slug
        ),
        "GET other scope": Ask(api(403), api="orders:read"),
    },
    "api:not_found": {
        "GET": Ask(everyone(404), api="orders:read", kwargs=lambda world, who: {"rest": "x/"}),
    },
    # The schema and its docs page describe the API and hold no data: public.
    "api:schema": {"GET": Ask(everyone(200), api="orders:read")},
    "api:docs": {"GET": Ask(everyone(200), api="orders:read")},
    "accounts:access_review": {
        "GET": Ask(roles(ADMINISTRATORS, 200, outsider=404), query=shop_slug),
    },
    "accounts:password_change": {
        "GET": Ask(roles(ALL, 200)),
        "POST": Ask(roles(ALL, 200), data={"old_password": "wrong"}),
    },
    "accounts:password_change_done": {"GET": Ask(roles(ALL, 200))},
    "accounts:password_reset": {
        "GET": Ask(everyone(200)),
        "POST": Ask(everyone(302), data={"email": "nobody@example.test"}),
    },
    "accounts:password_reset_done": {"GET": Ask(everyone(200))},
    "accounts:password_reset_confirm": {
        "GET": Ask(everyone(200), kwargs=lambda world, who: {"uidb64": "MQ", "token": "bad-t"}),
    },
    "accounts:password_reset_complete": {"GET": Ask(everyone(200))},
    # Orders
    "orders:list": {
        "GET": Ask(roles(ALL, 200)),
        # Filtered on the shop: for a member of another shop it is not one of theirs.
        "GET htmx": Ask(roles(ALL, 200, outsider=404), query=shop_slug, htmx=True),
    },
    "orders:counts": {"GET htmx": Ask(roles(ALL, 200, outsider=404), query=shop_slug, htmx=True)},
    "orders:bulk": {
        "POST": Ask(
            roles(EXPORTERS, 200, outsider=302),  # the outsider's selection is empty
            data=lambda world, who: {"action": "export", "ids": [world.order.pk]},
        ),
        "GET": Ask(roles(ALL, 405)),
    },
    "orders:detail": {
        "GET": Ask(mine(ALL, 200), kwargs=order_id),
        "GET htmx": Ask(mine(ALL, 200), kwargs=order_id, htmx=True),
    },
    "orders:note_add": order_action(NOTE_TAKERS, {"body": "Called the buyer"}),
    "orders:status": order_action(FULFILLERS, {"status": "DELIVERED", "reason": ""}),
    "orders:tracking": order_action(
        FULFILLERS, {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}
    ),
    # Not a TikTok-shipped order of a connected shop: back to the order page, which says so.
    "orders:arrange": order_action(FULFILLERS, {"handover_method": "DROP_OFF"}),
    # No reason given: refused after the permission check, so nothing is cancelled.
    "orders:cancel": order_action(FULFILLERS, {"reason": ""}),
    "orders:refund_create": order_action(REFUNDERS, {"amount": "1.00", "reason": "Late"}),
    "orders:refund_decide": order_action(
        ADMINISTRATORS,
        {"decision": "reject"},
        kwargs=lambda world, who: {"order_id": world.order.order_id, "refund_id": world.refund.pk},
    ),
    "orders:message_send": order_action(REFUNDERS, {"body": "Your parcel is out"}),
    "orders:request_answer": order_action(
        REFUNDERS,
        {"decision": "approve"},
        kwargs=lambda world, who: {
            "order_id": world.order.order_id,
            "request_pk": world.buyer_request.pk,
        },
    ),
    "orders:packing_slip": {"GET": Ask(mine(FULFILLERS, 200), kwargs=order_id)},
    "orders:saved_view_create": {
        "POST": Ask(
            roles(ALL, 302),
            data={"name": "Late ones", "shop": "north-shop", "query_string": "status=UNPAID"},
        ),
        "GET": Ask(roles(ALL, 405)),
    },
    "orders:saved_view_change": {
        "POST": Ask(mine(ALL, 302), kwargs=pk_of("saved_view"), data={"action": "default"}),
        "GET": Ask(roles(ALL, 405), kwargs=pk_of("saved_view")),
    },
    # Imports
    "imports:upload": {
        "GET": Ask(roles(ADMINISTRATORS, 200)),
        "POST": Ask(
            roles(ADMINISTRATORS, 302, outsider=400),  # not one of the outsider's shops
            data=lambda world, who: {"shop": world.shop.slug, "file": import_upload()},
        ),
    },
    "imports:job": {
        "GET": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("import_jobs")),
        "GET htmx": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("import_jobs"), htmx=True),
    },
    "imports:apply": {
        "POST": Ask(
            mine(ADMINISTRATORS, 302), kwargs=own_pk("import_jobs"), data={"skip_errors": "on"}
        ),
        # The method is checked before sign-in here.
        "GET": Ask(everyone(405), kwargs=own_pk("import_jobs")),
    },
    "imports:errors": {
        "GET": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("import_jobs")),
    },
    # Finance files: import files AND view finance in the shop (administrators).
    "finance_import:upload": {
        "GET": Ask(roles(ADMINISTRATORS, 200)),
        "POST": Ask(
            roles(ADMINISTRATORS, 302, outsider=400),  # not one of the outsider's shops
            data=lambda world, who: {"shop": world.shop.slug, "file": finance_import_upload()},
        ),
    },
    "finance_import:job": {
        "GET": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("finance_import_jobs")),
        "GET htmx": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("finance_import_jobs"), htmx=True),
    },
    "finance_import:apply": {
        "POST": Ask(mine(ADMINISTRATORS, 302), kwargs=own_pk("finance_import_jobs")),
        "GET": Ask(everyone(405), kwargs=own_pk("finance_import_jobs")),
    },
    "finance_import:errors": {
        "GET": Ask(mine(ADMINISTRATORS, 200), kwargs=own_pk("finance_import_jobs")),
    },
    # Exports
    # Sales insights: the shops in view, or one named shop (another's is not one of theirs).
    "insights:page": {
        "GET": Ask(roles(INSIGHT_READERS, 200)),
        "GET shop": Ask(roles(INSIGHT_READERS, 200, outsider=404), query=shop_slug),
    },
    "insights:csv": {
        "GET": Ask(roles(INSIGHT_READERS, 200), kwargs=lambda world, who: {"name": "figures"}),
        "GET shop": Ask(
            roles(INSIGHT_READERS, 200, outsider=404),
            kwargs=lambda world, who: {"name": "figures"},
            query=shop_slug,
        ),
    },
    # Finance: the shops in view, or one named (another's is a 404, as its statements are).
    "finance:statements": {
        "GET": Ask(roles(FINANCE, 200)),
        "GET shop": Ask(roles(FINANCE, 200, outsider=404), query=shop_slug),
    },
    "finance:statement": {"GET": Ask(mine(FINANCE, 200), kwargs=pk_of("statement"))},
    "finance:month": {
        "GET": Ask(roles(FINANCE, 200), kwargs=lambda world, who: {"year": 2026, "month": 11}),
    },
    "finance:differences": {
        "GET": Ask(roles(FINANCE, 200)),
        "GET shop": Ask(roles(FINANCE, 200, outsider=404), query=shop_slug),
    },
    "finance:difference_explain": post_only(
        FINANCE, pk_of("difference"), {"note": "Known: a late fee."}, passing=FINANCE
    ),
    "finance:difference_reopen": post_only(FINANCE, pk_of("explained_difference"), passing=FINANCE),
    "exports:list": {
        "GET": Ask(roles(EXPORTERS, 200)),
        "GET htmx": Ask(roles(EXPORTERS, 200), htmx=True),
        "POST": Ask(
            roles(EXPORTERS, 302), data={"format": "csv", "template": "orders", "query": ""}
        ),
    },
    "exports:new": {"GET": Ask(roles(EXPORTERS, 200), query={"status": "IN_TRANSIT"})},
    "exports:detail": {
        "GET": Ask(mine(EXPORTERS, 200), kwargs=pk_of("export_job")),
        "GET htmx": Ask(mine(EXPORTERS, 200), kwargs=pk_of("export_job"), htmx=True),
    },
    "exports:download": {"GET": Ask(mine(EXPORTERS, 200), kwargs=pk_of("export_job"))},
    "exports:cancel": post_only(EXPORTERS, pk_of("export_job"), passing=EXPORTERS),
    "exports:retry": post_only(EXPORTERS, pk_of("export_job"), passing=EXPORTERS),
    "exports:report_create": {
        "GET": Ask(roles(EXPORTERS, 200)),
        "POST": Ask(
            roles(EXPORTERS, 302), data={"name": "Ids", "col_order_id": "on", "pos_order_id": "1"}
        ),
    },
    "exports:report_change": {
        "GET": Ask(mine(EXPORTERS, 200), kwargs=own_pk("reports")),
        "POST": Ask(
            mine(EXPORTERS, 302),
            kwargs=own_pk("reports"),
            data={"name": "Renamed", "col_order_id": "on", "pos_order_id": "1"},
        ),
    },
    "exports:report_delete": post_only(EXPORTERS, own_pk("reports"), passing=EXPORTERS),
    "exports:schedule_create": {
        "GET": Ask(roles(EXPORTERS, 200)),
        "POST": Ask(
            roles(EXPORTERS, 302, outsider=400),  # the shop field offers the outsider's shops
            data={
                "name": "Monthly sales",
                "shop": "north-shop",
                "frequency": "monthly",
                "date_field": "created",
                "format": "csv",
                "template": "orders",
            },
        ),
    },
    "exports:schedule_delete": post_only(EXPORTERS, own_pk("schedules"), passing=EXPORTERS),
    # TikTok Shop connections: only shop administrators connect, sync and disconnect. The
    # world's shop has no connection, so each action ends back on the shop's page.
    "tiktok:shops": {
        # One shop to manage: straight to its page; a superuser sees every shop listed.
        "GET": Ask(roles(ADMINISTRATORS, 302, superuser=200)),
        "POST": Ask(roles(ADMINISTRATORS, 405)),
    },
    # No state of theirs: "nothing was connected" for everyone signed in.
    "tiktok:callback": {
        "GET": Ask(roles(ALL, 400), query={"code": "ROW_x", "state": "forged"}),
        "POST": Ask(roles(ALL, 405)),
    },
    "tiktok:connection": {
        "GET": Ask(mine(ADMINISTRATORS, 200), kwargs=shop_slug),
        "POST": Ask(roles(ADMINISTRATORS, 405), kwargs=shop_slug),
    },
    "tiktok:connect": post_only(ADMINISTRATORS, shop_slug, passing=ADMINISTRATORS),
    "tiktok:choose": {
        "GET": Ask(mine(ADMINISTRATORS, 302), kwargs=shop_slug),
        "POST": Ask(mine(ADMINISTRATORS, 302), kwargs=shop_slug, data={"tiktok_shop": "1"}),
    },
    "tiktok:sync": post_only(
        ADMINISTRATORS, shop_slug, {"since": "2026-11-01"}, passing=ADMINISTRATORS
    ),
    "tiktok:disconnect": post_only(ADMINISTRATORS, shop_slug, passing=ADMINISTRATORS),
    # TikTok's own shipping: for the world's unconnected shop a document has nothing to
    # fetch (back to the order page, which says so).
    "tiktok:document": {"GET": Ask(mine(FULFILLERS, 302), kwargs=package_label)},
    "tiktok:document_refetch": post_only(FULFILLERS, package_pk, passing=FULFILLERS),
    "tiktok:bulk_results": {"GET": Ask(roles(FULFILLERS, 404), kwargs=bulk_token)},
    "tiktok:bulk_labels": {"GET": Ask(roles(FULFILLERS, 404), kwargs=bulk_token)},
    # Outbound webhooks: shop administrators manage their shop's endpoints; another shop's
    # endpoint or delivery is a 404.
    "webhooks:list": {"GET": Ask(roles(ADMINISTRATORS, 200))},
    "webhooks:new": {
        "GET": Ask(roles(ADMINISTRATORS, 200)),
        "POST": Ask(
            roles(ADMINISTRATORS, 201, outsider=400),  # the shop field offers the outsider's
            data={"shop": "north-shop", "url": "http://127.0.0.1:9/ok", "events": "order.created"},
        ),
    },
    "webhooks:detail": {"GET": Ask(mine(ADMINISTRATORS, 200), kwargs=pk_of("webhook_endpoint"))},
    # Made and rotated secrets are shown on the POST's own response (never kept in a session).
    "webhooks:rotate": {
        "POST": Ask(mine(ADMINISTRATORS, 200), kwargs=pk_of("webhook_endpoint")),
        "GET": Ask(roles(ADMINISTRATORS, 405), kwargs=pk_of("webhook_endpoint")),
    },
    "webhooks:toggle": post_only(ADMINISTRATORS, pk_of("webhook_endpoint"), passing=ADMINISTRATORS),
    "webhooks:delete": post_only(ADMINISTRATORS, pk_of("webhook_endpoint"), passing=ADMINISTRATORS),
    "webhooks:test": post_only(ADMINISTRATORS, pk_of("webhook_endpoint"), passing=ADMINISTRATORS),
    "webhooks:resend": post_only(ADMINISTRATORS, pk_of("webhook_delivery"), passing=ADMINISTRATORS),
}

# --- Django admin ----------------------------------------------------------------------------
# A shop administrator is staff by that role: they reach the admin of their shops' people,
# memberships, permission rows and audit events (scoped, accounts/admin_scope.py); every other
# model is for superusers. The outsider administers another shop: what names an object of
# the first shop answers ADMIN_INDEX to them.

VIEWS = ("changelist", "add", "change", "delete", "history")


def _profile(changelist, add, change, delete, history) -> dict:
    """view → (GET cells, POST cells); an empty POST asks the permission, changes nothing."""
    return dict(zip(VIEWS, (changelist, add, change, delete, history), strict=True))


def _both(cells):
    return (cells, cells)


NOT_STAFF = (CS, FUL, ACC, VIEW, ANONYMOUS)
SCOPED_OBJECT = admin_page(200, outsider=ADMIN_INDEX)
# Memberships: shop administrators invite, change and remove roles in their shops.
SHOP_EDITABLE = _profile(
    _both(admin_page(200)),
    _both(admin_page(200)),
    _both(SCOPED_OBJECT),
    _both(SCOPED_OBJECT),
    _both(SCOPED_OBJECT),
)
# Shops and users: shop administrators open theirs; only superusers add or delete them.
SHOP_OPENS = _profile(
    _both(admin_page(200)),
    _both(superuser_only(200)),
    _both(SCOPED_OBJECT),
    _both(superuser_only(200)),
    _both(SCOPED_OBJECT),
)
# Users: a person may belong to shops their administrator does not manage, so it is read-only.
SHOP_VIEWS_PEOPLE = {
    **SHOP_OPENS,
    "change": (SCOPED_OBJECT, admin_page(403, outsider=403, superuser=200)),
}
# Permission rows and audit events: read-only for everyone, superusers included.
SHOP_READ_ONLY = _profile(
    _both(admin_page(200)),
    _both(admin_page(403)),
    (SCOPED_OBJECT, admin_page(403, outsider=403)),
    _both(admin_page(403)),
    _both(SCOPED_OBJECT),
)
SUPERUSER_EDITABLE = _profile(*[_both(superuser_only(200))] * 5)
SUPERUSER_READ_ONLY = _profile(
    _both(superuser_only(200)),
    _both(admin_page(403)),
    (superuser_only(200), admin_page(403)),
    _both(admin_page(403)),
    _both(superuser_only(200)),
)
NO_ADDING = {**SUPERUSER_EDITABLE, "add": _both(admin_page(403))}  # orders come from TikTok
# Sign-in records (django-axes): written by sign-ins only; superusers may clear them.
SIGN_IN_RECORDS = {**NO_ADDING, "change": (superuser_only(200), superuser_only(302))}

ADMIN_MODELS = {
    "accounts.membership": SHOP_EDITABLE,
    "accounts.shop": SHOP_OPENS,
    "accounts.user": SHOP_VIEWS_PEOPLE,
    "accounts.shopuserobjectpermission": SHOP_READ_ONLY,
    "accounts.auditevent": SHOP_READ_ONLY,
    "orders.order": NO_ADDING,
    "orders.package": SUPERUSER_EDITABLE,
    "tracking.trackingcheckpoint": SUPERUSER_READ_ONLY,
    "orders.orderevent": SUPERUSER_READ_ONLY,
    "orders.refund": SUPERUSER_READ_ONLY,
    "orders.buyerrequest": SUPERUSER_READ_ONLY,
    "orders.savedview": SUPERUSER_EDITABLE,
    "exports.exportjob": SUPERUSER_READ_ONLY,
    "tiktok.tiktokaction": SUPERUSER_READ_ONLY,
    "auth.group": SUPERUSER_EDITABLE,
    "axes.accessattempt": SIGN_IN_RECORDS,
    "axes.accesslog": SIGN_IN_RECORDS,
    "axes.accessfailurelog": SIGN_IN_RECORDS,
    "django_celery_beat.periodictask": SUPERUSER_EDITABLE,
    "django_celery_beat.clockedschedule": SUPERUSER_EDITABLE,
    "django_celery_beat.crontabschedule": SUPERUSER_EDITABLE,
    "django_celery_beat.solarschedule": SUPERUSER_EDITABLE,
    "django_celery_beat.intervalschedule": SUPERUSER_EDITABLE,
    "otp_static.staticdevice": SUPERUSER_EDITABLE,
    "otp_totp.totpdevice": SUPERUSER_EDITABLE,
}


def _admin_object(model):
    def kwargs(world, who):
        return {"object_id": quote(str(world.admin_objects[model].pk))}

    return kwargs


def _admin_model_urls() -> dict:
    urls = {}
    for model in admin.site._registry:
        profile = ADMIN_MODELS.get(model._meta.label_lower)
        if profile is None:
            continue  # reported by test_every_url_has_an_entry
        for view, (get, post) in profile.items():
            kwargs = _admin_object(model) if view in ("change", "delete", "history") else None
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
            urls[name] = {"GET": Ask(get, kwargs=kwargs), "POST": Ask(post, kwargs=kwargs)}
    return urls


def _totp_device(world, who):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return {"pk": world.admin_objects[TOTPDevice].pk}


ADMIN = {
    **_admin_model_urls(),
    "admin:index": {"GET": Ask(admin_page(200))},
    "admin:login": {
        # Staff already signed in go on to the index; everyone else gets the form.
        "GET": Ask(everyone(200) | {who: ADMIN_INDEX for who in (A, OUTSIDER, SUPERUSER)}),
        "POST": Ask(everyone(200), data={"username": "x@example.test", "password": "no"}),
    },
    # Staff are signed out (on to the portal's sign-in); anyone else is sent to the index.
    "admin:logout": {
        "POST": Ask(admin_page(302) | {who: ADMIN_INDEX for who in NOT_STAFF}),
        "GET": Ask(admin_page(405) | {who: ADMIN_INDEX for who in NOT_STAFF}),
    },
    "admin:password_change": {
        "GET": Ask(admin_page(200)),
        "POST": Ask(admin_page(200), data={"old_password": "wrong"}),
    },
    "admin:password_change_done": {"GET": Ask(admin_page(200))},
    "admin:jsi18n": {"GET": Ask(admin_page(200))},
    "admin:app_list": {
        "GET": Ask(admin_page(200), kwargs=lambda world, who: {"app_label": "accounts"}),
    },
    "admin:autocomplete": {
        "GET": Ask(
            admin_page(200),
            query={"app_label": "accounts", "model_name": "membership", "field_name": "shop"},
        ),
    },
    "admin:view_on_site": {
        # No model has a page outside admin: every answer is "not found".
        "GET": Ask(
            admin_page(404),
            kwargs=lambda world, who: {
                "content_type_id": ContentType.objects.get_for_model(world.order).pk,
                "object_id": world.order.pk,
            },
        ),
    },
    "admin:auth_user_password_change": {
        "GET": Ask(superuser_only(200), kwargs=lambda world, who: {"id": world.users[VIEW].pk}),
        "POST": Ask(superuser_only(200), kwargs=lambda world, who: {"id": world.users[VIEW].pk}),
    },
    "admin:orders_order_import": {
        "GET": Ask(superuser_only(200)),
        "POST": Ask(superuser_only(200)),
    },
    "admin:orders_order_process_import": {"POST": Ask(superuser_only(200))},  # form again
    "admin:orders_order_export": {
        "GET": Ask(superuser_only(200), lenient_template=True),  # export_url
        "POST": Ask(superuser_only(200), lenient_template=True),
    },
    "admin:otp_totp_totpdevice_config": {
        "GET": Ask(superuser_only(200), kwargs=_totp_device, lenient_template=True),  # title
    },
    "admin:otp_totp_totpdevice_qrcode": {"GET": Ask(superuser_only(200), kwargs=_totp_device)},
}
# URL patterns without a name, by route.
UNNAMED = {"favicon.ico": {"GET": Ask(everyone(301))}}

EXPECTED = {**PORTAL, **ADMIN, **UNNAMED}


# --- The test --------------------------------------------------------------------------------


URLS = dict(url_walk(get_resolver().url_patterns))
ASKS = [
    pytest.param(
        key,
        method,
        marks=[pytest.mark.ignore_template_errors] if ask.lenient_template else [],
        id=f"{key} {method}",
    )
    for key in sorted(EXPECTED)
    for method, ask in EXPECTED[key].items()
]


def missing_entries(urls: dict) -> list[str]:
    """What a failing matrix says: each URL of the conf that EXPECTED does not answer for."""
    return [f"{key} ({urls[key]})" for key in sorted(set(urls) - set(EXPECTED))]


def test_every_url_has_an_entry():
    missing = missing_entries(URLS)
    assert not missing, (
        "URLs without an entry in EXPECTED of tests/test_permission_matrix.py — add what "
        "each role, anonymous, the outsider and a superuser get, per method: " + ", ".join(missing)
    )
    gone = sorted(set(EXPECTED) - set(URLS))
    assert not gone, f"EXPECTED names URLs the URL conf no longer has: {', '.join(gone)}"


def test_a_new_url_without_an_entry_is_named():
    urls = {**URLS, "orders:label_print": "orders/<int:pk>/label/"}
    assert missing_entries(urls) == ["orders:label_print (orders/<int:pk>/label/)"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at the end."""
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("key, method", ASKS)
def test_permission_matrix(world, key, method):
    ask = EXPECTED[key][method]
    assert set(ask.expected) == set(EVERYONE), f"{key} {method}: say what everyone gets"
    wrong = []
    for who in EVERYONE:
        expected = ask.expected[who]
        got = ask_as(world, URLS, key, method, ask, who)
        if got != expected:
            wrong.append(f"{who}: expected {expected}, got {got}")
    assert not wrong, f"{key} {method}:\n  " + "\n  ".join(wrong)
