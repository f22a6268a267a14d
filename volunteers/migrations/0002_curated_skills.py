"""A first curated list of skills; coordinators keep it up to date in the admin."""

from django.db import migrations

SKILLS = [
    ("taalmaatje", "Taalmaatje / Nederlands oefenen", "Language buddy / practising Dutch"),
    ("huiswerkbegeleiding", "Huiswerkbegeleiding", "Homework support"),
    ("administratie", "Hulp bij brieven en administratie", "Help with letters and paperwork"),
    ("koken", "Koken", "Cooking"),
    ("sport", "Sport en bewegen", "Sport and exercise"),
    ("vervoer", "Vervoer / rijden", "Transport / driving"),
    ("klussen", "Klussen en reparaties", "Odd jobs and repairs"),
    ("computer", "Computer- en telefoonhulp", "Computer and phone help"),
    ("tolken", "Tolken en vertalen", "Interpreting and translating"),
    ("gesprekken", "Gesprekken voeren en luisteren", "Conversation and listening"),
    ("jongeren", "Werken met jongeren", "Working with young people"),
    ("ouderen", "Bezoek aan ouderen", "Visiting elderly people"),
    ("organiseren", "Activiteiten organiseren", "Organising activities"),
    ("werk", "Begeleiding naar werk", "Guidance towards work"),
    ("communicatie", "Communicatie en social media", "Communication and social media"),
    ("geld", "Thuisadministratie en geldzaken", "Household finances"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for slug, name_nl, name_en in SKILLS:
        Skill.objects.get_or_create(slug=slug, defaults={"name_nl": name_nl, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]
