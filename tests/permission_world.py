"""The world the permission matrix asks about: one shop with a member of each role and one
object of every kind a URL can name, another shop with its administrator, and a superuser.

Built once per test module (tests/test_permission_matrix.py) inside a transaction that is
rolled back afterwards; each request then runs in a savepoint of its own, so what one
request changes (a deleted view, an applied import) is gone before the next one.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Shop, ShopUserObjectPermission, User
from accounts.roles import Role
from api.scopes import Scope
from api.services import token_create
from exports.models import ExportJob, ExportReport, ExportSchedule, ExportStatus
from imports.models import ImportJob
from orders.models import BuyerRequest, Order, OrderEvent, Package, Refund, SavedView
from orders.statuses import OrderStatus, RefundStatus
from tests.accounts.factories import ShopFactory, UserFactory, member
from tests.exports.helpers import make_job
from tests.orders.factories import OrderFactory
from tracking.models import TrackingCheckpoint

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"  # the administrator of another shop: every permission, elsewhere
SUPERUSER = "superuser"
EVERYONE = (*Role, ANONYMOUS, OUTSIDER, SUPERUSER)


@dataclass
class World:
    shop: Shop
    other_shop: Shop
    users: dict  # who → User (no entry for ANONYMOUS)
    order: Order
    refund: Refund
    import_jobs: dict  # who → a previewed import of the shop they may apply
    export_job: ExportJob
    saved_view: SavedView
    reports: dict  # who → their own custom report (others use the accountant's)
    schedules: dict  # who → their own schedule
    admin_objects: dict = field(default_factory=dict)  # model → an object for its admin pages
    sessions: dict = field(default_factory=dict)  # who → session key
    buyer_request: BuyerRequest | None = None  # a buyer's return request on the order
    # who → {scope: the secret of a token of theirs with only that scope, covering their shop}
    api_tokens: dict = field(default_factory=dict)
    member_token: object = None  # the viewer's token, which the viewer and admins may revoke
    webhook_endpoint: object = None  # an endpoint of the shop, with one delivery
    webhook_delivery: object = None
    statement: object = None  # a finance statement of the shop
    difference: object = None  # an open reconciliation difference of the shop
    explained_difference: object = None  # one an accountant explained
    finance_import_jobs: dict = field(default_factory=dict)  # who → a previewed finance import

    def user(self, who) -> User | None:
        return self.users.get(who)

    def own(self, objects: dict, who):
        """`who`'s own object, else the first one (a 404 for anyone it is not shown to)."""
        return objects.get(who, next(iter(objects.values())))

    def client(self, who) -> Client:
        """A client signed in as `who`; fresh each time, so a sign-out never carries over."""
        client = Client()
        if who in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[who]
        return client


def _webhook(shop, admin):
    from webhooks.models import Delivery, Endpoint

    endpoint = Endpoint.objects.create(
        shop=shop,
        url="http://127.0.0.1:9/ok",  # nothing listens: a test event is only queued anyway
        events=["order.created"],
        secret="whsec_matrix",
        created_by=admin,
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id="evt_1", event_type="test", body="{}", state="delivered"
    )
    return endpoint, delivery


def _finance(shop):
    from finance.models import DifferenceKind, DifferenceStatus, Statement
    from tests.finance.page_data import difference as finance_difference

    now = timezone.now()
    statement = Statement.objects.create(
        shop=shop,
        statement_id="7300001",
        statement_time=now.replace(hour=0, minute=0, second=0, microsecond=0),
        statement_date=now.date(),
        currency=shop.currency,
    )
    difference = finance_difference(
        shop,
        DifferenceKind.UNKNOWN_ORDER,
        key="unknown_order:1",
        sentence="TikTok settled an order we do not hold.",
        statement=statement,
    )
    explained = finance_difference(
        shop,
        DifferenceKind.UNKNOWN_ORDER,
        key="unknown_order:2",
        sentence="TikTok settled another order we do not hold.",
        status=DifferenceStatus.EXPLAINED,
        statement=statement,
    )
    return statement, difference, explained


