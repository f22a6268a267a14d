"""A GIN index over the Dutch full-text vector of activities, on PostgreSQL only.

The expression is SEARCH_VECTOR itself, so searches built from it use the index.
SQLite has no full-text type and uses the plain fallback of ActivityQuerySet.search.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "activity_search_dutch"


def _index():
    from initiatives.models import SEARCH_VECTOR

    return GinIndex(SEARCH_VECTOR, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("initiatives", "Activity"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("initiatives", "Activity"), _index())


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
