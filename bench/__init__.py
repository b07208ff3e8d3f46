"""Benchmarks: DynamoDB calls and capacity per operation, the expiry job at scale, cold start, warm path."""
