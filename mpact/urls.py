"""The site's addresses: one vocabulary in plain Dutch.

- One word per thing: the Dutch name the site gives it (a Session is a bijeenkomst, an
  Opportunity a vacature, a MatchSuggestion a voorstel, a Notification a melding), in the
  plural: activiteiten/ is the list, activiteiten/<pk>/ one of them, and so are the signed
  links in e-mails (hulpvragen/<token>/, aanmeldingen/<token>/, voorstellen/<token>/). Only
  what someone has one of is singular: vrijwilliger/profiel/, vacatures-mail/.
- Adding one is <things>/nieuw/ (hulpvragen/nieuw/, beheer/<organisation>/vacatures/nieuw/);
  aanmelden/ signs something that exists up (yourself for a bijeenkomst, your organisation).
- Doing something to one (or to the list) is one more segment after it: a verb in the
  infinitive (aanmeldingen/<token>/annuleren/, also aanmelden, kopieren, verwijderen) or the
  state it ends in (meldingen/gelezen/, niet-voor-mij, status). One exception: the weekly
  e-mail's switch-off is vacatures-mail/uit/<token>/, the token (whose e-mail) last.
- Whose it is: mijn-<things>/ is a logged-in person's own list, vrijwilliger/ their volunteer
  page (singular: it is theirs alone), beheer/<organisation>/ an organisation's own pages.
- Words in one segment are joined by hyphens, each in the form it has alone (mijn-hulpvragen,
  vacatures-mail, niet-voor-mij); lower case, no accents.
- Addresses for machines rather than people keep their usual names: health/, csp-report/,
  i18n/setlang/, media/, sms/inbound/ (the text-message provider's), and k/<code>, the short
  links in text messages; allauth's accounts/ and the admin are the libraries'.
- An address never just disappears: when one moves, its old route goes into mpact/redirects.py.

tests/test_url_vocabulary.py holds the allowed words and fails on a new word that is not
among them.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from mpact import views
from mpact.health import views as health_views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/ready/", health_views.ready, name="health_ready"),
    path("privacy/", views.privacy, name="privacy"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("meldingen/", views.notification_list, name="notifications"),
    path("vrijwilliger/", views.volunteer_dashboard, name="volunteer_dashboard"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("meldingen/instellingen/", views.notification_settings, name="notification_settings"),
    path("k/<str:code>", views.short_link, name="short_link"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("initiatives.urls")),
    path("", include("volunteers.urls")),
    path("", include("matching.urls")),
    path("", include("mpact.redirects")),  # old addresses, answered with permanent redirects
    # Uploaded activity images. Small deployments let Django serve them; behind a proxy that
    # serves MEDIA_ROOT itself, this route is simply never reached.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
