from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Activities and organisations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from initiatives.models import Activity, Session

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
