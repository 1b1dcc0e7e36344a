"""Which reads of order data may come from a read replica (docs/scaling.md "Read replicas").

A read goes to the replica only when all of these hold: a replica is configured
(`DATABASE_REPLICA_URL`, so `settings.REPLICA_ALIAS`); the code around it opened a replica
scope with `replica_reads()` — the views named in `REPLICA_READ_VIEWS` (their middleware skips
a person who changed something in the last `REPLICA_STICKY_SECONDS`) and export generation;
the model is one of the orders app's (orders, lines, packages, events, refunds, buyers'
requests, the sales roll-ups; not saved views); and no transaction is open on the primary.
Everything else — users, sessions, shops, memberships and permissions, job rows, every write —
is read and written on the primary. `sellercenter/db_router.py` asks `read_database` for
every read.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

# The tables a replica scope reads from the replica: the orders app's, the order data the
# list, insights and exports read in bulk; so a permission, a session or a job's own row is
# never read a moment behind the primary. Saved views are not order data: a person's own,
# found through their shops and permissions.
REPLICA_APPS = frozenset({"orders"})
PRIMARY_MODELS = frozenset({"orders.savedview"})

_in_scope: ContextVar[bool] = ContextVar("replica_reads", default=False)
_down_until = 0.0  # this process's clock: the replica is not tried again before then

log = logging.getLogger(__name__)


@contextmanager
def replica_reads(*, allowed: bool = True) -> Iterator[None]:
    """Order-data reads inside the block may come from the replica (when `allowed`)."""
    token = _in_scope.set(allowed)
    try:
        yield
    finally:
        _in_scope.reset(token)


def read_database(model) -> str:
    """The alias that serves a read of `model` here and now."""
    alias = settings.REPLICA_ALIAS
    if (
        alias
        and _in_scope.get()
        and model._meta.app_label in REPLICA_APPS
        and model._meta.label_lower not in PRIMARY_MODELS
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return alias
    return DEFAULT_DB_ALIAS


def replica_caught_up(moment: datetime) -> bool:
    """Whether the replica has replayed every transaction the primary committed by `moment`.

    A streaming standby has once it replayed a commit made at or after `moment` (the job that
    asked is such a commit). A database not in recovery (the tests' mirror) is the primary
    itself. An unreachable replica is not caught up: the caller reads the primary instead.
    """
    alias = settings.REPLICA_ALIAS
    if not alias:
        return False
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT NOT pg_is_in_recovery()"
                " OR COALESCE(pg_last_xact_replay_timestamp() >= %s, false)",
                [moment],
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


def replica_available() -> bool:
    """Whether the replica can be reached, so that a read view may open its scope there.

    An open connection is taken as it is (Django checks it between requests). When the
    replica cannot be reached, the primary serves for `REPLICA_RETRY_SECONDS` before this
    process tries the replica again, so an outage costs one slow connect and no errors."""
    global _down_until
    alias = settings.REPLICA_ALIAS
    if not alias or time.monotonic() < _down_until:
        return False
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        log.warning(
            "read replica unreachable, reading the primary for %s s: %s",
            settings.REPLICA_RETRY_SECONDS,
            error,
        )
        return False
    return True


def replica_status() -> dict:
    """For /healthz: whether the replica answers, and how long ago the last commit it replayed
    was made (this grows while nothing is written on the primary); {} when none is set."""
    alias = settings.REPLICA_ALIAS
    if not alias:
        return {}
    if connections[alias].vendor != "postgresql":  # only the tests' mirror of SQLite
        return {"standby": False, "last_replayed_seconds_ago": None}
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(),"
            " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
        )
        standby, behind = cursor.fetchone()
    return {
        "standby": standby,
        "last_replayed_seconds_ago": round(float(behind), 1) if behind is not None else None,
    }
