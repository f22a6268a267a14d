from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from mpact.cache import person_changed, person_pages_follow
        from volunteers.models import VolunteerLanguage, VolunteerProfile

        # A person's own page (mpact/cache.py person_fragment) shows their profile: a save or
        # delete of it, its languages or its skills changes their page version on commit.
        person_pages_follow(
            VolunteerProfile, lambda profile: {"users": [profile.user_id]}, owner="user"
        )
        person_pages_follow(
            VolunteerLanguage,
            lambda spoken: {
                "users": VolunteerProfile.objects.filter(pk=spoken.profile_id).values("user_id")
            },
            owner="profile",
        )

        def skills_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
            if action not in ("post_add", "post_remove", "pre_clear"):
                return
            if not reverse:  # a profile's skills
                users = [instance.user_id]
            elif action == "pre_clear":  # a skill's profiles, read before they are gone
                users = list(
                    VolunteerProfile.objects.filter(skills=instance).values_list(
                        "user_id", flat=True
                    )
                )
            else:
                users = VolunteerProfile.objects.filter(pk__in=list(pk_set)).values("user_id")
            person_changed(users=users, using=using)

        m2m_changed.connect(
            skills_changed,
            sender=VolunteerProfile.skills.through,
            weak=False,
            dispatch_uid="person_profile_skills",
        )