def world_build() -> World:
    shop = ShopFactory(slug="north-shop", name="North Shop", refund_limit=50)
    other_shop = ShopFactory(slug="south-shop", name="South Shop", market="GB", currency="GBP")
    users = {role: member(shop=shop, role=role, email=f"{role}@example.test") for role in Role}
    users[OUTSIDER] = member(shop=other_shop, role=Role.ADMINISTRATOR, email="out@example.test")
    users[SUPERUSER] = UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    now = timezone.now()

    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)  # shipped: it has a parcel
    OrderFactory(shop=other_shop)
    refund = Refund.objects.create(
        order=order,
        amount="60.00",
        reason="Damaged",
        status=RefundStatus.REQUESTED,
        requested_by=users[Role.CUSTOMER_SERVICE],
        requested_at=now,
    )
    export_job = make_job(
        users[Role.ACCOUNTANT], [shop], status=ExportStatus.DONE, file_name="orders.csv"
    )
    export_job.file.save(f"exports/{export_job.pk}/orders.csv", ContentFile(b"a,b\n"), save=False)
    export_job.expires_at = now + timedelta(days=1)
    export_job.save()
    columns = [{"key": "order_id", "label": "Order"}]
    reports = {
        who: ExportReport.objects.create(owner=users[who], name="Mine", columns=columns)
        for who in (Role.ADMINISTRATOR, Role.ACCOUNTANT, SUPERUSER)
    }
    schedules = {
        who: ExportSchedule.objects.create(
            owner=users[who],
            shop=shop,
            name="Monthly",
            format="csv",
            template="tiktok_sku_list",
            frequency="monthly",
            next_run_at=now + timedelta(days=1),
        )
        for who in (Role.ADMINISTRATOR, Role.ACCOUNTANT, SUPERUSER)
    }
    world = World(
        shop=shop,
        other_shop=other_shop,
        users=users,
        order=order,
        refund=refund,
        # Applying removes the upload, which no rollback brings back: one job per applier.
        import_jobs={who: _import_job(shop, users[who]) for who in (Role.ADMINISTRATOR, SUPERUSER)},
        export_job=export_job,
        saved_view=SavedView.objects.create(shop=shop, owner=None, name="Shared", query_string=""),
        reports=reports,
        schedules=schedules,
    )
    world.buyer_request = BuyerRequest.objects.create(
        order=order,
        kind="return",
        request_id="4035319218955782461",
        request_type="REFUND",
        status="RETURN_OR_REFUND_REQUEST_PENDING",
        role="BUYER",
        reason_text="Arrived damaged",
        refund_total="20.00",
        seller_action="SELLER_RESPOND_REFUND",
        deadline=now + timedelta(days=2),
        awaits_seller=True,
    )
    world.webhook_endpoint, world.webhook_delivery = _webhook(shop, users[Role.ADMINISTRATOR])
    world.statement, world.difference, world.explained_difference = _finance(shop)
    world.finance_import_jobs = {
        who: _finance_import_job(shop, users[who]) for who in (Role.ADMINISTRATOR, SUPERUSER)
    }
    world.admin_objects = _admin_objects(world)
    world.api_tokens = {
        who: {
            scope: token_create(
                owner=user,
                name="Matrix",
                shops=[other_shop if who == OUTSIDER else shop],
                scopes=[scope],
                expires_days=None,
            ).secret
            for scope in Scope
        }
        for who, user in users.items()
    }
    world.member_token = token_create(
        owner=users[Role.VIEWER],
        name="Viewer’s",
        shops=[shop],
        scopes=["orders:read"],
        expires_days=None,
    ).token
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[who] = client.session.session_key
    return world


