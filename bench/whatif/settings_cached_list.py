"""What-if: the activity list served from a cache for anonymous visitors.

Only for the benchmark (bench/pages.py --app-settings bench.whatif.settings_cached_list); it
changes no app code. On top of bench.settings it:

- routes /activiteiten/ to bench.whatif.views.cached_activity_list, which keeps the rendered
  page of an anonymous visitor without messages in the cache for 60 s, keyed on language and
  the normalised query string;
- routes /i18n/setlang/ to csrf_exempt(set_language) and renders base.html without the
  language form's {% csrf_token %}, because a page with a per-visitor CSRF token cannot be
  shared between visitors (and Django's cache middleware refuses to store it anyway).

The modified base.html is generated from templates/base.html at start-up, so it follows the
real one.
"""

import re
import tempfile
from pathlib import Path

from bench.settings import *  # noqa: F403
from bench.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.whatif.urls_cached_list"

_templates = Path(tempfile.gettempdir()) / "mpact-bench-whatif-templates"
_templates.mkdir(exist_ok=True)
_base = (BASE_DIR / "templates" / "base.html").read_text()
_lang_form = re.compile(r"(<form action=\"\{% url 'set_language' %\}\"[^>]*>\s*)\{% csrf_token %\}")
if not _lang_form.search(_base):
    raise RuntimeError("templates/base.html changed: the language form's csrf_token not found")
(_templates / "base.html").write_text(_lang_form.sub(r"\1", _base))
TEMPLATES[0]["DIRS"] = [_templates, *TEMPLATES[0]["DIRS"]]
