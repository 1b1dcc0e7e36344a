import gc

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from accounts.models import User
from benchmarks.api import benchmark_api, render_api_markdown
from benchmarks.exports import benchmark_export, render_export_markdown
from benchmarks.finance import benchmark_finance, render_finance_markdown
from benchmarks.finance_pages import benchmark_finance_pages, render_finance_pages_markdown
from benchmarks.imports import benchmark_import, render_import_markdown
from benchmarks.insights import benchmark_insights, render_insights_markdown
from benchmarks.pages import benchmark_detail, benchmark_list, render_markdown
from benchmarks.tiktok import benchmark_tiktok, render_tiktok_markdown
from benchmarks.tiktok_webhooks import benchmark_tiktok_webhooks, render_webhooks_markdown
from benchmarks.tracking import benchmark_tracking, render_tracking_markdown
from benchmarks.webhooks import benchmark_webhooks, render_webhooks_fanout_markdown
from demo.seed import demo_seed
from orders.models import Order

PARTS = (
    "list",
    "detail",
    "export",
    "tracking",
    "import",
    "tiktok",
    "insights",
    "webhooks",
    "finance",
    "api",
)
FINANCE_PAGE_REQUESTS = 30  # each finance page (the target is a p95)


class Command(BaseCommand):
    help = (
        "Measure the order list, detail, exports and insights against baselines in the same run: "
        "raw SQL or COPY, and the straightforward Django implementation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parts", default="list,detail", help=f"Comma-separated: {', '.join(PARTS)}."
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=None,
            help="Seed demo orders up to this many first (default: use what the database has).",
        )
        parser.add_argument("--repeat", type=int, default=30, help="Timed runs per case.")
        parser.add_argument(
            "--deep", type=int, default=500_000, help="Row number for the deep-page case."
        )
        parser.add_argument("--user", default="admin@demo.test", help="Whose view to time.")
        parser.add_argument("--markdown", default=None, help="Also write the table here.")
        parser.add_argument(
            "--subset",
            type=int,
            default=100_000,
            help="Export: about this many newest orders (whole days) in the medium case.",
        )
        parser.add_argument(
            "--rows", type=int, default=100_000, help="Import: rows in the imported file."
        )
        parser.add_argument(
            "--tiktok-orders",
            type=int,
            default=100_000,
            help="TikTok: orders the simulator holds for the back-fill.",
        )
        parser.add_argument(
            "--tiktok-webhooks",
            type=int,
            default=200,
            help="TikTok: orders moved one by one, each timed from its webhook to the list "
            "(0: none).",
        )
        parser.add_argument(
            "--packages", type=int, default=100_000, help="Tracking: due packages to poll."
        )
        parser.add_argument(
            "--webhook-events",
            type=int,
            default=10_000,
            help="Webhooks: timeline entries fanned out to a local receiver by two workers.",
        )
        parser.add_argument(
            "--api-orders",
            type=int,
            default=100_000,
            help="API: orders paged through by following `next`.",
        )
        parser.add_argument(
            "--api-per-page",
            type=int,
            choices=(25, 50, 100, 200),
            default=200,
            help="API: orders a page while paging (the most a script may ask for).",
        )
        parser.add_argument(
            "--small",
            type=int,
            default=10_000,
            help="Export: about this many newest orders (whole days) in the small cases.",
        )

    def handle(self, *args, **options):
        # Measured as production runs: with DEBUG on, Django keeps every statement's SQL in
        # memory and wraps each cursor, which inflates both time and peak memory; and the
        # loaded framework is kept out of garbage collections.
        gc.freeze()  # as sellercenter/wsgi.py does once Django is loaded
        with override_settings(DEBUG=False):
            self.measure(**options)

    def measure(
        self,
        *,
        parts,
        orders,
        repeat,
        deep,
        user,
        markdown,
        subset,
        small,
        packages,
        rows,
        tiktok_orders,
        tiktok_webhooks,
        webhook_events,
        api_orders,
        api_per_page,
        **options,
    ):
        chosen = [p.strip() for p in parts.split(",") if p.strip()]
        unknown = set(chosen) - set(PARTS)
        if unknown:
            raise CommandError(
                f"Unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}."
            )
        if not 0 < small <= subset:
            raise CommandError("--small and --subset must be positive, with --small ≤ --subset.")
        if repeat < 5:
            raise CommandError("--repeat must be at least 5 for a p95.")
        if api_orders < 1:
            raise CommandError("--api-orders must be positive.")
        if connection.vendor != "postgresql":
            self.stderr.write("Warning: not PostgreSQL; the targets are for PostgreSQL.")
        if orders is not None:
            if orders < 1:
                raise CommandError("--orders must be positive.")
            demo_seed(orders=orders)
        person = User.objects.filter(email=user).first()
        if person is None:
            raise CommandError(f"No user {user!r}; run seed_demo or pass --user.")
        total = Order.objects.count()
        deep = min(deep, max(0, Order.objects.filter(shop__memberships__user=person).count() - 30))
        timings = []
        if "list" in chosen:
            timings += benchmark_list(user=person, repeat=repeat, deep=deep)
        if "detail" in chosen:
            timings += benchmark_detail(user=person, repeat=repeat)
        tables = [render_markdown(timings, orders=total)] if timings else []
        if "export" in chosen:
            exported = benchmark_export(user=person, subset=subset, small=small)
            tables.append(render_export_markdown(exported, orders=total))
        if "tracking" in chosen:
            if packages < 1:
                raise CommandError("--packages must be positive.")
            tables.append(render_tracking_markdown(benchmark_tracking(packages=packages)))
        if "tiktok" in chosen:
            if tiktok_orders < 1:
                raise CommandError("--tiktok-orders must be positive.")
            if not 0 <= tiktok_webhooks <= 1000:
                raise CommandError("--tiktok-webhooks must be between 0 and 1000.")
            tables.append(
                render_tiktok_markdown(benchmark_tiktok(user=person, orders=tiktok_orders))
            )
            if tiktok_webhooks:
                timing = benchmark_tiktok_webhooks(user=person, count=tiktok_webhooks)
                tables.append(render_webhooks_markdown(timing))
        if "webhooks" in chosen:
            if webhook_events < 1:
                raise CommandError("--webhook-events must be positive.")
            fanout = benchmark_webhooks(user=person, events=webhook_events)
            tables.append(render_webhooks_fanout_markdown(fanout))
        if "import" in chosen:
            if rows < 100:
                raise CommandError("--rows must be at least 100.")
            tables.append(render_import_markdown(benchmark_import(user=person, rows=rows)))
        if "insights" in chosen:
            timed, prepared = benchmark_insights(user=person, repeat=repeat)
            tables.append(render_insights_markdown(timed, orders=total, prepared=prepared))
        if "finance" in chosen:
            tables.append(render_finance_markdown(*benchmark_finance()))
            pages = benchmark_finance_pages(repeat=FINANCE_PAGE_REQUESTS)
            tables.append(render_finance_pages_markdown(pages, repeat=FINANCE_PAGE_REQUESTS))
        if "api" in chosen:
            timed, paged = benchmark_api(
                user=person, repeat=repeat, deep=deep, orders=api_orders, per_page=api_per_page
            )
            tables.append(render_api_markdown(timed, paged, orders=total))
        table = "\n\n".join(tables)
        self.stdout.write(table)
        if markdown:
            with open(markdown, "w", encoding="utf-8") as out:
                out.write(table + "\n")
