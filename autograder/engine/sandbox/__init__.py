"""The untrusted side: where student code runs, and how the grader talks to it.

- ``client.py`` (the grader's side): ``Sandbox`` owns a zygote and forks children through it;
  ``ChildProcess`` talks to one child within bounds. ``runner.py`` grades one submission check
  by check, surviving children that die, under one time budget.
- ``zygote.py``: a fresh interpreter that imports the heavy libraries once (never runs an op,
  never runs student code, holds no solution data) and forks one child per request.
- ``child.py`` and what it applies before any student code runs: ``privilege.py`` (own uid,
  private tmpfs), ``limits.py``, ``landlock.py``, ``seccomp.py``, ``policy.py`` (audit hook),
  ``tripwire.py`` (forbidden APIs), ``ground.py`` (grader modules hidden and restored);
  ``layers.py`` probes which of them the machine gives and makes each mandatory.
- ``wire.py``, ``replies.py``, ``calls.py``, ``classify.py``: the bounded protocol and the
  checks on every reply.

Zygotes, per use:

- ``dlgrade grade`` (a class): one private zygote per assignment (and backend need) for the
  whole run, stopped at its end.
- ``dlgrade check`` (one file, ``grading.grade_file``): the user's *warm* zygote
  (``warm.py``): the first check of a kind starts it as a daemon that stays for later checks
  (``DLGRADE_ZYGOTE_IDLE`` seconds idle, default 600, then it leaves by itself) on a Unix
  socket in a 0700 folder of the user's (``$XDG_RUNTIME_DIR/dlgrade`` or
  ``<tmp>/dlgrade-<uid>``); later checks of the same key connect and fork at once. The key
  hashes the package's code, the Python, the uid, the preloads (Keras or not, the forbidden
  list), the zygote's environment (backend, limits, test switches) and the installed numeric
  libraries; one check at a time uses it (a lock file), a concurrent check starts a private
  zygote; a dead, stale or silent daemon is replaced transparently. Every guarantee of a
  private zygote holds: the same probe and mandatory layers, the limits and private paths sent
  with every spawn, the check's children killed when it disconnects, and a connection
  accepted only from the user's own uid and never from one of its children's sessions.
  ``DLGRADE_KEEP_ZYGOTE=0`` turns it off.
"""
