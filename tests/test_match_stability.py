"""The matching on the benchmark's data (bench/matching.py, 1/16 size: 1,250 volunteers, 313
requests, 125 opportunities, its skew of languages and places), on PostgreSQL: the run's total
is proven optimal over every feasible pair, a second run with nothing changed adds nothing, and
no volunteer ever has two tips waiting."""

from collections import Counter
from importlib import import_module

import pytest

from bench.matching import seed_database
from matching import runs
from matching.models import MatchRun, MatchSuggestion
from mpact.core.models import Skill

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_rerun_adds_nothing_and_tips_come_one_at_a_time():
    # The curated skills a data migration made may have been flushed by earlier tests.
    curated = import_module("volunteers.migrations.0002_curated_skills")
    for slug, name_nl, name_en in curated.SKILLS:
        Skill.objects.get_or_create(slug=slug, defaults={"name_nl": name_nl, "name_en": name_en})
    seed_database(16, seed=2026)
    first = runs.match_run_execute()
    assert first.suggestions > 100  # the data really gives the matching something to do
    assert first.bound == first.total_score  # proven the best over every feasible pair
    second = runs.match_run_execute()
    assert second.status == MatchRun.Status.DONE
    assert second.suggestions == 0, f"a second run on unchanged data added {second.suggestions}"
    waiting_tips = Counter(
        MatchSuggestion.objects.filter(
            opportunity__isnull=False, status=MatchSuggestion.Status.PROPOSED
        ).values_list("volunteer_id", flat=True)
    )
    assert waiting_tips and max(waiting_tips.values()) == 1
