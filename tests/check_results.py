"""What the exercise-check tests read of a check's result."""


def verdict(result):
    """(passed, message) of a check's result, which must be a CheckResult (never an exception)."""
    assert type(result).__name__ == "CheckResult"
    return result.passed, result.message
