"""Hostile input, generated: every form and every query string of the site and the admin.

The pages come from the URL permission table (tests/test_urls_permissions.py), each opened as a
role that may use it, and from the admin: the add and change page of every registered model.
The forms and query parameters are read from the HTML each page serves, so a new page, form,
field, list filter or date drill-down is covered without editing this test.

For every field of every POST form: a valid-looking submission is made from what the page
rendered (filled in where empty), then the field alone is replaced by each hostile value
(curated ones for its kind, and hypothesis-generated ones), or left out. Each answer must be:

- never a 5xx;
- when the answer is the form again with an error: no row created, changed or deleted, and the
  typed value shown back in the field (where the field shows what was typed);
- otherwise (it was accepted): the page it leads to works, and every notification it wrote
  can be delivered (a subject with a line break used to make every e-mail fail).

For every query parameter of every page (filter forms, filter and date drill-down links, the
admin's search): each hostile value must answer without a 5xx.

HOSTILE_EXAMPLES (environment, default 2) sets how many generated values each field gets on
top of the curated ones; run with a larger number for a deeper search.
"""

import datetime
import html
import os
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mpact import submissions
from mpact.factories import UserFactory
from mpact.notifications.delivery import DeliveryFailed, notification_deliver
from mpact.notifications.models import Notification
from tests.test_urls_permissions import ROLES, TABLE

GENERATED_PER_FIELD = int(os.environ.get("HOSTILE_EXAMPLES", "2"))

# What the walk covered, printed at the end of the module (for the closing notes).
COVERED = Counter()
FORMS_SEEN: set = set()
FIELDS_SEEN: set = set()
PARAMETERS_SEEN: set = set()


def coverage_line() -> str:
    """Printed at the end of the run (tests/conftest.py's pytest_terminal_summary)."""
    return (
        f"hostile input: {len(FORMS_SEEN)} forms with {len(FIELDS_SEEN)} fields "
        f"({COVERED['posts']} posts), {len(PARAMETERS_SEEN)} query parameters "
        f"({COVERED['gets']} requests)"
    )


# Writes a request may make even when it refuses the input: the session, and the log of who
# opened a participant's record (an audit trail, written on every view).
WRITES_ALLOWED_ON_ERROR = {"django_session", "matching_participantview"}

# --- The hostile values ---------------------------------------------------------------------

TEXT = [
    "",
    " ",
    "x" * 10_000,
    "nul\x00byte",
    "line\r\nbreak",
    "bell\x07 and \x1b[31m escape",
    "\u202eRTL override \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
    " \U0001f600\U0001f469\u200d\U0001f467",
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "'; DROP TABLE users; --",
    '=HYPERLINK("http://evil.example","x")',
]
NUMBERS = ["0", "-1", "2147483647", "2147483648", "-2147483649", "9" * 40, "1e309", "NaN", "1.5"]
DATES = ["0001-01-01", "1899-12-31", "9999-12-31", "2026-02-30", "10000-01-01", "2026-13-01"]
DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "2026-06-01T25:61"]
CHOICES = ["not-a-choice", "999999999999999999999", "-1", "\x00"]
QUERY = [
    "x" * 2_000,
    "nul\x00byte",
    "line\r\nbreak",
    "\x1b[31m",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "-1",
    "9" * 30,
    TEXT[6],
    TEXT[7],
]

GENERATED = st.one_of(
    st.text(max_size=30),
    st.text(
        alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=4
    ).map(lambda middle: f"a{middle}b"),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)


def curated_values(kind: str) -> list[str]:
    if kind in {"number"}:
        return NUMBERS + TEXT[3:5]
    if kind == "date":
        return DATES + TEXT[3:5]
    if kind == "datetime-local":
        return DATETIMES + TEXT[3:5]
    if kind in {"select", "checkbox", "radio"}:
        return CHOICES + TEXT[2:5]
    if kind == "hidden":
        return ["", "-1", "1000", "x", "\x00"]
    return TEXT + NUMBERS[3:5] + DATES[:1]


# --- Reading forms and links from a page ----------------------------------------------------

TEXT_LIKE = {"text", "email", "search", "tel", "url", "number", "date", "datetime-local"}


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    values: list = field(default_factory=list)  # what the page rendered as submitted
    options: list = field(default_factory=list)


@dataclass
class PageForm:
    method: str
    action: str
    fields: dict = field(default_factory=dict)

    def add(self, name, kind, value=None, option=None, selected=False):
        entry = self.fields.setdefault(name, FormField(name, kind))
        if option is not None:
            entry.options.append(option)
        if value is not None:
            entry.values.append(value)


