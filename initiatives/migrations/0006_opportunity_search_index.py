"""A GIN index over the Dutch full-text vector of opportunities, on PostgreSQL only (see
0003_activity_search_index)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "opportunity_search_dutch"


def _index():
    from initiatives.models import SEARCH_VECTOR

    return GinIndex(SEARCH_VECTOR, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("initiatives", "Opportunity"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("initiatives", "Opportunity"), _index())


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0005_opportunity_relations")]

    operations = [migrations.RunPython(create_index, drop_index)]
