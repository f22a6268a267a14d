"""Accounts through allauth: sign-up by e-mail with verification, rate-limited log in, and the
admin's log in going through allauth."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from mpact.users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_sign_up_verify_e_mail_and_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nieuw@example.org",
            "password1": "lang-en-sterk-2026",
            "password2": "lang-en-sterk-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.org")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    assert client.post(path).status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("initiatives:my_signups")).status_code == 200


def test_unverified_account_cannot_log_in(client):
    user = User.objects.create_user(email="half@example.org", password="lang-en-sterk-2026")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "lang-en-sterk-2026"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"] or "verif" in response["Location"]
    assert client.get(reverse("initiatives:my_signups")).status_code == 302


def test_bad_sign_up_keeps_the_e_mail_and_says_why(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "typo@example.org", "password1": "lang-en-sterk-2026", "password2": "anders"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="typo@example.org"' in response.content.decode()
    assert not User.objects.exists()


def test_failed_logins_are_rate_limited(client, resident):
    for attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": resident.email, "password": f"wrong-{attempt}"}
        )
        assert response.status_code == 200
    # After five failures for this address even the right password is refused for a while.
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": "correct-horse-battery"}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    cache.clear()  # the limit lifts with time: here, by emptying the cache
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
