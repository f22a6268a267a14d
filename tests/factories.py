"""The factories moved to mpact/factories.py, where seed_demo and the benchmarks use them too;
import them from there. This module only re-exports them for test files that still import
from here."""

from mpact.factories import *  # noqa: F403
from mpact.factories import __all__  # noqa: F401
