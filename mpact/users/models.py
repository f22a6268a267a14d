import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

COORDINATORS_GROUP = "Coordinators"


class Channel(models.TextChoices):
    """How a person wants to hear about one group of messages (mpact/notifications/models.py,
    `Notification.Kind.group`). A text message needs a phone number and is off while the
    person has stopped text messages; then e-mail takes over."""

    EMAIL = "email", _("e-mail")
    TEXT = "text", _("text message")
    BOTH = "both", _("e-mail and text message")


# The groups of messages a person chooses a channel for, each in a field reach_<group>_by
# (which kinds belong to which group: Notification.Kind.group).
REACH_FIELDS = ("reach_confirmations_by", "reach_reminders_by", "reach_proposals_by")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def coordinators(self):
        """Active staff in the coordinators group: who gets the coordination work."""
        return self.filter(is_active=True, is_staff=True, groups__name=COORDINATORS_GROUP)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account: logs in with an e-mail address, has no username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # The site language the person last chose; notifications to them are written in it.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    # Text messages (issue 13): the number in international format (E.164, +31612345678), and
    # per group of messages how the person wants to be reached.
    phone = PhoneNumberField(_("mobile phone number"), blank=True)
    reach_confirmations_by = models.CharField(
        _("confirmations"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    reach_reminders_by = models.CharField(
        _("reminders and messages about a session"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.EMAIL,
    )
    reach_proposals_by = models.CharField(
        _("match proposals"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    # Set when the person stops text messages (a reply STOP, or on their page); cleared when
    # they switch them on again.
    texts_stopped_at = models.DateTimeField(_("text messages stopped"), null=True, blank=True)
    # The version of what the person's own page shows (mpact/cache.py, person_changed): a new
    # random token whenever any of it changes, so that a copy kept under the old one is never
    # served again. Loaded with the user (mpact/users/backends.py): no query to know it.
    page_version = models.UUIDField(default=uuid.uuid4, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        # A whole row written is a change of the person (their e-mail address, which finds
        # their sign-ups); and an instance loaded before a bump must not write the old version
        # back. A save of named fields leaves the version alone.
        if kwargs.get("update_fields") is None:
            self.page_version = uuid.uuid4()
        super().save(*args, **kwargs)

    def channels_for(self, group: str) -> set[str]:
        """How to reach this person about a group of messages ("confirmations", "reminders",
        "proposals"): {"email"}, {"text"} or both. A text message only where there is a number
        and texts are not stopped; whatever is left without a channel goes by e-mail."""
        chosen = getattr(self, f"reach_{group}_by", Channel.EMAIL)
        channels = {"email", "text"} if chosen == Channel.BOTH else {str(chosen)}
        if "text" in channels and not self.can_receive_texts:
            channels.discard("text")
        return channels or {"email"}

    @property
    def can_receive_texts(self) -> bool:
        return bool(self.phone) and self.texts_stopped_at is None

    @property
    def display_name(self) -> str:
        return self.name or self.first_name or self.email.split("@")[0]