def import_upload() -> SimpleUploadedFile:
    """A one-row TikTok order file, as the import page takes it."""
    from tests.imports.tiktok_files import sku_csv as _csv
    from tests.imports.tiktok_files import sku_row as _row

    return SimpleUploadedFile("orders.csv", _csv(_row()), content_type="text/csv")


def _import_job(shop, user) -> ImportJob:
    """A previewed import, made the way an administrator makes one: through the page."""
    client = Client()
    client.force_login(user)
    response = client.post("/orders/import/", {"shop": shop.slug, "file": import_upload()})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.filter(shop=shop, requested_by=user).get()


def finance_import_upload() -> SimpleUploadedFile:
    """A one-row US unsettled export, as /finance/import/ takes it."""
    from tests.finance.finance_files import UNSETTLED_HEADER, csv_bytes, unsettled_row

    content = csv_bytes(UNSETTLED_HEADER, [unsettled_row()])
    return SimpleUploadedFile("unsettled.csv", content, content_type="text/csv")


def _finance_import_job(shop, user) -> ImportJob:
    client = Client()
    client.force_login(user)
    response = client.post("/finance/import/", {"shop": shop.slug, "file": finance_import_upload()})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.filter(shop=shop, requested_by=user, kind="finance").get()


def _admin_objects(world: World) -> dict:
    """One object per model registered in Django admin (the shop's, where it has a shop)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat import models as beat
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiktok.models import TikTokAction, TikTokConnection

    shop, viewer, root = world.shop, world.users[Role.VIEWER], world.users[SUPERUSER]
    now = timezone.now()
    interval = beat.IntervalSchedule.objects.create(every=1, period="days")
    where = {"ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/accounts/login/"}
    objects = {
        Shop: shop,
        User: viewer,
        Membership: Membership.objects.get(shop=shop, user=viewer),
        ShopUserObjectPermission: ShopUserObjectPermission.objects.filter(
            content_object=shop, user=viewer
        ).first(),
        AuditEvent: AuditEvent.objects.filter(shop=shop).first(),
        Order: world.order,
        Package: Package.objects.filter(order=world.order).first(),
        TrackingCheckpoint: TrackingCheckpoint.objects.filter(package__order=world.order).first(),
        OrderEvent: OrderEvent.objects.filter(order=world.order).first(),
        Refund: world.refund,
        BuyerRequest: world.buyer_request,
        SavedView: world.saved_view,
        ExportJob: world.export_job,
        TikTokAction: TikTokAction.objects.create(
            # A shop of its own: a connection changes what the TikTok pages of `shop` answer.
            connection=TikTokConnection.objects.create(shop=ShopFactory(), tiktok_shop_id="7001"),
            order=world.order,
            kind=TikTokAction.Kind.SHIP,
            payload={"tracking_number": "1Z999AA10123456784"},
            state=TikTokAction.State.DONE,
        ),
        Group: Group.objects.create(name="Auditors"),
        beat.IntervalSchedule: interval,
        beat.CrontabSchedule: beat.CrontabSchedule.objects.create(),
        beat.SolarSchedule: beat.SolarSchedule.objects.create(
            event="sunrise", latitude=0, longitude=0
        ),
        beat.ClockedSchedule: beat.ClockedSchedule.objects.create(clocked_time=now),
        beat.PeriodicTask: beat.PeriodicTask.objects.create(
            name="matrix", task="sellercenter.tasks.ping", interval=interval
        ),
        StaticDevice: StaticDevice.objects.create(user=root, name="backup"),
        TOTPDevice: TOTPDevice.objects.create(user=root, name="phone"),
        AccessAttempt: AccessAttempt.objects.create(
            username="x@example.test", failures_since_start=1, **where
        ),
        AccessLog: AccessLog.objects.create(username="x@example.test", **where),
        AccessFailureLog: AccessFailureLog.objects.create(username="x@example.test", **where),
    }
    missing = [model.__name__ for model, obj in objects.items() if obj is None]
    assert not missing, f"the world has no {', '.join(missing)} for their admin pages"
    return objects
