"""Exercise checkers, one module per notebook (`from wi_helpers.exercises import nb01`)."""
