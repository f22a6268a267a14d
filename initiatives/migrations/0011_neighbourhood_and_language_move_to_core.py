"""Neighbourhood and Language now belong to core (mpact/core/models.py)."""

from django.db import migrations

APP = "initiatives"
MOVED = ['neighbourhood', 'language']


def content_types_to_core(apps, schema_editor, models_moved=MOVED):
    """Keep the content types (and with them permissions and admin history): rename their
    app label instead of leaving them behind and having new ones made."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in models_moved:
        if content_type.objects.using(db).filter(app_label="core", model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=APP, model=model).update(app_label="core")


def content_types_back(apps, schema_editor, models_moved=MOVED):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="core", model__in=models_moved).update(
        app_label=APP
    )


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0010_reference_data_in_core'),
        ('volunteers', '0005_reference_data_in_core'),
        ('matching', '0007_reference_data_in_core'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table on the models): only Django's idea of
            # which app a model belongs to changes.
            state_operations=[
                migrations.DeleteModel(
                    name='Language',
                ),
                migrations.DeleteModel(
                    name='Neighbourhood',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_core, content_types_back),
    ]
