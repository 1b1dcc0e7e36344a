"""Moving models between apps (tracking and imports left orders) rebuilt no table."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

MOVES = [
    ("imports", "0001_initial"),
    ("tracking", "0001_initial"),
    ("orders", "0013_tracking_and_imports_leave"),
]


@pytest.mark.parametrize(("app", "migration"), MOVES)
def test_the_move_migrations_touch_no_table(transactional_db, app, migration):
    out = StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    statements = [
        line for line in out.getvalue().splitlines() if line and not line.startswith("--")
    ]
    assert statements in ([], ["BEGIN;", "COMMIT;"]), statements


@pytest.mark.parametrize(
    ("model", "table"),
    [
        ("imports.ImportJob", "orders_importjob"),
        ("tracking.TrackingCheckpoint", "orders_trackingcheckpoint"),
        ("tracking.TrackingWebhookEvent", "orders_trackingwebhookevent"),
    ],
)
def test_moved_models_keep_their_tables(model, table):
    assert apps.get_model(model)._meta.db_table == table
