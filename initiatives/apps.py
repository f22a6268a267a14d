from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Activities and organisations")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from initiatives.models import (
            Activity,
            ActivityTranslation,
            HoursEntry,
            Membership,
            Opportunity,
            OpportunityTranslation,
            Organisation,
            Response,
            Session,
            SignUp,
        )
        from mpact.cache import person_pages_follow, public_pages_changed
        from mpact.core.models import Language, Neighbourhood, Skill

        def refresh(sender, instance, **kwargs):
            # Keep the stored next session of the activity in step with its sessions, however
            # they change (admin, organisation pages, bulk deletes).
            Activity.objects.filter(pk=instance.activity_id).refresh_next_session()

        post_save.connect(
            refresh, sender=Session, weak=False, dispatch_uid="activity_next_session_save"
        )
        post_delete.connect(
            refresh, sender=Session, weak=False, dispatch_uid="activity_next_session_delete"
        )

        # What the public pages show: a save or delete anywhere (the admin, an organisation's
        # pages, a task) gives them a new version when it commits (mpact/cache.py), so the
        # change shows at once to visitors and logged-in people alike. Updates in bulk that
        # change what they show call public_pages_changed() themselves (services.signups).
        def changed(sender, using=None, **kwargs):
            if kwargs.get("action", "post_").startswith("post_"):
                transaction.on_commit(public_pages_changed, using=using)

        for model in (
            Organisation,
            Activity,
            ActivityTranslation,
            Session,
            Opportunity,
            OpportunityTranslation,
            Neighbourhood,
            Language,
            Skill,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"public_pages_{signal is post_save}_{model._meta.label}",
                )
        for relation in (
            Activity.languages,
            Opportunity.skills,
            Opportunity.languages,
            Organisation.neighbourhoods,
        ):
            m2m_changed.connect(
                changed,
                sender=relation.through,
                weak=False,
                dispatch_uid=f"public_pages_m2m_{relation.through._meta.label}",
            )

        # A person's own page (the volunteer's page, mpact/cache.py person_fragment) shows
        # their sign-ups (found by e-mail address, a guest's too), responses, hours and
        # organisations: a save or delete of one changes that person's page version when it
        # commits. Updates in bulk call person_changed() themselves (services.hours).
        person_pages_follow(SignUp, lambda signup: {"emails": [signup.email]}, owner="email")
        person_pages_follow(
            Response, lambda response: {"users": [response.volunteer_id]}, owner="volunteer"
        )
        person_pages_follow(
            HoursEntry, lambda entry: {"users": [entry.volunteer_id]}, owner="volunteer"
        )
        person_pages_follow(
            Membership, lambda membership: {"users": [membership.user_id]}, owner="user"
        )
