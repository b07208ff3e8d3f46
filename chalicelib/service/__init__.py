"""Use cases: load fresh state, let the domain decide, commit the change in one transaction."""
