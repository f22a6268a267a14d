"""The standard list of trajectory goals (Mi na Mi's goals for participants, shared/seeds/),
which coordinators manage in the admin from here on."""

from django.db import migrations

GOALS = [
    (
        "Helder krijgen waar je tegenaan loopt",
        "Knowing what you are stuck on",
        "معرفة ما الذي يعيقك",
        "Зрозуміти, що тобі заважає",
    ),
    ("Een sterker zelfbeeld", "A stronger self-image", "صورة أقوى عن الذات", "Сильніша самооцінка"),
    (
        "Meer sociale contacten",
        "More social contacts",
        "المزيد من العلاقات الاجتماعية",
        "Більше соціальних контактів",
    ),
    (
        "De weg kennen naar instanties die kunnen helpen",
        "Knowing the way to agencies that can help",
        "معرفة الطريق إلى الجهات التي يمكنها المساعدة",
        "Знати, які установи можуть допомогти",
    ),
    ("Innerlijke rust", "Inner calm", "الهدوء الداخلي", "Внутрішній спокій"),
    ("Nederlandse taal", "Dutch language", "اللغة الهولندية", "Нідерландська мова"),
    (
        "Een plek in vrijwilligerswerk",
        "A place in volunteer work",
        "مكان في العمل التطوعي",
        "Місце у волонтерській роботі",
    ),
]


def add_goals(apps, schema_editor):
    Goal = apps.get_model("matching", "Goal")
    for position, (nl, en, ar, uk) in enumerate(GOALS, start=1):
        Goal.objects.get_or_create(
            name_nl=nl,
            defaults={"name_en": en, "name_ar": ar, "name_uk": uk, "position": position},
        )


def remove_goals(apps, schema_editor):
    Goal = apps.get_model("matching", "Goal")
    Goal.objects.filter(name_nl__in=[nl for nl, *_rest in GOALS]).delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0010_trajectories")]

    operations = [migrations.RunPython(add_goals, remove_goals)]
