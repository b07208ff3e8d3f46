"""Events out: one event per committed change (and per reminder), on the bus and in the seller's feed.

envelope.py  the envelope every channel carries, built from the committed values
outbox.py    the events table: written in the change's own transaction, read by its stream and by the feed
publisher.py the stream's records to EventBridge, failures resent, what stays failed to the dead-letter queue
feed.py      one page of a seller's feed, oldest first, only events older than the settle time
"""
