from celery import shared_task

from matching import services


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def remind_stale_requests() -> int:
    return services.stale_requests_remind()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def remind_referral_follow_ups() -> int:
    return services.referral_follow_ups_remind()


@shared_task(autoretry_for=(Exception,), retry_backoff=300, max_retries=3)
def run_matching(trigger: str = "schedule", by_id: int | None = None) -> int | None:
    """A matching run, scheduled or started by a coordinator; skipped (not failed) when
    another run is going on. A run that fails is recorded (with its error, in the admin) and
    tried again later."""
    from django.contrib.auth import get_user_model

    from matching.runs import MatchRunBusy, match_run_execute

    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    try:
        return match_run_execute(trigger=trigger, by=by).pk
    except MatchRunBusy:
        return None


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def expire_suggestions() -> int:
    from matching.suggestions import suggestions_expire

    return suggestions_expire()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_opportunity_digests() -> int:
    """The weekly 'opportunities for you' e-mail. Safe to retry: what was sent is marked."""
    from matching.digests import opportunity_digests_send

    return opportunity_digests_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def remind_check_ins() -> int:
    """Daily: remind guides of trajectory check-ins that are due or overdue (each once)."""
    from matching.trajectories import check_ins_remind

    return check_ins_remind()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def suggest_support() -> int:
    """Hourly: pair initiatives' needs and goods requests with open offers, and end the
    pairings that can no longer happen (an approval or a posted offer does this at once
    for itself; this catches up on dates passing and on anything missed)."""
    from matching.support import support_suggest

    return support_suggest()
