"""Workflows declared as a table of steps, {name: (the statuses it is taken from, where it
leads)}: help requests (matching) and residents' initiatives (initiatives) both use it."""


def transitions_of(steps: dict, statuses) -> dict:
    """{status: the statuses it may move to} from a table of steps {name: (sources, to)}."""
    return {
        status: {to for sources, to in steps.values() if status in sources} for status in statuses
    }
