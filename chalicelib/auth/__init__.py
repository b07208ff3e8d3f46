"""Bearer token verification (no Chalice here: the authorizer in api/ adapts it)."""
