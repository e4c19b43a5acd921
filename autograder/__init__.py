"""dlgrade: the deep-learning course's sandboxed autograder."""

__version__ = "0.1.0"

from autograder.engine import backends as _backends  # noqa: E402

_backends.prepare()  # before Keras is imported: the same numerics here as in the sandbox
