"""The cloud stack around the Chalice app: tables, queue, alarms, parameters, IAM checks (never shipped to Lambda)."""
