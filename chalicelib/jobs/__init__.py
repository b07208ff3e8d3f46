"""Scheduled functions: thin wrappers over the service layer."""
