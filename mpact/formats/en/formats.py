"""English as it is written here in Europe: the day before the month, the 24-hour clock.

Django's plain English formats are American ("12/01/2026" is 1 December), which the site's
English subjects and dates showed; settings.FORMAT_MODULE_PATH puts these first."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
