"""HoursEntry now belongs to initiatives (initiatives/migrations/0012_hoursentry.py): the
table and rows stay, the content type (permissions, admin history) moves with it."""

from django.db import migrations


def content_type_to_initiatives(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(
        app_label="initiatives", model="hoursentry"
    ).exists():
        content_type.objects.using(db).filter(app_label="volunteers", model="hoursentry").update(
            app_label="initiatives"
        )


def content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="initiatives", model="hoursentry").update(
        app_label="volunteers"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_skill_moves_to_core"),
        ("initiatives", "0012_hoursentry"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HoursEntry")],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_initiatives, content_type_back),
    ]
