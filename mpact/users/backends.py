"""The authentication backends: Django's and allauth's, loading a request's user in one query
together with

- the count of their unread notifications, which the header shows on every page
  (mpact/context_processors.py reads it), and
- the one-to-one rows settings.USER_LOADED_WITH names (the volunteer profile, which the
  volunteer's pages read), as `select_related` would.

Every page a logged-in person opens runs this query, so its SQL is written once per process
(`_UserLoad`) rather than compiled by the ORM per request: the ORM took 2.9 ms of CPU for the
same query, the prepared text 0.5 ms (bench/README.md). tests/test_accounts.py checks that it
loads exactly what the ORM loads.

A session remembers the backend it was made with, so these replace the two in
AUTHENTICATION_BACKENDS rather than sit beside them.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.db import connections, router

UNREAD = "unread_notification_count"


class _UserLoad:
    """The SELECT for one user by primary key, with the unread count and the related rows."""

    def __init__(self, model, related_names, alias):
        quote = connections[alias].ops.quote_name
        meta = model._meta
        self.model, self.alias = model, alias
        self.fields = [field.attname for field in meta.concrete_fields]
        selected = list(meta.concrete_fields)
        columns = [f"u.{quote(field.column)}" for field in selected]
        joins, self.related = [], []
        for number, name in enumerate(related_names):
            relation = meta.get_field(name)  # the reverse side of a one-to-one field
            if not relation.one_to_one or relation.concrete:
                raise ValueError(f"USER_LOADED_WITH: {name} is not a one-to-one relation to users")
            related_meta = relation.related_model._meta
            table = f"r{number}"
            joins.append(
                f"LEFT JOIN {quote(related_meta.db_table)} {table} "
                f"ON {table}.{quote(relation.field.column)} = u.{quote(meta.pk.column)}"
            )
            fields = [field.attname for field in related_meta.concrete_fields]
            self.related.append((relation, fields, len(columns)))
            selected += related_meta.concrete_fields
            columns += [f"{table}.{quote(field.column)}" for field in related_meta.concrete_fields]
        notifications = meta.get_field("notifications")
        notification = notifications.related_model._meta
        unread = (
            f"(SELECT COUNT(*) FROM {quote(notification.db_table)} n "
            f"WHERE n.{quote(notifications.field.column)} = u.{quote(meta.pk.column)} "
            f"AND n.{quote(notification.get_field('read_at').column)} IS NULL)"
        )
        self.sql = (
            f"SELECT {', '.join(columns)}, {unread} FROM {quote(meta.db_table)} u "
            f"{' '.join(joins)} WHERE u.{quote(meta.pk.column)} = %s"
        )

        # What turns a column's value into the field's (booleans on SQLite, JSON), as the
        # ORM's compiler would, worked out once.
        connection = connections[alias]
        self.converters = []
        for index, field in enumerate(selected):
            expression = field.get_col(field.model._meta.db_table)
            found = connection.ops.get_db_converters(expression)
            found += expression.get_db_converters(connection)
            if found:
                self.converters.append((index, expression, found))

    def __call__(self, user_id):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, expression, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        user = self.model.from_db(self.alias, self.fields, values[: len(self.fields)])
        for relation, fields, start in self.related:
            related_values = values[start : start + len(fields)]
            related = None
            if related_values[fields.index(relation.related_model._meta.pk.attname)] is not None:
                related = relation.related_model.from_db(self.alias, fields, related_values)
                relation.field.set_cached_value(related, user)
            relation.set_cached_value(user, related)
        setattr(user, UNREAD, values[-1])
        return user


@cache
def _loader(alias):
    return _UserLoad(get_user_model(), tuple(settings.USER_LOADED_WITH), alias)


class _LoadedInOneQuery:
    def get_user(self, user_id):
        model = get_user_model()
        user = _loader(router.db_for_read(model))(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_LoadedInOneQuery, backends.ModelBackend):
    pass


class AuthenticationBackend(_LoadedInOneQuery, AllauthBackend):
    pass
