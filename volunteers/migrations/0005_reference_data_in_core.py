"""Profiles and their languages point at the reference data in core."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('volunteers', '0004_profile_distance_and_opportunity_email'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table on the models): only Django's idea of
            # which app a model belongs to changes.
            state_operations=[
                migrations.AlterField(
                    model_name='volunteerlanguage',
                    name='language',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='core.language', verbose_name='language'),
                ),
                migrations.AlterField(
                    model_name='volunteerprofile',
                    name='neighbourhood',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='core.neighbourhood', verbose_name='neighbourhood'),
                ),
                migrations.AlterField(
                    model_name='volunteerprofile',
                    name='skills',
                    field=models.ManyToManyField(blank=True, to='core.skill', verbose_name='skills'),
                ),
            ],
            database_operations=[],
        ),
    ]
