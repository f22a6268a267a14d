from celery import shared_task

from mpact.submissions import submissions_forget


@shared_task
def forget_old_submissions() -> int:
    return submissions_forget()
