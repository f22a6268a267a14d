from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from bench.whatif.views import cached_activity_list
from mpact.urls import urlpatterns as mpact_urlpatterns

urlpatterns = [
    # Same paths and url_name as the real ones, matched first.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("activiteiten/", cached_activity_list, name="activity_list"),
    *mpact_urlpatterns,
]
