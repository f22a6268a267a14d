"""Activities, opportunities and organisations point at the reference data in core."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('initiatives', '0009_activity_next_session'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table on the models): only Django's idea of
            # which app a model belongs to changes.
            state_operations=[
                migrations.AlterField(
                    model_name='opportunity',
                    name='neighbourhood',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.neighbourhood', verbose_name='neighbourhood'),
                ),
                migrations.AlterField(
                    model_name='activity',
                    name='neighbourhood',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='core.neighbourhood', verbose_name='neighbourhood'),
                ),
                migrations.AlterField(
                    model_name='activity',
                    name='languages',
                    field=models.ManyToManyField(blank=True, to='core.language', verbose_name='languages'),
                ),
                migrations.AlterField(
                    model_name='opportunity',
                    name='languages',
                    field=models.ManyToManyField(blank=True, to='core.language', verbose_name='languages wanted'),
                ),
                migrations.AlterField(
                    model_name='opportunity',
                    name='skills',
                    field=models.ManyToManyField(blank=True, to='core.skill', verbose_name='skills wanted'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='neighbourhoods',
                    field=models.ManyToManyField(blank=True, to='core.neighbourhood', verbose_name='neighbourhoods served'),
                ),
            ],
            database_operations=[],
        ),
    ]
