from celery import shared_task

from matching import services


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def remind_stale_requests() -> int:
    return services.stale_requests_remind()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def remind_referral_follow_ups() -> int:
    return services.referral_follow_ups_remind()


@shared_task
def run_matching() -> int | None:
    """The scheduled matching run; skipped (not failed) when another run is going on."""
    from matching.runs import MatchRunBusy, match_run_execute

    try:
        return match_run_execute().pk
    except MatchRunBusy:
        return None


@shared_task
def expire_suggestions() -> int:
    from matching.suggestions import suggestions_expire

    return suggestions_expire()
