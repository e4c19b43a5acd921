"""The ways the engine is used: the CLI, batch grading of a class (discovery, gradebook),
nbgrader, Gradescope, the student bundle (with its public fixtures), release of the
stubs and notebooks, and the in-notebook checks. Channels call the engine; the engine
never imports a channel."""
