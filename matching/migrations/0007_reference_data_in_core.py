"""Agencies, participants and help requests point at the reference data in core."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('matching', '0006_help_request_available_slots'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table on the models): only Django's idea of
            # which app a model belongs to changes.
            state_operations=[
                migrations.AlterField(
                    model_name='agency',
                    name='languages',
                    field=models.ManyToManyField(blank=True, to='core.language', verbose_name='languages spoken'),
                ),
                migrations.AlterField(
                    model_name='agency',
                    name='neighbourhoods',
                    field=models.ManyToManyField(blank=True, to='core.neighbourhood', verbose_name='neighbourhoods served'),
                ),
                migrations.AlterField(
                    model_name='helprequest',
                    name='languages',
                    field=models.ManyToManyField(blank=True, to='core.language', verbose_name='languages spoken'),
                ),
                migrations.AlterField(
                    model_name='helprequest',
                    name='neighbourhood',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.neighbourhood', verbose_name='neighbourhood'),
                ),
                migrations.AlterField(
                    model_name='participant',
                    name='languages',
                    field=models.ManyToManyField(blank=True, to='core.language', verbose_name='languages spoken'),
                ),
                migrations.AlterField(
                    model_name='participant',
                    name='neighbourhood',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.neighbourhood', verbose_name='neighbourhood'),
                ),
            ],
            database_operations=[],
        ),
    ]
