"""/finance/: statements with their payout, one statement with its transactions and fee
breakdown, a month's summary; what is still unsettled shown apart."""

from datetime import date, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.access import permission_required
from accounts.roles import Perm
from finance.forms import StatementFilterForm
from finance.selectors.statements import (
    Period,
    fee_breakdown,
    month_statements,
    open_difference_count,
    period_totals,
    statement_page,
    statement_transactions,
    statements_of,
    unmatched_count,
    unsettled_for,
)
from finance.selectors.summary import month_summaries, statement_summary
from finance.views.scope import finance_nav, query_without_page, request_shops
from orders.form_fields import error_lines
from orders.periods import add_months


def _period(data) -> Period:
    if data.get("month"):
        year, month = data["month"]
        first = date(year, month, 1)
        return Period(first, add_months(first, 1) - timedelta(days=1))
    return Period(data.get("date_from"), data.get("date_to"))


@permission_required(Perm.VIEW_FINANCE)
def statement_list(request):
    """The statements of the shops in view, newest first, filtered by month or days and payout
    status; what TikTok has not settled yet is a block of its own."""
    form = StatementFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {"page": 1}
    shops = request_shops(request, data.get("shop", "") if valid else "")
    period, status = _period(data), data.get("status", "")
    context = {
        "form": form,
        "errors": [] if valid else error_lines(form),
        "shops": shops,
        "query": query_without_page(request),
        "unsettled": unsettled_for(shops=shops),
        **finance_nav(request, "statements"),
        "page": None,
        "totals": [],
        "month_url": "",
    }
    if valid:
        context["page"] = statement_page(
            shops=shops, period=period, status=status, page=data["page"]
        )
        context["totals"] = period_totals(shops=shops, period=period, status=status)
        if data.get("month"):
            year, month = data["month"]
            context["month_url"] = _month_url(year, month, data.get("shop", ""))
    return render(request, "finance/statement_list.html", context, status=200 if valid else 400)


def _month_url(year: int, month: int, slug: str = "") -> str:
    url = reverse("finance:month", args=[year, month])
    return f"{url}?shop={slug}" if slug else url


@permission_required(Perm.VIEW_FINANCE)
def statement_detail(request, pk: int):
    """One statement: its summary, adding up to the payout, its fee breakdown and its
    transactions, each linked to our order or marked as unknown."""
    statement = get_object_or_404(statements_of(shops=request_shops(request)), pk=pk)
    one = statements_of(shops=[statement.shop]).filter(pk=statement.pk)
    page_number = request.GET.get("page", "1")
    context = {
        **finance_nav(request, "statements"),
        "statement": statement,
        "summary": statement_summary(statement),
        "breakdown": fee_breakdown(statements=one),
        "transactions": statement_transactions(
            statement=statement, page=page_number if page_number.isdigit() else 1
        ),
        "unmatched": unmatched_count(statement=statement),
        "open_differences": open_difference_count(statements=one),
        "report_query": f"shop={statement.shop.slug}&statement={statement.pk}",
        "month_url": _month_url(
            statement.statement_date.year, statement.statement_date.month, statement.shop.slug
        ),
    }
    return render(request, "finance/statement_detail.html", context)


@permission_required(Perm.VIEW_FINANCE)
def month_summary(request, year: int, month: int):
    """A calendar month of statements per shop and currency: the same lines as a statement."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("No such month.")
    slug = request.GET.get("shop", "")[:60]
    shops = request_shops(request, slug)
    first = date(year, month, 1)
    blocks = []
    for shop in shops:
        summaries = month_summaries(shop, year, month)
        if summaries:
            statements = month_statements(shop=shop, first=first)
            blocks.append(
                {
                    "shop": shop,
                    "summaries": summaries,
                    "breakdown": fee_breakdown(statements=statements),
                    "report_query": f"shop={shop.slug}&month={first:%Y-%m}",
                }
            )
    context = {
        **finance_nav(request, "month"),
        "first": first,
        "blocks": blocks,
        "list_url": f"{reverse('finance:statements')}?month={first:%Y-%m}"
        + (f"&shop={slug}" if slug else ""),
        "previous_url": _month_url(*_shift(first, -1), slug),
        "next_url": _month_url(*_shift(first, 1), slug),
    }
    return render(request, "finance/month_summary.html", context)


def _shift(first: date, months: int) -> tuple[int, int]:
    moved = add_months(first, months)
    return moved.year, moved.month
