"""Seller webhooks on AWS's engines: fan-out of each event to the seller's webhooks, and delivery attempts.

Imported by the webhook functions, and by the API's test and retry routes on first use only.
"""
