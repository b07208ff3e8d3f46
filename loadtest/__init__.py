"""Bounded load on the local service (loopback only, stops by itself), then an invariant check of the stored data."""
