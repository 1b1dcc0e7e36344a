"""/api/v1/exports/: starting the exports page's jobs with a token, who sees which job, bad
bodies answered 400 naming the field, the file downloaded (409 before it is ready) and the
audit trail, with the same masking as the page's file."""

import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from accounts.services import membership_grant
from api.scopes import Scope
from exports.models import ExportJob, ExportReport, ExportStatus
from tests.accounts.factories import member
from tests.api.helpers import api_get, token_for
from tests.exports.helpers import as_dicts, csv_rows, make_job
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
EXPORTS = "/api/v1/exports/"
READ_WRITE = (Scope.EXPORTS_READ, Scope.EXPORTS_WRITE)


def api_post(path: str, secret: str, body) -> object:
    return Client().post(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _done(job: ExportJob, content: bytes = b"a,b\n") -> ExportJob:
    job.file.save(f"exports/{job.pk}/orders.csv", ContentFile(content), save=False)
    job.status, job.file_name, job.rows_total, job.rows_done = ExportStatus.DONE, "orders.csv", 1, 1
    job.save()
    return job


def test_an_accountant_starts_an_export_and_follows_it_to_its_file(
    accountant, shop, eager, django_capture_on_commit_callbacks
):
    OrderFactory(shop=shop, status="IN_TRANSIT", recipient_name="Maria Lopez")
    OrderFactory(shop=shop, status="DELIVERED")
    secret = token_for(accountant, [shop], READ_WRITE).secret
    body = {"filters": {"status": ["IN_TRANSIT"]}, "template": "orders", "format": "csv"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api_post(EXPORTS, secret, body)
    assert created.status_code == 201, created.content
    job = ExportJob.objects.get()
    assert created["Location"] == f"http://testserver{EXPORTS}{job.pk}/"
    assert (job.requested_by, job.query_string, job.template) == (
        accountant,
        "status=IN_TRANSIT",
        "orders",
    )
    assert list(job.shops.all()) == [shop]
    status = api_get(f"{EXPORTS}{job.pk}/", secret).json()
    assert status["status"] == "done" and status["status_text"] == "Done"
    assert (status["rows_total"], status["rows_done"], status["percent"]) == (1, 1, 100)
    assert status["filters"] == {"status": ["IN_TRANSIT"]}
    assert status["filters_text"] == "Status: In transit"
    assert status["download_url"] == f"http://testserver{EXPORTS}{job.pk}/download/"
    download = api_get(status["download_url"], secret)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    (row,) = as_dicts(csv_rows(b"".join(download.streaming_content)))
    assert row["Status"] == "In transit"
    assert row["Recipient"] == "M*** L***"  # an accountant sees buyers masked, as on the page
    listed = api_get(EXPORTS, secret).json()
    assert [entry["id"] for entry in listed["results"]] == [job.pk] and listed["next"] is None


def test_the_api_file_is_the_page_file_byte_for_byte(
    client, accountant, shop, eager, django_capture_on_commit_callbacks
):
    """Same filters, same template: the page's job and the API's hold the same bytes."""
    OrderFactory(shop=shop, recipient_name="Maria Lopez", buyer_email="maria@example.test")
    OrderFactory(shop=shop, recipient_phone="(+1)4155550121")
    secret = token_for(accountant, [shop], READ_WRITE).secret
    client.force_login(accountant)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/exports/",
            {"query": f"shop={shop.slug}", "format": "csv", "template": "tiktok_sku_list"},
        )
        api = api_post(EXPORTS, secret, {"template": "tiktok_sku_list"})
    assert page.status_code == 302 and api.status_code == 201
    page_job, api_job = ExportJob.objects.order_by("pk")
    assert page_job.status == api_job.status == ExportStatus.DONE
    assert page_job.sha256 == api_job.sha256 and page_job.rows_total == api_job.rows_total > 0
    rows = as_dicts(csv_rows(api_job.file.open("rb").read()))
    assert {row["Recipient"].strip() for row in rows} >= {"M*** L***"}
    assert not any("maria@example.test" in json.dumps(row) for row in rows)


def test_columns_make_a_custom_export_and_a_saved_report_too(
    admin, shop, eager, django_capture_on_commit_callbacks
):
    OrderFactory(shop=shop, recipient_name="Maria Lopez")
    report = ExportReport.objects.create(
        owner=admin, name="Mine", columns=[{"key": "order_id", "label": "Order"}]
    )
    secret = token_for(admin, [shop], READ_WRITE).secret
    columns = ["order_id", {"key": "recipient_name", "label": "Who"}]
    with django_capture_on_commit_callbacks(execute=True):
        by_columns = api_post(EXPORTS, secret, {"columns": columns, "format": "xlsx"})
        by_report = api_post(EXPORTS, secret, {"report": report.pk})
    assert by_columns.status_code == 201 and by_report.status_code == 201
    assert by_columns.json()["template"] == "custom"
    assert by_columns.json()["columns"] == [
        {"key": "order_id", "label": "Order ID"},
        {"key": "recipient_name", "label": "Who"},
    ]
    job = ExportJob.objects.get(pk=by_report.json()["id"])
    (row,) = as_dicts(csv_rows(job.file.open("rb").read()))
    assert list(row) == ["Order"]


@pytest.mark.parametrize(
    "body, field, reason",
    [
        ({"template": "everything"}, "template", "“everything” is not a template."),
        ({"format": "pdf"}, "format", "“pdf” is not a format: choose csv or xlsx."),
        ({"filters": {"colour": "red"}}, "filters.colour", "Unknown filter."),
        ({"filters": {"status": ["LOST"]}}, "filters.status", "Select a valid choice"),
        ({"filters": {"total_min": "a lot"}}, "filters.total_min", "Enter an amount"),
        ({"filters": {"shop": "north-shop"}}, "filters.shop", "Name the shops in “shops”."),
        ({"filters": {"page": "2"}}, "filters.page", "Not a filter"),
        ({"filters": {"status": [1]}}, "filters.status", "Give a string or a list of strings."),
        ({"columns": ["order_id", "colour"]}, "columns.1", "Unknown column: 'colour'."),
        ({"columns": [{"key": "order_id", "label": "=1+1"}]}, "columns.0", "formula"),
        ({"template": "custom"}, "template", "A custom export needs"),
        ({"template": "orders", "columns": ["order_id"]}, "columns", "Only a custom export"),
        ({"report": 999999}, "report", "You have no saved report with the id 999999."),
        ({"shops": ["south-shop"]}, "shops", "Not among the shops this token exports"),
        ({"colour": "red"}, "colour", "Unknown field."),
        ([1, 2], "non_field_errors", "Expected a dictionary"),
    ],
)
def test_bad_bodies_are_refused_naming_the_field(accountant, shop, other_shop, body, field, reason):
    secret = token_for(accountant, [shop], READ_WRITE).secret
    response = api_post(EXPORTS, secret, body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert field in problem["errors"], problem
    assert reason in " ".join(problem["errors"][field])
    assert field in problem["detail"]
    assert not ExportJob.objects.exists()


def test_a_refusal_of_the_service_is_a_400_with_its_sentence(accountant, shop):
    """Filtering by buyer needs the permission to see buyer contact, as on the page."""
    secret = token_for(accountant, [shop], READ_WRITE).secret
    response = api_post(EXPORTS, secret, {"filters": {"buyer": "maria"}})
    assert response.status_code == 400
    assert "permission to see buyer contact in: North Shop" in response.json()["detail"]
    assert not ExportJob.objects.exists()


def test_malformed_json_is_a_400(accountant, shop):
    secret = token_for(accountant, [shop], READ_WRITE).secret
    response = Client().post(
        EXPORTS, "{", content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "role, scope, status",
    [
        (Role.ACCOUNTANT, Scope.EXPORTS_WRITE, 201),
        (Role.ADMINISTRATOR, Scope.EXPORTS_WRITE, 201),
        (Role.VIEWER, Scope.EXPORTS_WRITE, 403),
        (Role.CUSTOMER_SERVICE, Scope.EXPORTS_WRITE, 403),
        (Role.ACCOUNTANT, Scope.EXPORTS_READ, 403),  # reading exports does not start one
    ],
)
def test_who_may_start_an_export(role_users, shop, role, scope, status):
    secret = token_for(role_users[role], [shop], [scope]).secret
    response = api_post(EXPORTS, secret, {"template": "orders"})
    assert response.status_code == status, response.content
    assert ExportJob.objects.count() == (1 if status == 201 else 0)


def test_a_token_sees_the_jobs_its_owner_sees_on_the_page_in_its_shops(
    admin, accountant, viewer, shop, other_shop
):
    mine = _done(make_job(accountant, [shop]))
    colleagues = make_job(member(shop=shop, role=Role.ACCOUNTANT), [shop])
    both_shops = make_job(accountant, [shop, other_shop])
    membership_grant(shop=other_shop, user=accountant, role=Role.ACCOUNTANT, actor=None)
    foreign = make_job(member(shop=other_shop, role=Role.ADMINISTRATOR), [other_shop])
    accountant_token = token_for(accountant, [shop], [Scope.EXPORTS_READ]).secret
    admin_token = token_for(admin, [shop], [Scope.EXPORTS_READ]).secret

    def ids(secret):
        response = api_get(EXPORTS, secret)
        assert response.status_code == 200, response.content
        return [job["id"] for job in response.json()["results"]]

    # The accountant: their own jobs, not a colleague's; not one holding a shop the token
    # does not cover.
    assert ids(accountant_token) == [mine.pk]
    # The administrator sees every job of the shop they run, as on the page.
    assert ids(admin_token) == [colleagues.pk, mine.pk]
    for secret, job in [
        (accountant_token, colleagues),
        (accountant_token, both_shops),
        (admin_token, foreign),
    ]:
        for path in (f"{EXPORTS}{job.pk}/", f"{EXPORTS}{job.pk}/download/"):
            response = api_get(path, secret)
            assert response.status_code == 404, path
            assert response["Content-Type"] == "application/problem+json"
    assert api_get(f"{EXPORTS}{mine.pk}/", admin_token).json()["requested_by"] == accountant.email
    viewer_token = token_for(viewer, [shop], [Scope.EXPORTS_READ]).secret
    refused = api_get(EXPORTS, viewer_token)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith(
        "The token's owner may not use “exports:read” (follow and download exports) in any shop "
        "the token covers: their role there does not allow it"
    )


def test_unknown_ids_and_parameters(accountant, shop):
    secret = token_for(accountant, [shop], READ_WRITE).secret
    for path in (f"{EXPORTS}999999/", f"{EXPORTS}99999999999999999999999/download/"):
        assert api_get(path, secret).status_code == 404
    assert api_get(EXPORTS, secret, colour="red").json()["errors"] == {
        "colour": ["Unknown parameter."]
    }
    assert "before" in api_get(EXPORTS, secret, before="x").json()["errors"]


def test_pages_of_exports_follow_next(accountant, shop, monkeypatch):
    monkeypatch.setattr("api.views.exports.PER_PAGE", 2)
    jobs = [make_job(accountant, [shop]) for _ in range(3)]
    secret = token_for(accountant, [shop], [Scope.EXPORTS_READ]).secret
    first = api_get(EXPORTS, secret).json()
    assert [job["id"] for job in first["results"]] == [jobs[2].pk, jobs[1].pk]
    second = api_get(first["next"], secret).json()
    assert [job["id"] for job in second["results"]] == [jobs[0].pk] and second["next"] is None


@pytest.mark.parametrize(
    "status, error, answer, words",
    [
        (ExportStatus.QUEUED, "", 409, "is queued: poll"),
        (ExportStatus.RUNNING, "", 409, "is still being written: poll"),
        (ExportStatus.FAILED, "Too big.", 409, "failed (Too big.); there is no file"),
        (ExportStatus.CANCELLED, "", 409, "was cancelled; there is no file"),
    ],
)
def test_a_download_before_the_file_is_ready_is_a_409(
    accountant, shop, status, error, answer, words
):
    job = make_job(accountant, [shop], status=status, error=error)
    secret = token_for(accountant, [shop], [Scope.EXPORTS_READ]).secret
    assert api_get(f"{EXPORTS}{job.pk}/", secret).json()["download_url"] is None
    response = api_get(f"{EXPORTS}{job.pk}/download/", secret)
    assert response.status_code == answer
    assert words in response.json()["detail"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).exists()


def test_an_expired_file_is_gone(accountant, shop):
    from datetime import timedelta

    from django.utils import timezone

    job = _done(make_job(accountant, [shop]))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    secret = token_for(accountant, [shop], [Scope.EXPORTS_READ]).secret
    response = api_get(f"{EXPORTS}{job.pk}/download/", secret)
    assert response.status_code == 410 and "expired" in response.json()["detail"]


def test_creation_and_download_are_audited_as_on_the_page_with_the_token(
    accountant, shop, django_capture_on_commit_callbacks
):
    token = token_for(accountant, [shop], READ_WRITE)
    with django_capture_on_commit_callbacks(execute=False):
        created = api_post(EXPORTS, token.secret, {"filters": {"status": "IN_TRANSIT"}})
    job = ExportJob.objects.get(pk=created.json()["id"])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT_CREATED)
    assert (event.actor, event.shop, event.target) == (accountant, shop, f"export {job.pk}")
    assert event.payload["filters"] == "status=IN_TRANSIT"
    assert (event.payload["via"], event.payload["token"]) == ("api", token.token.shown)
    _done(job, b"x,y\n")
    download = Client().get(
        f"{EXPORTS}{job.pk}/download/",
        headers={"Authorization": f"Bearer {token.secret}", "Accept": "text/csv"},
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"x,y\n"
    downloaded = AuditEvent.objects.get(action=AuditAction.EXPORT_DOWNLOADED)
    assert (downloaded.actor, downloaded.shop, downloaded.target) == (
        accountant,
        shop,
        f"export {job.pk}",
    )
    assert downloaded.payload["file"] == "orders.csv"
    assert (downloaded.payload["via"], downloaded.payload["token"]) == ("api", token.token.shown)
    assert downloaded.ip_address == "127.0.0.1"
