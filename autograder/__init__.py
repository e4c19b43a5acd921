"""dlgrade: the deep-learning course's sandboxed autograder."""

__version__ = "0.1.0"
