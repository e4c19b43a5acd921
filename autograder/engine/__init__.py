"""The grading engine: its stages, used by every channel.

submission (read a student's file safely) -> sandbox (run it in an isolated child) ->
reference (the expected values) -> compare (judge each case) -> result (scores and feedback).
``course`` says which assignments exist and where their rubrics and references come from;
``grading`` runs the stages for one submission.
"""
