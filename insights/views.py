"""/insights/: the sales figures and charts of a period, against another, for the order list's
filters; each section's numbers as CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.access import permission_required
from accounts.csvsafe import csv_write
from accounts.roles import Perm
from insights.periods import COMPARISONS, DEFAULT_PRESET, PRESETS
from insights.scope import insight_request
from insights.sections import BY_NAME, SECTIONS
from orders.filter_ui import filter_bar
from orders.querystring import without_empty


def _context(parsed) -> dict:
    return {
        "presets": PRESETS,
        "comparisons": COMPARISONS,
        "query": parsed.query,
        # The period the select shows: the one asked for, or the default the page used.
        "period_shown": parsed.query["period"] or DEFAULT_PRESET,
        "filters_query": parsed.filters_query,
        "filter_errors": parsed.filter_errors,
        "currencies": parsed.currencies,
        "refusal": parsed.refusal,
        "currency": parsed.currency,
        "span": parsed.span,
        "span_name": parsed.span_name,
        "base_span": parsed.base_span,
        "compare": parsed.compare,
        "compare_label": COMPARISONS.get(parsed.compare, ""),
        "in_currency": parsed.sales.shops if parsed.sales else (),
        "form": parsed.filterset.form,
        # The order list's own filter bar, less what this page owns (dates, sort, rows) and
        # the needs-action reasons, which are about work, not sales.
        "bar": filter_bar(
            without_empty(parsed.filters),
            parsed.filterset.shops if len(parsed.filterset.shops) > 1 else [],
            known=parsed.filterset.known_values(),
            needs_action=[],
        ),
    }


def _csv_url(section, parsed) -> str:
    url = reverse("insights:csv", args=[section.name])
    return f"{url}?{parsed.page_query}" if parsed.page_query else url


@permission_required(Perm.VIEW_INSIGHTS)
def insights(request):
    parsed = insight_request(request)
    context = _context(parsed)
    if not parsed.refusal:
        context["sections"] = [
            {"section": s, "csv_url": _csv_url(s, parsed), **s.build(parsed)} for s in SECTIONS
        ]
    return render(request, "insights/insights.html", context, status=parsed.status)


@permission_required(Perm.VIEW_INSIGHTS)
def section_csv(request, name: str):
    """One section's numbers, for the same parameters as the page."""
    section = BY_NAME.get(name)
    if section is None:
        raise Http404("No such chart.")
    parsed = insight_request(request)
    if parsed.refusal:
        return HttpResponse(parsed.refusal, status=400, content_type="text/plain; charset=utf-8")
    table = section.table(section.build(parsed))
    span = parsed.span
    filename = f"insights-{name}-{parsed.currency}-{span.first}-{span.last}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv_write(response, header=table.header, rows=table.rows)
    return response
