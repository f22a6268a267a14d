import hashlib
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from initiatives.views import activity_list

LIST_CACHE_SECONDS = 60


def cached_activity_list(request):
    """initiatives.views.activity_list, served from the cache for anonymous visitors."""
    if request.user.is_authenticated or len(get_messages(request)):
        return activity_list(request)
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    key = f"activity_list:{get_language()}:{hashlib.sha1(query.encode()).hexdigest()}"
    content = cache.get(key)
    if content is not None:
        return HttpResponse(content)
    response = activity_list(request)
    if response.status_code == 200:
        cache.set(key, response.content, LIST_CACHE_SECONDS)
    return response
