"""The database router: writes and migrations on the primary, reads where `orders.replica`
says (docs/scaling.md "Read replicas"). With no replica configured every answer is `default`,
as if there were no router."""

from django.db import DEFAULT_DB_ALIAS

from orders.replica import read_database


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Always an answer, never None: Django would otherwise follow a related instance to
        # the replica it was read from, and read a user's shop or permissions there.
        return read_database(model)

    def db_for_write(self, model, **hints):
        # An order read from the replica is saved on the primary, never on a read-only copy.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by itself
