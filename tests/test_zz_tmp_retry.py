import smtplib
from unittest import mock
from django.core.mail.backends import locmem
from tests.test_worker import *  # noqa

def test_probe(worker, task_log):
    real = locmem.EmailBackend.send_messages
    sends = []
    def flaky(b, m):
        sends.append(m)
        if len(sends) == 1:
            raise smtplib.SMTPServerDisconnected("x")
        return real(b, m)
    with mock.patch.object(locmem.EmailBackend, "send_messages", flaky):
        sign_up(SessionFactory())
        n = Notification.objects.get()
        t0 = time.monotonic()
        assert wait_for(lambda: len(task_log.finished(DELIVER, n.pk)) >= 2, timeout=40)
        n.refresh_from_db()
        print("\nRUNS", task_log.finished(DELIVER, n.pk), "after", time.monotonic() - t0, "next_attempt", n.next_attempt_at, "sent", n.sent_at, "outbox", len(mail.outbox))