class PageParser(HTMLParser):
    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        if tag == "form":
            self._form = PageForm(
                (a.get("method") or "get").lower(), urljoin(self.url, a.get("action") or self.url)
            )
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag in {"input", "select", "textarea"}):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                if kind == "submit" and a.get("name"):
                    self._form.add(a["name"], "submit", a.get("value", ""))
                return
            if kind in {"checkbox", "radio"}:
                self._form.add(
                    a["name"], kind, a.get("value", "on") if "checked" in a else None,
                    option=a.get("value", "on"),
                )  # fmt: skip
            else:
                self._form.add(a["name"], kind, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.add(a["name"], "textarea")
            self._form.fields[a["name"]].values.append("")
        elif tag == "select":
            self._select = a["name"]
            self._form.add(a["name"], "select-multiple" if "multiple" in a else "select")
        elif tag == "option" and self._select is not None:
            self._option = dict(a, selected="selected" in a)
            if a.get("value") is not None:
                self._form.add(
                    self._select,
                    self._form.fields[self._select].kind,
                    a["value"] if "selected" in a else None,
                    option=a["value"],
                )

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            values = self._form.fields[self._textarea].values
            values[-1] += data
        if self._option is not None and self._option.get("value") is None:
            # <option>text</option>: the text is the value
            entry = self._form.fields[self._select]
            entry.options.append(data.strip())
            if self._option["selected"]:
                entry.values.append(data.strip())
            self._option["value"] = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea and self._form is not None:
                values = self._form.fields[self._textarea].values
                values[-1] = values[-1].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None


def parse(url, content: bytes) -> PageParser:
    parser = PageParser(url)
    parser.feed(content.decode("utf-8", "replace"))
    return parser


def baseline(form: PageForm) -> dict:
    """A submission made of what the page rendered, filled in where it left a field empty, so
    that the hostile value is (where the form allows it) the only thing wrong."""
    today = timezone.localdate()
    data = {}
    for name, entry in form.fields.items():
        if entry.kind == "submit":
            continue
        if name == submissions.FIELD:
            data[name] = str(uuid.uuid4())
            continue
        rendered = [value for value in entry.values if value]
        if entry.kind in {"checkbox", "radio"}:
            if rendered:
                data[name] = rendered if entry.kind == "checkbox" else rendered[0]
            elif "consent" in name and entry.options:
                data[name] = entry.options[0]
            elif entry.kind == "radio" and entry.options:
                data[name] = entry.options[0]
            continue
        if entry.kind in {"select", "select-multiple"}:
            options = [option for option in entry.options if option]
            chosen = rendered or options[:1]
            if chosen:
                data[name] = chosen if entry.kind == "select-multiple" else chosen[0]
            continue
        if rendered:
            data[name] = rendered[0]
            continue
        data[name] = {
            "email": "fuzz@example.org",
            "url": "https://example.org/",
            "tel": "0612345678",
            "number": "2",
            "date": (today + datetime.timedelta(days=7)).isoformat(),
            "datetime-local": (today + datetime.timedelta(days=7)).isoformat()
            + ("T12:00" if "end" in name else "T10:00"),
            "password": "Tr1cky-but-fine-2026",
            "hidden": "",
        }.get(entry.kind, "Proef")
    return data


# --- What a page's answer must be -----------------------------------------------------------

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


def writes(queries) -> list[str]:
    tables = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in WRITES_ALLOWED_ON_ERROR:
            tables.append(f"{match.group(1).split()[0].upper()} {match.group(2)}")
    return tables


def is_form_error(response) -> bool:
    if response.status_code not in (200, 400):
        return False
    content = response.content
    return b"errorlist" in content or b'aria-invalid="true"' in content or b"errornote" in content


def shows_field(content: bytes, name: str) -> bool:
    return f'name="{html.escape(name)}"'.encode() in content


def deliver_everything(label):
    for pk in Notification.objects.undelivered().values_list("pk", flat=True):
        try:
            notification_deliver(notification_id=pk)
        except DeliveryFailed as failure:
            notification = Notification.objects.get(pk=pk)
            pytest.fail(f"{label}: notification {pk} could not be delivered: "
                        f"{notification.last_error} ({failure})")  # fmt: skip


def check_post(client, form: PageForm, data: dict, label: str, typed=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form.action, data)
    where = f"{label}: POST {form.action} with {_short(data)}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if is_form_error(response):
        assert not writes(queries.captured_queries), (
            f"{where} refused the input but wrote: {writes(queries.captured_queries)}"
        )
        if typed is not None:
            name, value = typed
            if shows_field(response.content, name):
                assert html.escape(value).encode() in response.content, (
                    f"{where}: the typed value of {name!r} is not shown back"
                )
        return response
    if response.status_code in (301, 302, 303) and response.get("Location"):
        follow = client.get(response["Location"])
        assert follow.status_code < 500, f"{where} led to {response['Location']}: 5xx"
    deliver_everything(where)
    return response


def _short(data):
    def cut(value):
        text = repr(value)
        return text if len(text) < 60 else text[:57] + "…"

    return "{" + ", ".join(f"{key}={cut(value)}" for key, value in data.items()) + "}"


def page_forms(parser, page_url) -> list[PageForm]:
    forms = []
    for form in parser.forms:
        path = urlsplit(form.action).path
        if form.method != "post" or path in SKIPPED_ACTIONS():
            continue
        forms.append(form)
    return forms


def SKIPPED_ACTIONS():  # noqa: N802 - a constant that needs the URLconf
    # Logging out would end the role's session for the rest of the page's fields.
    return {reverse("account_logout")}


def query_parameters(parser, page_url) -> set[str]:
    """The query parameters a page offers: its GET forms' fields, and those of its links to
    itself (list filters, the admin's filters, date drill-down and ordering)."""
    page_path = urlsplit(page_url).path
    names = set()
    for form in parser.forms:
        if form.method == "get" and urlsplit(form.action).path == page_path:
            names.update(name for name, entry in form.fields.items() if entry.kind != "submit")
    for link in parser.links:
        parts = urlsplit(link)
        if parts.path == page_path and parts.query:
            names.update(key for key, _value in parse_qsl(parts.query, keep_blank_values=True))
    return names


# --- Which pages, as whom -------------------------------------------------------------------


def _roles_that_use(expected: dict) -> list[str]:
    roles = [role for role in ROLES if expected[role] == 200]
    anonymous = [role for role in roles if role == "anonymous"]
    logged_in = [role for role in roles if role != "anonymous"]
    return anonymous + logged_in[:1]


def _walked_by_the_admin_test(name: str) -> bool:
    return name.startswith("admin:") and name.endswith(("_changelist", "_change"))


PAGES = [
    pytest.param(name, kwargs, role, id=f"{label} as {role}")
    for label, name, kwargs, expected in TABLE
    if not _walked_by_the_admin_test(name)
    for role in _roles_that_use(expected)
]
ADMIN_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


def _walk(client, url, label, draw=None):
    response = client.get(url)
    assert response.status_code < 500, f"{label}: GET {url} answered {response.status_code}"
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return 0
    parser = parse(url, response.content)
    count = 0
    for form in page_forms(parser, url):
        base = baseline(form)
        action = urlsplit(form.action).path
        FORMS_SEEN.add((label.split(" as ")[0], action, tuple(sorted(form.fields))))
        for name, entry in form.fields.items():
            if entry.kind == "submit":
                continue
            FIELDS_SEEN.add((action, name))
            values = curated_values(entry.kind)
            if draw is not None:
                values = values + [draw(GENERATED) for _ in range(GENERATED_PER_FIELD)]
            shown = entry.kind in TEXT_LIKE or entry.kind == "textarea"
            for value in values:
                data = {**base, name: value}
                check_post(client, form, data, label, typed=(name, value) if shown else None)
                count += 1
                COVERED["posts"] += 1
            # The field left out altogether (a tampered formset's management form, say).
            check_post(client, form, {k: v for k, v in base.items() if k != name}, label)
            count += 1
            COVERED["posts"] += 1
    for name in sorted(query_parameters(parser, url)):
        PARAMETERS_SEEN.add((urlsplit(url).path, name))
        values = list(QUERY)
        if draw is not None:
            values = values + [draw(GENERATED) for _ in range(GENERATED_PER_FIELD)]
        for value in values:
            answer = client.get(url, {name: value})
            COVERED["gets"] += 1
            assert answer.status_code < 500, (
                f"{label}: GET {url}?{name}={value[:40]!r} answered {answer.status_code}"
            )
            count += 1
    return count


# One example per page: each example already posts every value to every field. No shrinking:
# a failure names the page, the field and the value, and re-running hundreds of requests to
# shrink the example would only cost time.
HYPOTHESIS = settings(
    max_examples=1,
    phases=[Phase.generate],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role"), PAGES)
@HYPOTHESIS
@given(st.data())
def test_every_form_and_query_string_of_the_site(objects, as_role, name, kwargs, role, data):
    url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
    _walk(as_role(role), url, f"{name} as {role}", draw=data.draw)


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), ADMIN_MODELS)
@HYPOTHESIS
@given(st.data())
def test_every_admin_form_and_list(objects, client, app_label, model_name, data):
    # A superuser, so that every model's pages are there (coordinators lack some).
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    prefix = f"admin:{app_label}_{model_name}"
    urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    model = admin.site._registry and next(
        m for m in admin.site._registry if m._meta.model_name == model_name
        and m._meta.app_label == app_label
    )  # fmt: skip
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    for url in urls:
        _walk(client, url, f"{prefix} as a superuser", draw=data.draw)
