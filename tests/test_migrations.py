"""Moving the reference data to core, and hours to initiatives, keeps every row.

A database at the schema from before the move (initiatives 0009, volunteers 0004, matching 0006,
no core), filled by `seed_demo`, migrates forward to the new layout: every table has the same
rows, the moved tables' rows are the same to the value, relations still point where they did,
and the content types (so permissions and admin history) moved with the models.
"""

from unittest import mock

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mpact.factories import HoursEntryFactory, SkillFactory

BEFORE_THE_MOVE = [
    ("initiatives", "0009_activity_next_session"),
    ("volunteers", "0004_profile_distance_and_opportunity_email"),
    ("matching", "0006_help_request_available_slots"),
    ("core", None),
]
MOVED_TABLES = [
    "initiatives_neighbourhood",
    "initiatives_language",
    "volunteers_skill",
    "volunteers_hoursentry",
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def table_counts() -> dict[str, int]:
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        & set(connection.introspection.table_names())
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own table names
            counts[table] = cursor.fetchone()[0]
    return counts


def rows(table: str, columns: list[str]) -> list[tuple]:
    """The table's rows, by id, in these columns (those it had before the move)."""
    names = ", ".join(f'"{name}"' for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {names} FROM "{table}" ORDER BY id')  # noqa: S608
        return cursor.fetchall()


def columns_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [
            column.name for column in connection.introspection.get_table_description(cursor, table)
        ]


def columns_added_since(tables) -> list[tuple[str, str, str]]:
    """(table, column, type) of the fields today's models have that `tables` have not yet:
    columns later migrations add (the Arabic and Ukrainian names of languages and skills,
    core 0002)."""
    added = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table in tables:
            present = set(columns_of(table))
            added += [
                (table, field.column, field.db_type(connection))
                for field in model._meta.local_concrete_fields
                if field.column not in present
            ]
    return added


def alter(columns, add: bool) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, kind in columns:
            change = f"ADD COLUMN {quote(column)} {kind}" if add else f"DROP COLUMN {quote(column)}"
            cursor.execute(f"ALTER TABLE {quote(table)} {change}")


@pytest.mark.django_db(transaction=True)
def test_seeded_database_moves_to_core_with_every_row_intact():
    migrate(BEFORE_THE_MOVE)
    old_columns = {table: columns_of(table) for table in MOVED_TABLES}
    # The models' tables are the same before and after (db_table), so today's seed_demo
    # fills the old schema, given the columns added since, for as long as it seeds; they are
    # dropped again before the migrations that add them run.
    added = columns_added_since(MOVED_TABLES)
    alter(added, add=True)
    try:
        # Without its closing matching run (that writes MatchRun columns made after the move),
        # its trajectories, its talk sessions' walk-ins, and its initiatives and offers (tables
        # made after the move too).
        with (
            mock.patch("mpact.management.commands.seed_demo.Command._match"),
            mock.patch("mpact.management.commands.seed_demo.Command._trajectories"),
            mock.patch("mpact.management.commands.seed_demo.Command._talk_sessions"),
            mock.patch("mpact.management.commands.seed_demo.Command._initiatives_and_offers"),
        ):
            call_command("seed_demo", activities=12, opportunities=8, volunteers=30, verbosity=0)
        HoursEntryFactory.create_batch(3)  # the demo logs no hours
        # Earlier tests of the run may have flushed the skills a data migration made.
        SkillFactory.create_batch(2)
        ContentType.objects.get_or_create(app_label="initiatives", model="neighbourhood")
        ContentType.objects.get_or_create(app_label="initiatives", model="language")
        ContentType.objects.get_or_create(app_label="volunteers", model="skill")
        ContentType.objects.get_or_create(app_label="volunteers", model="hoursentry")
        old_types = {
            model: ContentType.objects.get(app_label=app, model=model).pk
            for app, model in [
                ("initiatives", "neighbourhood"),
                ("initiatives", "language"),
                ("volunteers", "skill"),
                ("volunteers", "hoursentry"),
            ]
        }
        before = table_counts()
        moved_before = {table: rows(table, old_columns[table]) for table in MOVED_TABLES}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id, n.slug FROM initiatives_activity a "
                "JOIN initiatives_neighbourhood n ON n.id = a.neighbourhood_id ORDER BY a.id"
            )
            activity_places = cursor.fetchall()
    finally:
        alter(added, add=False)
        migrate(latest())

    assert sum(before.values()) > 500, before  # seed_demo really filled it
    assert all(before[table] for table in MOVED_TABLES)
    after = table_counts()
    assert {table: after[table] for table in before} == before
    # Tables made since are empty, but for the standard trajectory goals a data migration
    # seeds (matching 0011).
    made_since = after.keys() - before.keys() - {"matching_goal"}
    assert not any(after[table] for table in made_since)
    assert after.get("matching_goal") == 7
    assert {table: rows(table, old_columns[table]) for table in MOVED_TABLES} == moved_before

    from initiatives.models import Activity, HoursEntry
    from mpact.core.models import Language, Neighbourhood, Skill

    assert Neighbourhood.objects.count() == before["initiatives_neighbourhood"]
    assert Language.objects.count() == before["initiatives_language"]
    assert Skill.objects.count() == before["volunteers_skill"]
    assert HoursEntry.objects.count() == before["volunteers_hoursentry"]
    assert [(a.pk, a.neighbourhood.slug) for a in Activity.objects.order_by("pk")] == (
        activity_places
    )
    new_home = {"neighbourhood": "core", "language": "core", "skill": "core"}
    for model, pk in old_types.items():
        content_type = ContentType.objects.get(pk=pk)
        # renamed, not left behind
        assert content_type.app_label == new_home.get(model, "initiatives"), model
        assert content_type.model_class() is not None
    assert not ContentType.objects.filter(app_label="volunteers", model__in=list(old_types))
    assert not ContentType.objects.filter(app_label="initiatives", model__in=list(new_home))


def test_every_model_change_has_its_migration(db):
    """A model change without its migration (new choices of Notification.kind, say) leaves the
    database schema behind the code: makemigrations --check finds nothing to write."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"migrations missing (exit {exit_.code}):\n{out.getvalue()}")
