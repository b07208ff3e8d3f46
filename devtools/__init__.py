"""Development-only tools (never shipped to Lambda): local runner, demo data, token minting."""
