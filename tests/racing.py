"""Real concurrent transactions for the race tests (tests/test_race.py, sign-ups, and
tests/test_support_concurrency.py, agreements): each job in its own thread with its own
database connection, all released at one moment by a barrier."""

import threading

from django.db import connection

JOIN_TIMEOUT = 60


def run_together(jobs, *, refusal: type[Exception]):
    """Run each (prepare, act) job in its own thread, all released at once; their outcomes in
    order: ("ok", value), ("refused", the `refusal` error's code) or ("crash", repr(error))."""
    barrier = threading.Barrier(len(jobs), timeout=JOIN_TIMEOUT)
    outcomes = [None] * len(jobs)

    def run(index, prepare, act):
        try:
            subject = prepare()  # own connection, own objects, before the start signal
            barrier.wait()
            outcomes[index] = ("ok", act(subject))
        except refusal as error:
            outcomes[index] = ("refused", error.code)
        except BaseException as error:  # noqa: B036 — any other escape is a failure to report
            outcomes[index] = ("crash", repr(error))
            barrier.abort()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, prepare, act), name=f"race-{index}")
        for index, (prepare, act) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes
