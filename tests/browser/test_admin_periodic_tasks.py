"""django-celery-beat's periodic task pages in Django admin run without a CSP violation (their
inline script is replaced by static/js/periodic-task-form.js), and still say in words what
the picked crontab means. The fixtures fail the test on any console error or CSP violation."""

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_superuser_opens_the_periodic_task_pages_without_a_csp_violation(page, superuser):
    crontab = CrontabSchedule.objects.create(minute="0", hour="4")
    task = PeriodicTask.objects.create(name="Nightly", task="orders.tasks.x", crontab=crontab)
    sign_in(page, superuser.email)
    page.wait_for_url("**/")

    page.goto("/admin/django_celery_beat/periodictask/add/")
    page.locator("#id_crontab").select_option(str(crontab.pk))
    expect(page.locator(".field-crontab .help")).to_contain_text("Translation: At 04:00")
    screenshot(page, "admin-periodic-task-add")

    page.goto(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    expect(page.locator(".field-crontab .help")).to_contain_text("Translation: At 04:00")
    expect(page.locator(".field-crontab_translation")).to_be_hidden()
    screenshot(page, "admin-periodic-task-change")
