"""On PostgreSQL, each activity's and opportunity's full-text vector is stored in a column the
database keeps (GENERATED ... STORED) and indexed, instead of an index over the expression:
ranking a match no longer rebuilds the vector of every row it ranks (issue 12).

The column's expression is SEARCH_VECTOR, compiled by Django as a GeneratedField would be, so
the definition has one owner. The models do not declare the column (SQLite has no
to_tsvector); `initiatives.models.SEARCH_DOCUMENT` names it for the searches.
"""

from django.db import migrations

TABLES = {
    "Activity": ("activity_search_dutch", "activity_search_document"),
    "Opportunity": ("opportunity_search_dutch", "opportunity_search_document"),
}


def _expression_sql(model, schema_editor):
    from django.db.models.sql import Query

    from initiatives.models import SEARCH_VECTOR

    query = Query(model, alias_cols=False)  # bare column names, as a generated column needs
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = SEARCH_VECTOR.resolve_expression(query).as_sql(
        compiler, schema_editor.connection
    )
    return sql % tuple(schema_editor.quote_value(param) for param in params)


def _tables(apps, schema_editor):
    """Per table: the model, its quoted name, the old expression index, the new index name."""
    from django.contrib.postgres.indexes import GinIndex

    from initiatives.models import SEARCH_VECTOR

    for name, (old_index, new_index) in TABLES.items():
        model = apps.get_model("initiatives", name)
        table = schema_editor.quote_name(model._meta.db_table)
        yield model, table, GinIndex(SEARCH_VECTOR, name=old_index), new_index


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, table, old_index, new_index in _tables(apps, schema_editor):
        schema_editor.remove_index(model, old_index)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({_expression_sql(model, schema_editor)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(new_index)} ON {table} "
            "USING gin (search_document)"
        )


def unstore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, table, old_index, _new_index in _tables(apps, schema_editor):
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")
        schema_editor.add_index(model, old_index)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0012_hoursentry")]

    operations = [migrations.RunPython(store, unstore)]
