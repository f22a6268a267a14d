"""Neighbourhood and Language (from initiatives) and Skill (from volunteers) move to core,
the bottom of the apps, with their tables and rows as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('initiatives', '0009_activity_next_session'),
        ('volunteers', '0004_profile_distance_and_opportunity_email'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table on the models): only Django's idea of
            # which app a model belongs to changes.
            state_operations=[
                migrations.CreateModel(
                    name='Language',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_nl', models.CharField(max_length=100, verbose_name='name in Dutch')),
                        ('name_en', models.CharField(max_length=100, verbose_name='name in English')),
                        ('code', models.CharField(max_length=12, unique=True, verbose_name='code')),
                    ],
                    options={
                        'verbose_name': 'language',
                        'verbose_name_plural': 'languages',
                        'db_table': 'initiatives_language',
                        'ordering': ['name_nl'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Skill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_nl', models.CharField(max_length=100, verbose_name='name in Dutch')),
                        ('name_en', models.CharField(max_length=100, verbose_name='name in English')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                    ],
                    options={
                        'verbose_name': 'skill',
                        'verbose_name_plural': 'skills',
                        'db_table': 'volunteers_skill',
                        'ordering': ['name_nl'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Neighbourhood',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('municipality', models.CharField(max_length=120, verbose_name='municipality')),
                        ('slug', models.SlugField(max_length=140, unique=True, verbose_name='slug')),
                        ('latitude', models.DecimalField(decimal_places=6, max_digits=9, verbose_name='latitude')),
                        ('longitude', models.DecimalField(decimal_places=6, max_digits=9, verbose_name='longitude')),
                    ],
                    options={
                        'verbose_name': 'neighbourhood',
                        'verbose_name_plural': 'neighbourhoods',
                        'db_table': 'initiatives_neighbourhood',
                        'ordering': ['municipality', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('municipality', 'name'), name='neighbourhood_unique_per_municipality'), models.CheckConstraint(condition=models.Q(('latitude__gte', -90), ('latitude__lte', 90), ('longitude__gte', -180), ('longitude__lte', 180)), name='neighbourhood_valid_centre')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
