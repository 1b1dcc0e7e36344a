"""The differences work list and "Mark as explained": a note required, audited, only by
those who may explain in the difference's shop."""

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from finance.models import DifferenceStatus
from tests.finance.page_data import signed_in

pytestmark = pytest.mark.django_db


def test_work_list_shows_open_differences_with_links(fin, as_accountant):
    response = as_accountant.get(reverse("finance:differences"))
    assert response.status_code == 200
    shown = {d.pk for d in response.context["page"].object_list}
    assert shown == {fin.differs.pk, fin.unknown_difference.pk}
    page = response.content.decode()
    assert "Amount differs from the order" in page and "Unexpected fee" in page
    assert "80.00 USD" in page and "76.50 USD" in page
    assert reverse("orders:detail", args=[fin.order_a.order_id]) in page
    assert reverse("finance:statement", args=[fin.paid.pk]) in page
    assert "Another shop&#x27;s difference" not in page and "Another shop's" not in page
    assert response.context["counts"] == {"open": 2, "explained": 1, "resolved": 0}


def test_work_list_filters_by_kind_and_status(fin, as_accountant):
    url = reverse("finance:differences")
    unknown = as_accountant.get(url, {"kind": "unknown_order"})
    assert [d.pk for d in unknown.context["page"].object_list] == [fin.unknown_difference.pk]
    explained = as_accountant.get(url, {"status": "explained"})
    assert [d.pk for d in explained.context["page"].object_list] == [fin.explained.pk]
    assert "Known: TikTok" in explained.content.decode()
    everything = as_accountant.get(url, {"status": "all"})
    assert len(everything.context["page"].object_list) == 3
    assert as_accountant.get(url, {"kind": "nonsense"}).status_code == 400


def test_explaining_needs_a_note_and_changes_nothing_without(fin, as_accountant):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    response = as_accountant.post(url, {"note": "   "}, follow=True)
    assert "Say in a note what explains the difference." in (response.content.decode())
    fin.differs.refresh_from_db()
    assert fin.differs.status == DifferenceStatus.OPEN
    assert not AuditEvent.objects.filter(action=AuditAction.FINANCE_DIFFERENCE_EXPLAINED).exists()


def test_explaining_marks_it_and_audits_who_and_what(fin, as_accountant, accountant):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    back = reverse("finance:differences") + "?kind=amount_differs"
    response = as_accountant.post(url, {"note": "Affiliate fee charged late.", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    fin.differs.refresh_from_db()
    assert fin.differs.status == DifferenceStatus.EXPLAINED
    assert (fin.differs.note, fin.differs.explained_by) == (
        "Affiliate fee charged late.",
        accountant,
    )
    event = AuditEvent.objects.get(action=AuditAction.FINANCE_DIFFERENCE_EXPLAINED)
    assert (event.actor, event.shop, event.target) == (accountant, fin.shop, fin.differs.key)
    assert event.payload["note"] == "Affiliate fee charged late."


def test_a_next_address_elsewhere_is_not_followed(fin, as_accountant):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    response = as_accountant.post(url, {"note": "ok", "next": "https://evil.example/"})
    assert response["Location"] == reverse("finance:differences")


def test_an_outsider_cannot_explain_and_another_shops_difference_is_a_404(
    fin, as_accountant, outsider
):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    assert signed_in(outsider).post(url, {"note": "mine now"}).status_code == 404
    foreign = reverse("finance:difference_explain", args=[fin.foreign_difference.pk])
    assert as_accountant.post(foreign, {"note": "x"}).status_code == 404
    fin.differs.refresh_from_db()
    assert fin.differs.status == DifferenceStatus.OPEN


@pytest.mark.parametrize("who", ["viewer", "cs_agent", "packer"])
def test_roles_without_finance_cannot_explain(fin, who, request):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    assert signed_in(request.getfixturevalue(who)).post(url, {"note": "x"}).status_code == 403


def test_explaining_is_post_only(fin, as_accountant):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    assert as_accountant.get(url).status_code == 405


def test_html_in_a_note_is_escaped(fin, as_accountant):
    url = reverse("finance:difference_explain", args=[fin.differs.pk])
    as_accountant.post(url, {"note": "<b>bold</b>"})
    page = as_accountant.get(reverse("finance:differences"), {"status": "explained"})
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.content.decode()


def test_reopening_takes_the_explanation_back_and_audits_the_old_note(
    fin, as_accountant, accountant
):
    url = reverse("finance:difference_reopen", args=[fin.explained.pk])
    back = reverse("finance:differences") + "?status=explained"
    response = as_accountant.post(url, {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Reopened; the difference is open again" in response.content.decode()
    fin.explained.refresh_from_db()
    assert fin.explained.status == DifferenceStatus.OPEN
    assert (fin.explained.note, fin.explained.explained_by, fin.explained.explained_at) == (
        "",
        None,
        None,
    )
    event = AuditEvent.objects.get(action=AuditAction.FINANCE_DIFFERENCE_REOPENED)
    assert (event.actor, event.shop, event.target) == (accountant, fin.shop, fin.explained.key)
    assert event.payload["note"].startswith("Known: TikTok")
    opened = as_accountant.get(reverse("finance:differences"))
    assert fin.explained.pk in {d.pk for d in opened.context["page"].object_list}


def test_only_an_explained_difference_is_reopened(fin, as_accountant):
    url = reverse("finance:difference_reopen", args=[fin.differs.pk])
    response = as_accountant.post(url, follow=True)
    assert "Not reopened: This difference is not explained" in response.content.decode()
    fin.differs.refresh_from_db()
    assert fin.differs.status == DifferenceStatus.OPEN
    assert not AuditEvent.objects.filter(action=AuditAction.FINANCE_DIFFERENCE_REOPENED).exists()


def test_the_explained_list_offers_reopen_only_to_those_who_may_explain(fin, as_accountant):
    url = reverse("finance:differences")
    reopen = reverse("finance:difference_reopen", args=[fin.explained.pk])
    assert reopen in as_accountant.get(url, {"status": "explained"}).content.decode()
    assert reopen not in as_accountant.get(url, {"status": "open"}).content.decode()


def test_an_outsider_cannot_reopen_and_another_shops_difference_is_a_404(fin, outsider):
    url = reverse("finance:difference_reopen", args=[fin.explained.pk])
    assert signed_in(outsider).post(url).status_code == 404
    fin.explained.refresh_from_db()
    assert fin.explained.status == DifferenceStatus.EXPLAINED


def test_a_difference_without_amounts_shows_none_rather_than_zero(fin, as_accountant):
    assert (fin.explained.expected_amount, fin.explained.actual_amount) == (None, None)
    page = as_accountant.get(reverse("finance:differences"), {"status": "explained"})
    row = page.content.decode().split("Delivered 40 days ago and never settled.")[1]
    cells = row.split("</tr>")[0]
    assert cells.count('<td class="num">—</td>') == 2 and "0.00" not in cells
