"""Addresses that moved, and the one view that sends them on to where they are now.

Signed links in e-mails already sent (a help request's status, a sign-up's cancellation, an
invitation, a match to answer, the weekly e-mail's switch-off), links stored in notifications,
bookmarks and posters keep working: each old address answers with a permanent redirect to the
new one, with the same path parameters and query string. A GET or HEAD gets 301; any other
method 308, which keeps the method and body, so a form posted to an old address is not turned
into a GET and lost.

Nothing here is ever removed: an e-mail, a printed poster (`hulp-vragen/`) or a bookmark can
be years old. The patterns are unnamed, so nothing in the site can link to an old address.
When an address moves, add its old route here with the URL name it has now; the parameter
names must stay the same (tests/test_url_vocabulary.py checks every row).
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

# (old route, the URL name that serves it now); moved in issue 10 to one vocabulary
# (the rules are at the top of mpact/urls.py).
MOVED = [
    ("hulp-vragen/", "matching:help_request_create"),
    ("hulpvraag/<str:token>/", "matching:help_request_status"),
    ("voorstel/<str:token>/", "matching:suggestion_answer"),
    (
        "vrijwilliger/kansen/<int:pk>/niet-voor-mij/",
        "matching:opportunity_suggestion_decline",
    ),
    ("kansen-mail/uit/<str:token>/", "matching:opportunity_email_off"),
    ("beheer/<slug:slug>/ondersteuning/", "matching:organisation_help_request"),
    ("aanmelding/<str:token>/", "initiatives:signup_status"),
    ("aanmelding/<str:token>/annuleren/", "initiatives:signup_cancel"),
    ("uitnodiging/<str:token>/", "initiatives:invitation_accept"),
    ("sessies/<int:pk>/aanmelden/", "initiatives:session_signup"),
    ("sessies/<int:pk>/agenda.ics", "initiatives:session_calendar"),
    (
        "beheer/<slug:slug>/activiteiten/<int:activity_pk>/sessies/nieuw/",
        "initiatives:manage_session_create",
    ),
    (
        "beheer/<slug:slug>/activiteiten/<int:activity_pk>/sessies/<int:pk>/",
        "initiatives:manage_session_edit",
    ),
]


class HttpResponsePermanentRedirectKeepMethod(HttpResponsePermanentRedirect):
    status_code = 308


# A redirect changes nothing, and the address it points to checks the CSRF token of a POST
# sent on to it; refusing here would lose a form posted from a page rendered before the move.
@csrf_exempt
def moved(request, new_name, **kwargs):
    url = reverse(new_name, kwargs=kwargs)
    if query := request.META.get("QUERY_STRING", ""):
        url = f"{url}?{query}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(url)
    return HttpResponsePermanentRedirectKeepMethod(url)


urlpatterns = [path(old, moved, {"new_name": new_name}) for old, new_name in MOVED]
