"""The Content Security Policy: enforced on every kind of page, the same on a cached page, and
its report endpoint logs what browsers send and refuses what is not a report."""

import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from mpact.factories import SessionFactory

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"
REPORT_URL = reverse("csp_report")
REPORT = {
    "csp-report": {
        "document-uri": "http://testserver/activiteiten/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "http://testserver/activiteiten/",
        "status-code": 200,
        "script-sample": "",
    }
}


def directives(response):
    """The policy's directives as {name: [sources]}."""
    assert HEADER in response, f"no {HEADER} header on {response.request['PATH_INFO']}"
    policy = {}
    for part in response[HEADER].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["report-uri"] == [REPORT_URL]
    for name in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[name], name
        assert "'unsafe-eval'" not in policy[name], name
        assert not any(source.startswith("'nonce-") for source in policy[name]), name
    assert REPORT_ONLY not in response


@pytest.fixture
def activity():
    return SessionFactory().activity


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        (reverse("initiatives:activity_list"), 200),
        (reverse("initiatives:opportunity_list"), 200),
        ("/this-page-does-not-exist/", 404),
        # The admin's log-in sends people on to the site's (allauth's) log-in page.
        (reverse("admin:login"), 302),
        (reverse("account_login"), 200),
        (reverse("account_signup"), 200),
        (reverse("account_reset_password"), 200),
    ],
)
def test_every_kind_of_page_carries_the_policy(client, activity, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_policy(response)


def test_an_activity_page_carries_the_policy(client, activity):
    response = client.get(activity.get_absolute_url())
    assert response.status_code == 200
    assert_policy(response)


def test_the_admin_carries_the_policy_for_a_coordinator(coordinator_client):
    for name in ("admin:index", "admin:matching_helprequest_changelist"):
        response = coordinator_client.get(reverse(name))
        assert response.status_code == 200, name
        assert_policy(response)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_a_page_from_the_public_cache_carries_the_same_policy(
    client, activity, django_assert_num_queries
):
    url = reverse("initiatives:activity_list")
    first = client.get(url)
    with django_assert_num_queries(0):  # really a cache hit
        second = client.get(url)
    assert second.content == first.content
    assert_policy(second)
    assert second[HEADER] == first[HEADER]


def test_a_report_is_logged_and_answered_204(client, caplog):
    with caplog.at_level(logging.WARNING, logger="mpact.csp"):
        response = client.post(
            REPORT_URL, json.dumps(REPORT), content_type="application/csp-report"
        )
    assert response.status_code == 204
    records = [record for record in caplog.records if record.name == "mpact.csp"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert "script-src-elem" in records[0].getMessage()
    assert "/activiteiten/" in records[0].getMessage()


def test_a_reporting_api_report_is_logged_too(client, caplog):
    body = [{"type": "csp-violation", "body": {"effectiveDirective": "img-src"}}] * 2
    with caplog.at_level(logging.WARNING, logger="mpact.csp"):
        response = client.post(
            REPORT_URL, json.dumps(body), content_type="application/reports+json"
        )
    assert response.status_code == 204
    assert [r.name for r in caplog.records].count("mpact.csp") == 2


def test_a_report_cannot_forge_a_log_line(client, caplog):
    report = {"csp-report": {"blocked-uri": "x\n2026-01-01 ERROR django: forged"}}
    with caplog.at_level(logging.WARNING, logger="mpact.csp"):
        client.post(REPORT_URL, json.dumps(report), content_type="application/csp-report")
    (record,) = [r for r in caplog.records if r.name == "mpact.csp"]
    assert "\n" not in record.getMessage()


def test_an_oversized_report_is_refused_unread(client, caplog):
    report = {"csp-report": {"script-sample": "x" * 20_000}}
    with caplog.at_level(logging.WARNING, logger="mpact.csp"):
        response = client.post(
            REPORT_URL, json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code in (400, 413)
    assert not [r for r in caplog.records if r.name == "mpact.csp"]


@pytest.mark.parametrize("body", ["not json", "{}", "[1, 2]", '{"csp-report": "x"}'])
def test_what_is_not_a_report_is_refused(client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="mpact.csp"):
        response = client.post(REPORT_URL, body, content_type="application/csp-report")
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.name == "mpact.csp"]


def test_the_report_endpoint_takes_only_post(client):
    assert client.get(REPORT_URL).status_code == 405
