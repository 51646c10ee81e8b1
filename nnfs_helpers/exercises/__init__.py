"""Exercise checks, one module per notebook (`nb01` for notebook 01, and so on).

Each check takes the learner's answer (a value, a function or a class), never raises
because of it, and returns a `nnfs_helpers.checking.CheckResult`.
"""
