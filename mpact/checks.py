"""Start-up checks that say what to do instead of failing on the first request."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.files.storage import storages


def static_files_problem() -> str | None:
    """With DEBUG off, every page links its stylesheet through the manifest that collectstatic
    writes; without it the first page answers 500 ("Missing staticfiles manifest entry")."""
    storage = storages["staticfiles"]
    # With DEBUG on, the manifest storage links the plain names and no manifest is needed.
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return None
    if storage.manifest_storage.exists(storage.manifest_name):
        return None
    return (
        f"The static files are not collected in {settings.STATIC_ROOT}. With DEBUG off, run "
        "`python manage.py collectstatic --no-input` first (the Docker image does this when "
        "it is built), or set DEBUG=true for development."
    )


# Untagged, so that collectstatic (which runs only the staticfiles checks) is not refused.
@checks.register()
def static_files_collected(app_configs=None, **kwargs):
    problem = static_files_problem()
    return [checks.Error(problem, id="mpact.E001")] if problem else []
